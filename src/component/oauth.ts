import { v } from "convex/values";
import { mutation } from "./_generated/server.js";
import { MAGIC_LINK, OAUTH_CODE, OAUTH_FLOW } from "../server/oauth/kinds.js";
import { hashesEqual } from "./model/hashes.js";
import { identitySignIn, resolveIdentity, type VerifiedIdentity } from "./model/linking.js";
import { hasSecondFactor } from "./model/secondFactors.js";

/**
 * Redirect-based sign-in (OAuth, magic links). The rows live in `verifiers`
 * and are written with `verifiers.create` / taken with `verifiers.consume`:
 * - an OAuth flow (`oauth_flow`), found by the hash of its `state`; its
 *   `challenge` holds the hash of the browser-binding cookie once bound;
 * - the callback's one-time code (`oauth_code`), found by its hash; its
 *   `challenge` holds the hash of the client's verifier, its `data` the
 *   verified identity;
 * - a magic link (`magic_link`), found by the hash of its token; its `data`
 *   the identity (the address it was sent to).
 */

/**
 * Binds a started OAuth flow to the browser that opened the sign-in URL:
 * stores the hash of the cookie that browser gets, once. Returns where to
 * send the browser, or `null` (unknown, expired, another provider, or
 * already bound).
 */
export const bindFlow = mutation({
  args: { stateHash: v.string(), provider: v.string(), bindingHash: v.string() },
  returns: v.union(v.object({ authorizationUrl: v.string() }), v.null()),
  handler: async (ctx, { stateHash, provider, bindingHash }) => {
    const flow = await ctx.db
      .query("verifiers")
      .withIndex("by_hash", (q) => q.eq("verifierHash", stateHash))
      .unique();
    if (
      flow === null ||
      flow.kind !== OAUTH_FLOW ||
      flow.expirationTime <= Date.now() ||
      flow.challenge !== undefined ||
      flow.data?.provider !== provider ||
      typeof flow.data?.authorizationUrl !== "string"
    ) {
      return null;
    }
    await ctx.db.patch(flow._id, { challenge: bindingHash });
    return { authorizationUrl: flow.data.authorizationUrl as string };
  },
});

/**
 * Redeems a code that came back in a redirect: the OAuth callback's code
 * (only with the verifier of the client that started the flow) or a magic
 * link's token. Single use: the row is deleted whatever the outcome, and the
 * deletion commits (outcomes are returned, not thrown). Then finds or makes
 * the user (see `resolveIdentity`); `linkUserId` is the signed-in caller, to
 * upgrade an anonymous user.
 */
export const redeem = mutation({
  args: {
    codeHash: v.string(),
    verifierHash: v.optional(v.string()),
    linkUserId: v.optional(v.id("users")),
  },
  returns: identitySignIn,
  handler: async (ctx, { codeHash, verifierHash, linkUserId }) => {
    const row = await ctx.db
      .query("verifiers")
      .withIndex("by_hash", (q) => q.eq("verifierHash", codeHash))
      .unique();
    if (row === null || (row.kind !== OAUTH_CODE && row.kind !== MAGIC_LINK)) return { status: "invalid" as const };
    await ctx.db.delete(row._id);
    if (row.expirationTime <= Date.now()) return { status: "invalid" as const };
    if (row.kind === OAUTH_CODE) {
      // The browser that brought the code back must be the one that started.
      if (verifierHash === undefined || row.challenge === undefined || !hashesEqual(row.challenge, verifierHash)) {
        return { status: "invalid" as const };
      }
    }
    const resolved = await resolveIdentity(ctx, row.data as VerifiedIdentity, linkUserId);
    if (resolved.status !== "ok") return resolved;
    return { ...resolved, hasSecondFactor: await hasSecondFactor(ctx, resolved.userId) };
  },
});
