import { convexToJson, type Value } from "convex/values";
import { authError } from "../../shared/errors.js";
import { normalizeSearchText } from "../../shared/search.js";

/** Longest `name` a user may have, in characters. */
export const MAX_NAME_LENGTH = 200;
/** Longest `image` (a URL) a user may have, in characters. */
export const MAX_IMAGE_LENGTH = 2048;
/** Largest `extend` a user may have: its JSON serialisation, in characters. */
export const MAX_EXTEND_LENGTH = 8 * 1024;

/** The profile fields {@link checkProfile} bounds; `null`/`undefined` are always allowed. */
export type ProfileFields = {
  name?: string | null;
  image?: string | null;
  extend?: unknown;
};

/**
 * Refuses (`INVALID_ARGUMENT`) profile fields over their bounds: a `name`
 * over {@link MAX_NAME_LENGTH} characters, an `image` over
 * {@link MAX_IMAGE_LENGTH}, an `extend` whose JSON serialisation (Convex's,
 * so bytes and int64 values count too) is over {@link MAX_EXTEND_LENGTH}.
 * Call it before writing any of these fields to a user.
 */
export function checkProfile(fields: ProfileFields): void {
  const { name, image, extend } = fields;
  if (typeof name === "string" && name.length > MAX_NAME_LENGTH) {
    throw authError("INVALID_ARGUMENT", `A name may have at most ${MAX_NAME_LENGTH} characters`);
  }
  if (typeof image === "string" && image.length > MAX_IMAGE_LENGTH) {
    throw authError("INVALID_ARGUMENT", `An image URL may have at most ${MAX_IMAGE_LENGTH} characters`);
  }
  if (extend !== undefined && extend !== null && serializedLength(extend) > MAX_EXTEND_LENGTH) {
    throw authError("INVALID_ARGUMENT", `extend may serialise to at most ${MAX_EXTEND_LENGTH} characters of JSON`);
  }
}

function serializedLength(value: unknown): number {
  let json: string;
  try {
    json = JSON.stringify(convexToJson(value as Value));
  } catch {
    throw authError("INVALID_ARGUMENT", "extend is not a Convex value");
  }
  return json.length;
}

/**
 * The `nameKey` to store with `name` (its search key, see schema.ts):
 * `{ nameKey }` for a name, `{ nameKey: undefined }` (unset) for `null` or a
 * blank name, `{}` when `name` is not being written (`undefined`). Spread it
 * into every insert or patch that writes `name`.
 */
export function nameKeyFields(name: string | null | undefined): { nameKey?: string } {
  if (name === undefined) return {};
  const key = name === null ? "" : normalizeSearchText(name);
  return { nameKey: key === "" ? undefined : key };
}
