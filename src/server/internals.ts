/**
 * What an `Auth()` object was built from (its component and resolved
 * options), for functions built on it outside `Auth()` itself
 * (`migrateFromConvexAuth(auth)`), without a member on the object.
 */
import type { ComponentApi } from "../component/_generated/component.js";
import type { ResolvedOptions } from "./config.js";
import { authError } from "./errors.js";

/** The component and resolved options behind an `Auth()` object. */
export type AuthInternals = { component: ComponentApi; options: ResolvedOptions };

const registry = new WeakMap<object, AuthInternals>();

/** Records what `auth` was built from; returns `auth`. */
export function registerInternals<T extends object>(auth: T, internals: AuthInternals): T {
  registry.set(auth, internals);
  return auth;
}

/** What `auth` was built from; throws for anything `Auth()` did not return. */
export function internalsOf(auth: object): AuthInternals {
  const internals = registry.get(auth);
  if (internals === undefined) throw authError("CONFIGURATION", "Pass the object Auth() returned (export const auth = Auth({ ... }))");
  return internals;
}
