import { v } from "convex/values";
import { verifierByHash } from "./model/verifiers.js";
import type { Doc, Id } from "./_generated/dataModel.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import {
  MAGIC_LINK,
  MAGIC_LINK_CONFIRM,
  MAGIC_LINK_CONFIRM_TTL_MS,
  MAGIC_LINK_USED,
  OAUTH_CODE,
  OAUTH_FLOW,
} from "../shared/verifierKinds.js";
import { hashesEqual } from "./model/hashes.js";
import { callerLink, identitySignIn, linkToCaller, resolveIdentity, type VerifiedIdentity } from "./model/linking.js";
import { auditOf, auditPolicy, type AuditPolicy } from "./model/events.js";
import { recordRefusal, type RefusalReason } from "./model/refusals.js";

/**
 * Redirect-based sign-in (OAuth, magic links). The rows live in `verifiers`
 * and are written with `verifiers.create` / taken with `verifiers.consume`:
 * - an OAuth flow (`oauth_flow`), found by the hash of its `state`; its
 *   `challenge` holds the hash of the browser-binding cookie once bound;
 * - the callback's one-time code (`oauth_code`), found by its hash; its
 *   `challenge` holds the hash of the client's verifier, its `data` the
 *   verified identity; a flow started to link an account to the signed-in
 *   user ("connect GitHub") names that user and session (`userId`,
 *   `sessionId`);
 * - a magic link (`magic_link`), found by the hash of its token; its `data`
 *   the identity (the address it was sent to); once used, a
 *   `magic_link_used` marker under the same hash until it would have expired.
 */

/**
 * Binds a started OAuth flow to the browser that opened the sign-in URL:
 * stores the hash of the cookie that browser gets, once. Returns where to
 * send the browser, or `null` (unknown, expired, another provider, already
 * bound, or opened after its `openBy`).
 */
export const bind = mutation({
  args: { stateHash: v.string(), provider: v.string(), bindingHash: v.string() },
  returns: v.union(v.object({ authorizationUrl: v.string() }), v.null()),
  handler: async (ctx, { stateHash, provider, bindingHash }) => {
    const flow = await verifierByHash(ctx, stateHash);
    if (
      flow === null ||
      flow.kind !== OAUTH_FLOW ||
      flow.expirationTime <= Date.now() ||
      flow.challenge !== undefined ||
      flow.data?.provider !== provider ||
      typeof flow.data?.authorizationUrl !== "string" ||
      (typeof flow.data?.openBy === "number" && flow.data.openBy <= Date.now())
    ) {
      return null;
    }
    await ctx.db.patch(flow._id, { challenge: bindingHash });
    return { authorizationUrl: flow.data.authorizationUrl as string };
  },
});

/**
 * Redeems a code that came back in a redirect (see the module docs). Single
 * use, and outcomes are returned, not thrown, so deletions commit.
 *
 * - An OAuth code works only with the verifier of the client that started
 *   the flow (`invalid` otherwise; the code is gone either way).
 * - An OAuth code of a link flow (it names a user and session) works only
 *   for that same caller (`linkUserId` and `linkSessionId`; `invalid`
 *   otherwise, also signed out): the identity is attached to them, never
 *   resolved by email (see `linkToCaller`: `linked`, or why not).
 * - A magic link opened with the verifier of the client that asked for it
 *   signs in; the anonymous user who asked (never whoever opens it) is
 *   upgraded. Opened anywhere else, it is kept and `confirm` names the
 *   account: the browser must confirm with `confirmHash` (the hash of a
 *   fresh verifier the server hands it) before anything happens; a
 *   confirmed link never links to or upgrades anyone.
 *
 * Then finds or makes the user (see `resolveIdentity`).
 *
 * A magic link opened after it expired, or again after it was used, is
 * recorded as a `code_refused` event (`expired`, `replayed`) and its row
 * deleted, so each is recorded once. A token that names no row is not
 * recorded: it has no subject, and anyone can send noise.
 */
