import { authError } from "../../shared/errors.js";

/**
 * A function's alternative keys are optional fields of which exactly one is
 * given (Convex takes only an object as arguments, so no top-level union):
 * `INVALID_ARGUMENT` naming them otherwise.
 */
export function requireOneOf(args: Record<string, unknown>, first: string, second: string): void {
  if ((args[first] === undefined) === (args[second] === undefined)) {
    throw authError("INVALID_ARGUMENT", `Give either ${first} or ${second}`);
  }
}
