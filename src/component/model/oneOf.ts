import { authError } from "../../shared/errors.js";

/**
 * A function's alternative keys are optional fields of which exactly one is
 * given (Convex takes only an object as arguments, so no top-level union):
 * `INVALID_ARGUMENT` naming them otherwise.
 */
export function requireOneOf(args: Record<string, unknown>, ...keys: [string, string, ...string[]]): void {
  const given = keys.filter((key) => args[key] !== undefined).length;
  if (given !== 1) {
    const names = keys.length === 2 ? `${keys[0]} or ${keys[1]}` : `one of ${keys.join(", ")}`;
    throw authError("INVALID_ARGUMENT", `Give either ${names}`);
  }
}
