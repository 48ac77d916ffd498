/**
 * `convex-auth-kit/migrate`: moving an app off @convex-dev/auth
 * (docs/migrating-from-convex-auth.md). Its own entry, so that no other
 * function module bundles any of it.
 *
 * @module
 */
export { migrateFromConvexAuth } from "./functions.js";
export type { ConvexAuthMigrationOptions, LegacyTables } from "./options.js";
export type { MigrationReport } from "./report.js";