export const redeem = mutation({
  args: {
    codeHash: v.string(),
    verifierHash: v.optional(v.string()),
    /** For a magic link opened elsewhere: the hash of the confirmation verifier to store. */
    confirmHash: v.optional(v.string()),
    /** The signed-in caller redeeming an OAuth code (proven the starter by its verifier): upgraded if anonymous. */
    linkUserId: v.optional(v.id("users")),
    /** The caller's session: a link flow's code works only in the session that started it. */
    linkSessionId: v.optional(v.id("sessions")),
    /** How long the events of a sign-up or a linked account are kept (`Auth({ audit })`). */
    audit: v.optional(auditPolicy),
  },
  returns: v.union(identitySignIn, callerLink, v.object({ status: v.literal("confirm"), account: v.string() })),
  handler: async (ctx, { codeHash, verifierHash, confirmHash, linkUserId: caller, linkSessionId: callerSession, audit: policy }) => {
    const now = Date.now();
    const row = await verifierByHash(ctx, codeHash);
    if (row !== null && row.kind === MAGIC_LINK_USED) return await refuseLink(ctx, row, "replayed", policy);
    if (row === null || (row.kind !== OAUTH_CODE && row.kind !== MAGIC_LINK)) return { status: "invalid" as const };
    if (row.expirationTime <= now) {
      if (row.kind === MAGIC_LINK) return await refuseLink(ctx, row, "expired", policy);
      await ctx.db.delete(row._id);
      return { status: "invalid" as const };
    }
    let linkUserId: Id<"users"> | undefined;
    if (row.kind === OAUTH_CODE) {
      await ctx.db.delete(row._id);
      // The browser that brought the code back must be the one that started.
      if (verifierHash === undefined || row.challenge === undefined || !hashesEqual(row.challenge, verifierHash)) {
        return { status: "invalid" as const };
      }
      if (row.sessionId !== undefined) {
        // A link flow: only the session that started it may finish it.
        if (row.userId === undefined || caller !== row.userId || callerSession !== row.sessionId) return { status: "invalid" as const };
        const identity = row.data as VerifiedIdentity;
        return await linkToCaller(ctx, identity, { userId: row.userId, sessionId: row.sessionId }, await auditOf(ctx, { audit: policy }));
      }
      linkUserId = caller;
    } else {
      const requester = verifierHash !== undefined && row.challenge !== undefined && hashesEqual(row.challenge, verifierHash);
      const confirmed = !requester && verifierHash !== undefined && (await takeConfirmation(ctx, verifierHash, codeHash));
      if (!requester && !confirmed) {
        if (confirmHash === undefined) return { status: "invalid" as const };
        await ctx.db.insert("verifiers", {
          kind: MAGIC_LINK_CONFIRM,
          verifierHash: confirmHash,
          challenge: codeHash,
          expirationTime: Math.min(row.expirationTime, now + MAGIC_LINK_CONFIRM_TTL_MS),
        });
        const identity = row.data as VerifiedIdentity;
        return { status: "confirm" as const, account: identity.email ?? identity.phone ?? identity.providerAccountId };
      }
      if (requester) linkUserId = row.userId;
    }
    const resolved = await resolveIdentity(ctx, row.data as VerifiedIdentity, linkUserId, await auditOf(ctx, { audit: policy }));
    if (row.kind === MAGIC_LINK) {
      // Used up: kept as a marker (no identity) so that opening it again is known as a replay.
      await ctx.db.replace(row._id, {
        kind: MAGIC_LINK_USED,
        verifierHash: row.verifierHash,
        expirationTime: row.expirationTime,
        ...(resolved.status === "ok" ? { userId: resolved.userId } : {}),
        data: { provider: (row.data as VerifiedIdentity).provider, address: addressOf(row.data as VerifiedIdentity) },
      });
    }
    if (resolved.status !== "ok") return resolved;
    const identity = row.data as VerifiedIdentity;
    return { ...resolved, provider: identity.provider };
  },
});

/** The address a magic link was sent to. */
function addressOf(identity: VerifiedIdentity): string {
  return identity.email ?? identity.phone ?? identity.providerAccountId;
}

/**
 * Refuses a magic link (expired, or a used one's marker: replayed): records
 * a `code_refused` event about the user it signed in (or, for one never
 * used, the address it was sent to) and deletes the row, so it is recorded once.
 */
async function refuseLink(ctx: MutationCtx, row: Doc<"verifiers">, reason: RefusalReason, policy: AuditPolicy | undefined) {
  const data = (row.data ?? {}) as { provider?: unknown; address?: unknown } & Partial<VerifiedIdentity>;
  const provider = typeof data.provider === "string" ? data.provider : undefined;
  const address =
    row.kind === MAGIC_LINK ? addressOf(row.data as VerifiedIdentity) : typeof data.address === "string" ? data.address : undefined;
  await ctx.db.delete(row._id);
  await recordRefusal(
    ctx,
    {
      method: "magic_link",
      reason,
      ...(row.userId !== undefined ? { userId: row.userId } : {}),
      ...(provider !== undefined ? { provider } : {}),
      ...(address !== undefined ? { address } : {}),
    },
    await auditOf(ctx, { audit: policy }),
  );
  return { status: "invalid" as const };
}

/** Takes the confirmation stored for the link `codeHash` under `verifierHash`; whether there was a live one. */
async function takeConfirmation(ctx: MutationCtx, verifierHash: string, codeHash: string): Promise<boolean> {
  const confirmation = await verifierByHash(ctx, verifierHash);
  if (confirmation === null || confirmation.kind !== MAGIC_LINK_CONFIRM || confirmation.challenge !== codeHash) return false;
  await ctx.db.delete(confirmation._id);
  return confirmation.expirationTime > Date.now();
}
