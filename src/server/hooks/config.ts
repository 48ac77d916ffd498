/**
 * Checks `Auth({ callbacks, hooksFunction })` once, when `Auth()` runs (at
 * module load): a misspelt callback or a value that is no function fails the
 * deploy with `CONFIGURATION`, not a sign-in.
 */
import { authError } from "../errors.js";
import { HOOK_NAMES, type HookName } from "../../shared/hooks.js";

/** Where `Auth()` expects the app's `hooks` mutation without `hooksFunction`: `export const { hooks } = auth` in `convex/auth.ts`. */
export const DEFAULT_HOOKS_FUNCTION = "auth:hooks";

/** The configured callbacks' names and the function the component calls them through. */
export type ResolvedHooks = { callbacks: HookName[]; functionName: string };

/** A Convex function name: a module path, a colon, an export (`auth:hooks`, `lib/auth:hooks`). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*(\.js)?:[A-Za-z_$][A-Za-z0-9_$]*$/;

const isHookName = (name: string): name is HookName => (HOOK_NAMES as readonly string[]).includes(name);

/**
 * The callbacks configured, or `null` for none (`callbacks` unset or
 * empty: nothing changes, no call is made). `CONFIGURATION` for a
 * `callbacks` that is not an object, a name that is no callback, a value
 * that is not a function, or a `hooksFunction` that is no function name.
 */
export function resolveCallbacks(callbacks: unknown, hooksFunction: unknown): ResolvedHooks | null {
  if (hooksFunction !== undefined && (typeof hooksFunction !== "string" || !FUNCTION_NAME.test(hooksFunction))) {
    throw authError("CONFIGURATION", `Auth(): hooksFunction must name a mutation such as "${DEFAULT_HOOKS_FUNCTION}"`);
  }
  if (callbacks === undefined) return null;
  if (typeof callbacks !== "object" || callbacks === null || Array.isArray(callbacks)) {
    throw authError("CONFIGURATION", "Auth(): callbacks must be an object of functions");
  }
  const names: HookName[] = [];
  for (const [name, callback] of Object.entries(callbacks)) {
    if (!isHookName(name)) {
      throw authError("CONFIGURATION", `Auth(): callbacks.${name} is no callback; the callbacks are ${HOOK_NAMES.join(", ")}`);
    }
    if (callback === undefined) continue;
    if (typeof callback !== "function") throw authError("CONFIGURATION", `Auth(): callbacks.${name} must be a function`);
    names.push(name);
  }
  if (names.length === 0) return null;
  return { callbacks: names, functionName: (hooksFunction as string | undefined) ?? DEFAULT_HOOKS_FUNCTION };
}
