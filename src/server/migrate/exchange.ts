/**
 * A client still holding @convex-dev/auth's tokens stays signed in: in one
 * transaction its legacy refresh token is taken (legacySession.ts), its
 * user found here (imported on the spot when the batches have not reached
 * them yet), and a session issued through the one issuing path
 * (`issueSession`, a first factor proved by the legacy session). A second
 * use of the token, an expired or forged one, finds nothing: `{ tokens: null }`.
 */
import type { GenericDataModel, GenericMutationCtx } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { ResolvedOptions } from "../config.js";
import type { SignInResult } from "../provider.js";
import { issueSession, loadMinter } from "../session/issue.js";
import { takeLegacyRefreshToken } from "./legacySession.js";
import { mapLegacyUser, readLegacyUser } from "./legacyUsers.js";
import { CONVEX_AUTH_SOURCE, type ResolvedMigrationOptions } from "./options.js";

type MutationCtx = GenericMutationCtx<GenericDataModel>;

/** Exchanges a legacy refresh token for tokens of ours (or the second-factor step of a user who has one now). */
export async function exchangeLegacyToken(
  ctx: MutationCtx,
  component: ComponentApi,
  options: ResolvedOptions,
  migration: ResolvedMigrationOptions,
  refreshToken: string,
): Promise<SignInResult> {
  // A misconfigured deployment fails before the legacy token is taken.
  const minter = await loadMinter(options);
  const taken = await takeLegacyRefreshToken(ctx.db, migration.tables, refreshToken);
  if (taken === null) return { tokens: null };
  const userId = await importedUserId(ctx, component, options, migration, taken.legacyUserId);
  if (userId === null) return { tokens: null };
  return await issueSession(ctx, component, options, { verdict: "firstFactor", userId, provider: CONVEX_AUTH_SOURCE }, minter);
}

/** Our user for a legacy user: the one imported before, or imported now; `null` when they cannot be. */
async function importedUserId(
  ctx: MutationCtx,
  component: ComponentApi,
  options: ResolvedOptions,
  migration: ResolvedMigrationOptions,
  legacyUserId: string,
): Promise<string | null> {
  const known = await ctx.runQuery(component.users.get, { legacyId: legacyUserId });
  if (known !== null) return known._id;
  const legacy = await readLegacyUser(ctx.db, migration, legacyUserId);
  const mapped = legacy === null ? null : mapLegacyUser(legacy, migration);
  if (mapped === null) return null;
  const [outcome] = await ctx.runMutation(component.migration.importUsers, {
    users: [mapped.user],
    source: CONVEX_AUTH_SOURCE,
    audit: options.audit,
  });
  return outcome?.userId ?? null;
}
