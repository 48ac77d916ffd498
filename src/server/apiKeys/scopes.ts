import { authError } from "../errors.js";
import { SCOPE_NAME_SHAPE } from "./options.js";

/** A scope granted to a key: `actions` on `resource`; `"*"` in either means any. */
export type ApiKeyScope = { resource: string; actions: string[] };

/** Most scopes one key may carry. */
export const MAX_SCOPES = 64;

/**
 * The scopes of a verified key.
 *
 * @example
 * ```ts
 * const { scopes } = await auth.key.verify(ctx, raw);
 * if (!scopes.can("reports", "read")) return new Response("Forbidden", { status: 403 });
 * ```
 */
export class ApiKeyScopes {
  /** The scopes as stored (plain data, e.g. to return from a function). */
  readonly list: readonly ApiKeyScope[];

  constructor(list: readonly ApiKeyScope[]) {
    this.list = Object.freeze(list.map((s) => Object.freeze({ resource: s.resource, actions: [...s.actions] })));
  }

  /**
   * True when a scope grants `action` on `resource`: its resource is
   * `resource` or `"*"`, and its actions hold `action` or `"*"`. The
   * arguments are taken literally (`can("*", "read")` asks for a `"*"` scope).
   */
  can(resource: string, action: string): boolean {
    return this.list.some(
      (scope) =>
        (scope.resource === "*" || scope.resource === resource) &&
        scope.actions.some((a) => a === "*" || a === action),
    );
  }
}

/**
 * Whether a scope set entry lets a key ask for `action`: the entry holds
 * `"*"` (any action, `"*"` itself included) or holds `action` literally. An
 * entry without `"*"` never grants a requested `"*"`.
 */
/** A caller's value as an error message may quote it: at most 40 characters. */
function shown(value: unknown): string {
  const text = String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function actionAllowed(allowed: readonly string[] | undefined, action: string): boolean {
  return allowed !== undefined && (allowed.includes("*") || allowed.includes(action));
}

/**
 * Checks requested scopes against the app's scope set and returns them
 * normalised (each action once). Throws `INVALID_SCOPE` for a malformed
 * scope, an unknown resource, or an action its resource does not have.
 *
 * A wildcard is granted only where the scope set offers it: resource `"*"`
 * only if the scope set has a `"*"` resource (its actions are then checked
 * against that entry), and action `"*"` only if the resource's entry holds
 * `"*"`. So with `{ reports: ["read", "write"], admin: ["*"] }`, `admin:*`
 * and `admin:purge` pass but `reports:*`, `*:read` and `*:*` are refused.
 * (`Auth()` does not accept a `"*"` resource in `apiKeys.scopes`, so its keys
 * get a `"*"` resource only when no scope set is configured.) With no scope set configured (`null`), any well-formed scope passes,
 * wildcards included.
 */
export function validateScopes(
  requested: readonly ApiKeyScope[],
  scopeSet: Readonly<Record<string, readonly string[]>> | null,
): ApiKeyScope[] {
  if (!Array.isArray(requested)) throw authError("INVALID_SCOPE", "Scopes must be a list");
  if (requested.length > MAX_SCOPES) throw authError("INVALID_SCOPE", `At most ${MAX_SCOPES} scopes per key`);
  const allowedFor = (resource: string) =>
    scopeSet !== null && Object.prototype.hasOwnProperty.call(scopeSet, resource) ? scopeSet[resource] : undefined;
  return requested.map((scope) => {
    const { resource, actions } = scope ?? {};
    if (typeof resource !== "string" || !SCOPE_NAME_SHAPE.test(resource)) {
      throw authError("INVALID_SCOPE", `Malformed scope resource "${shown(resource)}"`);
    }
    if (!Array.isArray(actions) || actions.length === 0) {
      throw authError("INVALID_SCOPE", `The scope on "${shown(resource)}" needs at least one action`);
    }
    for (const action of actions) {
      if (typeof action !== "string" || !SCOPE_NAME_SHAPE.test(action)) {
        throw authError("INVALID_SCOPE", `Malformed action "${shown(action)}" on "${shown(resource)}"`);
      }
    }
    if (scopeSet !== null) {
      const allowed = allowedFor(resource);
      if (allowed === undefined) {
        throw authError("INVALID_SCOPE", `Unknown scope resource "${shown(resource)}"`);
      }
      for (const action of actions) {
        if (!actionAllowed(allowed, action)) {
          throw authError("INVALID_SCOPE", `Unknown action "${shown(action)}" on "${shown(resource)}"`);
        }
      }
    }
    return { resource, actions: [...new Set(actions)] };
  });
}
