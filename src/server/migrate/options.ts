/** The options of `migrateFromConvexAuth(auth, options)`, with their defaults filled in. */
import { authError } from "../errors.js";

/** Options of `migrateFromConvexAuth`. */
export type ConvexAuthMigrationOptions = {
  /**
   * The module (file under `convex/`, without `.ts`) that exports the
   * functions, so that `importAll` can call `importBatch`. Default
   * `"authMigration"` (`convex/authMigration.ts`).
   */
  module?: string;
  /**
   * @convex-dev/auth provider ids to sign in under another id here
   * (`{ "resend-otp": "email" }`); others keep theirs (`"password"`,
   * `"github"`...), which is what their provider here must be called.
   */
  providerIds?: Record<string, string>;
  /** Users per `importBatch` transaction. Default 100, at most 400. */
  batchSize?: number;
  /**
   * The tables @convex-dev/auth's data is in, if the app renamed them.
   * Default `users`, `authAccounts`, `authSessions`, `authRefreshTokens`.
   */
  tables?: Partial<LegacyTables>;
};

/** Where @convex-dev/auth keeps users, accounts, sessions and refresh tokens in the app's schema. */
export type LegacyTables = { users: string; accounts: string; sessions: string; refreshTokens: string };

/** {@link ConvexAuthMigrationOptions} with the defaults. */
export type ResolvedMigrationOptions = {
  module: string;
  providerIds: Record<string, string>;
  batchSize: number;
  tables: LegacyTables;
};

/** The most users one `importBatch` takes: well inside a transaction's 4,096 index ranges and 16,000 writes. */
export const MAX_BATCH_SIZE = 400;
const DEFAULT_BATCH_SIZE = 100;

/** The name the client and the imports know the migration by, in the audit log and as the sign-in's provider. */
export const CONVEX_AUTH_SOURCE = "convex-dev-auth";

/** Fills in the defaults; a bad option fails when the module loads. */
export function resolveMigrationOptions(options: ConvexAuthMigrationOptions = {}): ResolvedMigrationOptions {
  const module = options.module ?? "authMigration";
  if (!/^[A-Za-z0-9_/.-]+$/.test(module) || module.endsWith(".ts")) {
    throw authError("CONFIGURATION", `migrateFromConvexAuth(): module must be a path under convex/ without ".ts", got "${module}"`);
  }
  return {
    module,
    providerIds: { ...options.providerIds },
    batchSize: batchSizeOf(options.batchSize ?? DEFAULT_BATCH_SIZE),
    tables: {
      users: options.tables?.users ?? "users",
      accounts: options.tables?.accounts ?? "authAccounts",
      sessions: options.tables?.sessions ?? "authSessions",
      refreshTokens: options.tables?.refreshTokens ?? "authRefreshTokens",
    },
  };
}

/** A batch size from 1 to {@link MAX_BATCH_SIZE}; `INVALID_ARGUMENT` otherwise. */
export function batchSizeOf(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) {
    throw authError("INVALID_ARGUMENT", `batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}`);
  }
  return size;
}
