import { v, type Infer } from "convex/values";
import { authError } from "../shared/errors.js";
import { internalMutation, mutation, query, type MutationCtx } from "./_generated/server.js";
import { auditContext, auditOf, auditPolicy, recordEvent, withActor, type Audit } from "./model/events.js";
import { isBanned } from "./model/bans.js";
import { runBeforeSession } from "./model/hooks.js";
import { hasSecondFactor, secondFactorMethods, SECOND_FACTOR_VERIFIER, takePendingSecondFactor } from "./model/secondFactors.js";
import { secondFactorMethod } from "../shared/protocol.js";
import {
  continueSession,
  END_SESSIONS_BATCH,
  endSession,
  endSessionsOfUser,
  liveSession,
  liveSessionOf,
  rotate,
  refreshTokenExpiry,
  sessionPolicy,
  type SessionPolicy,
} from "./model/sessions.js";
import type { Doc, Id } from "./_generated/dataModel.js";
import { issueRefusal, revocationReason } from "./model/validators.js";
import { sessionFields } from "./schema.js";
import { requireOneOf } from "./model/oneOf.js";
import { subjectOf } from "../shared/subject.js";
import { tokenLifetimeSeconds } from "../shared/tokenLifetime.js";
import { IMPERSONATION_MAX_MS } from "../shared/windows.js";

/** A session as it leaves the component. */
export const sessionDoc = v.object({
  _id: v.id("sessions"),
  _creationTime: v.number(),
  ...sessionFields,
  /** With `get({ withSecondFactor: true })`: whether the user has a second factor. */
  userHasSecondFactor: v.optional(v.boolean()),
  /** With `get({ withSecondFactor: true })`: whether the user is a guest (anonymous). */
  userIsAnonymous: v.optional(v.boolean()),
});

/**
 * What the server proves when it asks for a session (a verdict of `Auth()`):
 * - `firstFactor`: a first factor passed (`multiFactor`: one that proves two
 *   on its own, a user-verified passkey);
 * - `secondFactor`: a second factor passed for the pending step whose
 *   verifier has hash `stepHash`; the step is taken here, once;
 * - `continue`: the live session `sessionId` goes on with a fresh refresh
 *   token (a passkey added, a step-up); `factorVerified` marks it verified now;
 * - `replace`: a new session replaces the live `sessionId` (TOTP enrolment
 *   confirmed), which ends;
 * - `refresh`: a refresh token (by hash) of a live session, exchanged for
 *   the new one. A token already exchanged less than `reuseWindowMs` ago
 *   also works (two tabs racing), a bounded number of times; one exchanged
 *   before the window, too often, or whose sibling chain won may be stolen,
 *   so the whole session is revoked (`refresh_reuse`; refused `reused`). An
 *   unknown or expired token, or one of an ended session, is refused
 *   `invalid`. See `rotate` in model/sessions.ts;
 * - `impersonate`: an admin starts a session as `userId` from their own
 *   live session `adminSessionId` (the server checked, with the app's
 *   `isAdmin`, that they are an admin and `userId` is not), proven by that
 *   session's current refresh token (`tokenHash`: unused, so only its
 *   holder, never a mere access token, starts one; `invalid` otherwise).
 *   That token is parked: the admin's session keeps no usable refresh
 *   token until `endImpersonation` (a use of it meanwhile is theft and
 *   ends the session, and the impersonation with it). It lasts
 *   `durationMs` (1 s to 1 hour; no longer than `policy.totalDurationMs`),
 *   refreshes never reach past that, and it lives only while the admin's
 *   session does. The user's second factor is not asked for (the admin's
 *   authority stands in) and their own sessions are untouched (none is
 *   evicted). Refused `session_ended` when the admin's session is not
 *   live, `impersonating` when it is itself an impersonation or holds a
 *   live one already; `INVALID_ARGUMENT` for a bad `durationMs` or the
 *   admin as `userId`. Recorded as `impersonation_started`, the admin as
 *   actor;
 * - `endImpersonation`: by the impersonation's current refresh token
 *   (`tokenHash`; one exchanged within `reuseWindowMs` too: a refresh
 *   racing the stop), which names the session, as a refresh's does (no
 *   `userId`); `invalid` for any other. Ends the impersonation (recorded as
 *   `impersonation_ended` and `session_revoked`, reason
 *   `impersonation_ended`, the admin as actor) and continues the admin's
 *   own session that started it with the new refresh token. When the
 *   admin's session has ended, the impersonation still ends and the
 *   answer is `session_ended`.
 */
export const issueProof = v.union(
  v.object({ kind: v.literal("firstFactor"), provider: v.string(), multiFactor: v.optional(v.boolean()) }),
  v.object({ kind: v.literal("refresh"), tokenHash: v.string(), reuseWindowMs: v.number() }),
  v.object({ kind: v.literal("secondFactor"), provider: v.string(), stepHash: v.string() }),
  v.object({
    kind: v.literal("continue"),
    provider: v.string(),
    sessionId: v.string(),
    factorVerified: v.optional(v.boolean()),
    /** A first factor was proved again in this session (re-authentication): stamps `authTime`. */
    reauthenticated: v.optional(v.boolean()),
  }),
  v.object({ kind: v.literal("replace"), provider: v.string(), sessionId: v.string(), factorVerified: v.boolean() }),
  v.object({ kind: v.literal("impersonate"), adminSessionId: v.string(), tokenHash: v.string(), durationMs: v.number() }),
  v.object({ kind: v.literal("endImpersonation"), tokenHash: v.string(), reuseWindowMs: v.number() }),
);

/**
 * The one place a session is created or handed a new refresh token outside
 * a refresh. In one transaction: the user must exist (and, once bans exist,
 * not be banned); a user with an active second factor gets a session only
 * from a second factor, a multi-factor credential or a session that
 * already passed them (`second_factor_required` otherwise, nothing but the
 * hash upgrade written); the pending step, the continued or
 * replaced session must be live and the user's.
 *
 * For a first factor of a user with a second factor, `pendingStep` stores
 * the step the second factor finishes (`second_factor_required`).
 * `upgradedSecret` replaces the account's stored hash (a stronger setting).
 *
 * With `mint`, the session's access token is signed here, in the same
 * transaction, with the deployment's key (`ctx.auth.signJwt`: ES256, issuer
 * `${CONVEX_CLOUD_URL}/components/<this component's name>`): `sub` is
 * `userId|sessionId`, `aud` and the lifetime are the server's (policy, passed
 * in), cut so that the token never outlives the session; an impersonation's
 * token also has `act: { sub: adminUserId }` (RFC 8693's actor). Returned as
 * `token` with `ok`; nothing is signed otherwise.
 */
export const issue = mutation({
  args: {
    /** The verdict's user (every proof but `refresh` and `endImpersonation`, whose token names its session). */
    userId: v.optional(v.string()),
    refreshTokenHash: v.string(),
    policy: sessionPolicy,
    proof: issueProof,
    /** Where a first factor of a user with a second factor waits for it (`second_factor_required`). */
    pendingStep: v.optional(v.object({ verifierHash: v.string(), expirationTime: v.number() })),
    upgradedSecret: v.optional(v.object({ accountId: v.string(), secret: v.string() })),
    /** How long the events it writes are kept (`Auth({ audit })`; 90 days without). */
    audit: v.optional(auditPolicy),
    /** Sign the access token here (the deployment's key): its audience and lifetime (at most 1 hour). */
    mint: v.optional(v.object({ audience: v.string(), expiresInSeconds: v.number() })),
  },
  returns: v.union(
    v.object({
      status: v.literal("ok"),
      userId: v.id("users"),
      sessionId: v.id("sessions"),
      expirationTime: v.number(),
      /** Set for an impersonation: the admin acting as the user. */
      impersonatorUserId: v.optional(v.id("users")),
      /** The access token, with `mint`. */
      token: v.optional(v.string()),
    }),
    v.object({ status: v.literal("second_factor_required"), userId: v.id("users"), methods: v.array(secondFactorMethod) }),
    v.object({ status: v.literal("refused"), reason: issueRefusal }),
  ),
  handler: async (ctx, { mint, ...args }) => {
    const outcome = await issueOrRefuse(ctx, args);
    if (outcome.status !== "ok" || mint === undefined) return outcome;
    const token = await ctx.auth.signJwt({
      claims: {
        sub: subjectOf(outcome.userId, outcome.sessionId),
        aud: mint.audience,
        ...(outcome.impersonatorUserId !== undefined ? { act: { sub: outcome.impersonatorUserId } } : {}),
      },
      expiresInSeconds: tokenLifetimeSeconds(mint.expiresInSeconds, outcome.expirationTime, Date.now()),
    });
    return { ...outcome, token };
  },
});

/** What `issue` decides, before any token is signed. */
type IssueOutcome =
  | { status: "ok"; userId: Id<"users">; sessionId: Id<"sessions">; expirationTime: number; impersonatorUserId?: Id<"users"> }
  | { status: "second_factor_required"; userId: Id<"users">; methods: Infer<typeof secondFactorMethod>[] }
  | { status: "refused"; reason: Infer<typeof issueRefusal> };

/** What `issue` decides, before any token is signed. */
async function issueOrRefuse(
  ctx: MutationCtx,
  {
    userId: rawUserId,
    refreshTokenHash,
    policy,
    proof,
    pendingStep,
    upgradedSecret,
    audit: auditPolicyArg,
  }: {
    userId?: string;
    refreshTokenHash: string;
    policy: SessionPolicy;
    proof: Infer<typeof issueProof>;
    pendingStep?: { verifierHash: string; expirationTime: number };
    upgradedSecret?: { accountId: string; secret: string };
    audit?: Infer<typeof auditPolicy>;
  },
): Promise<IssueOutcome> {
  if ((proof.kind === "refresh" || proof.kind === "endImpersonation") !== (rawUserId === undefined)) {
    throw authError("INVALID_ARGUMENT", "Every proof but a refresh token names its user");
  }
  const audit = await auditOf(ctx, { audit: auditPolicyArg });
  if (proof.kind === "refresh") {
    const token = await ctx.db
      .query("refreshTokens")
      .withIndex("by_hash", (q) => q.eq("tokenHash", proof.tokenHash))
      .unique();
    // No user read: deleting a user removes their sessions first, and a
    // ban ends them in its own transaction.
    const rotation =
      token === null ? ({ status: "invalid" } as const) : await rotate(ctx, token, refreshTokenHash, policy, proof.reuseWindowMs, audit);
    if (rotation.status !== "ok") return { status: "refused" as const, reason: rotation.status };
    return rotation;
  }
  if (proof.kind === "endImpersonation") {
    return await endImpersonation(ctx, proof.tokenHash, proof.reuseWindowMs, refreshTokenHash, policy, audit);
  }
  const userId = ctx.db.normalizeId("users", rawUserId!);
  const user = userId === null ? null : await ctx.db.get(userId);
  const refusal = refusalFor(user);
  if (refusal !== null || userId === null || user === null) return { status: "refused" as const, reason: refusal ?? "no_user" };
  if (upgradedSecret !== undefined) {
    const accountId = ctx.db.normalizeId("accounts", upgradedSecret.accountId);
    const account = accountId === null ? null : await ctx.db.get(accountId);
    if (account !== null && account.userId === userId) await ctx.db.patch(account._id, { secret: upgradedSecret.secret });
  }

  switch (proof.kind) {
    case "firstFactor": {
      const methods = proof.multiFactor ? [] : await secondFactorMethods(ctx, userId);
      if (methods.length > 0) {
        if (pendingStep !== undefined) {
          await ctx.db.insert("verifiers", {
            kind: SECOND_FACTOR_VERIFIER,
            ...pendingStep,
            userId,
            data: { provider: proof.provider },
          });
        }
        return { status: "second_factor_required" as const, userId, methods };
      }
      const session = await createSession(ctx, user, refreshTokenHash, policy, audit, {
        provider: proof.provider,
        factorVerified: proof.multiFactor,
      });
      await recordEvent(ctx, { type: "sign_in", userId, sessionId: session.sessionId, data: { provider: proof.provider } }, audit, user);
      return { status: "ok" as const, userId, ...session };
    }
    case "secondFactor": {
      const firstFactor = await takePendingSecondFactor(ctx, proof.stepHash, userId);
      if (firstFactor === null) return { status: "refused" as const, reason: "step_expired" as const };
      const session = await createSession(ctx, user, refreshTokenHash, policy, audit, {
        provider: firstFactor,
        secondFactor: proof.provider,
        factorVerified: true,
      });
      await recordEvent(
        ctx,
        { type: "sign_in", userId, sessionId: session.sessionId, data: { provider: firstFactor, secondFactor: proof.provider } },
        audit,
        user,
      );
      return { status: "ok" as const, userId, ...session };
    }
    case "continue":
    case "replace": {
      const sessionId = ctx.db.normalizeId("sessions", proof.sessionId);
      const current = await liveSessionOf(ctx, sessionId === null ? null : await ctx.db.get(sessionId));
      if (current === null || current.userId !== userId) {
        return { status: "refused" as const, reason: "session_ended" as const };
      }
      // A new factor (a passkey, an authenticator) is the user's own to add.
      if (current.impersonatorUserId !== undefined) return { status: "refused" as const, reason: "impersonating" as const };
      if (proof.kind === "continue") {
        if (proof.factorVerified || proof.reauthenticated) {
          const now = Date.now();
          await ctx.db.patch(current._id, {
            ...(proof.factorVerified ? { factorVerifiedTime: now } : {}),
            ...(proof.reauthenticated ? { authTime: now } : {}),
          });
        }
        await continueSession(ctx, current, refreshTokenHash, policy);
        return { status: "ok" as const, userId, sessionId: current._id, expirationTime: current.expirationTime };
      }
      const session = await createSession(ctx, user, refreshTokenHash, policy, audit, {
        provider: proof.provider,
        replacesSessionId: current._id,
        factorVerified: proof.factorVerified,
      });
      await endSession(ctx, current._id, userId, "replaced", audit);
      await recordEvent(ctx, { type: "sign_in", userId, sessionId: session.sessionId, data: { provider: proof.provider } }, audit, user);
      return { status: "ok" as const, userId, ...session };
    }
    case "impersonate": {
      const { durationMs } = proof;
      if (!Number.isFinite(durationMs) || durationMs < 1000 || durationMs > IMPERSONATION_MAX_MS) {
        throw authError("INVALID_ARGUMENT", "An impersonation lasts 1 second to 1 hour");
      }
      const adminSessionId = ctx.db.normalizeId("sessions", proof.adminSessionId);
      const admin = liveSession(adminSessionId === null ? null : await ctx.db.get(adminSessionId));
      if (admin === null) return { status: "refused" as const, reason: "session_ended" as const };
      if (admin.userId === userId) throw authError("INVALID_ARGUMENT", "An admin cannot impersonate themself");
      if (admin.impersonatorSessionId !== undefined || (await holdsImpersonation(ctx, admin._id))) {
        return { status: "refused" as const, reason: "impersonating" as const };
      }
      const held = await ctx.db
        .query("refreshTokens")
        .withIndex("by_hash", (q) => q.eq("tokenHash", proof.tokenHash))
        .unique();
      const now = Date.now();
      if (
        held === null ||
        held.sessionId !== admin._id ||
        held.expirationTime <= now ||
        held.firstUsedTime !== undefined ||
        held.invalidatedTime !== undefined
      ) {
        return { status: "refused" as const, reason: "invalid" as const };
      }
      // Parked: used, and void for any later exchange (theft ends the admin's session). The stop continues it.
      await ctx.db.patch(held._id, { firstUsedTime: now, exchanges: 1, invalidatedTime: now });
      const session = await createSession(ctx, user, refreshTokenHash, policy, audit, {
        provider: "impersonation",
        impersonator: admin,
        durationMs,
      });
      await recordEvent(
        ctx,
        {
          type: "impersonation_started",
          userId,
          sessionId: session.sessionId,
          actorUserId: admin.userId,
          data: { expirationTime: session.expirationTime },
        },
        audit,
      );
      return { status: "ok" as const, userId, ...session, impersonatorUserId: admin.userId };
    }
  }
}

/** Whether the admin session `adminSessionId` holds a live impersonation (only its newest can be). */
async function holdsImpersonation(ctx: MutationCtx, adminSessionId: Id<"sessions">): Promise<boolean> {
  const newest = await ctx.db
    .query("sessions")
    .withIndex("by_impersonator_session", (q) => q.eq("impersonatorSessionId", adminSessionId))
    .order("desc")
    .first();
  return liveSession(newest) !== null;
}

/**
 * The `endImpersonation` proof (see `issueProof`): ends the impersonation
 * whose current refresh token has hash `tokenHash`, then continues the
 * admin's own session. The end is written even when the answer is a
 * refusal (`session_ended`: the admin's session has ended meanwhile).
 */
async function endImpersonation(
  ctx: MutationCtx,
  tokenHash: string,
  reuseWindowMs: number,
  refreshTokenHash: string,
  policy: SessionPolicy,
  audit: Audit,
) {
  const now = Date.now();
  const token = await ctx.db
    .query("refreshTokens")
    .withIndex("by_hash", (q) => q.eq("tokenHash", tokenHash))
    .unique();
  const current =
    token !== null &&
    token.expirationTime > now &&
    token.invalidatedTime === undefined &&
    (token.firstUsedTime === undefined || now - token.firstUsedTime <= reuseWindowMs);
  const session = current ? liveSession(await ctx.db.get(token.sessionId), now) : null;
  if (session === null || session.impersonatorSessionId === undefined || session.impersonatorUserId === undefined) {
    return { status: "refused" as const, reason: "invalid" as const };
  }
  const byAdmin = withActor(audit, session.impersonatorUserId);
  await recordEvent(ctx, { type: "impersonation_ended", userId: session.userId, sessionId: session._id }, byAdmin);
  await endSession(ctx, session._id, session.userId, "impersonation_ended", byAdmin);
  const own = liveSession(await ctx.db.get(session.impersonatorSessionId), now);
  if (own === null || own.userId !== session.impersonatorUserId) return { status: "refused" as const, reason: "session_ended" as const };
  const refusal = refusalFor(await ctx.db.get(own.userId));
  if (refusal !== null) return { status: "refused" as const, reason: refusal };
  await continueSession(ctx, own, refreshTokenHash, policy);
  return { status: "ok" as const, userId: own.userId, sessionId: own._id, expirationTime: own.expirationTime };
}

/**
 * The session, or `null` when it ended or expired (or `sessionId` is no
 * session id). One read; for an impersonation, two: it is live only while
 * the admin's session that started it is.
 */
export const get = query({
  args: {
    sessionId: v.string(),
    /** Also say whether the session's user has a second factor and is a guest (for step-up; reads the user and their factors). */
    withSecondFactor: v.optional(v.boolean()),
  },
  returns: v.union(sessionDoc, v.null()),
  handler: async (ctx, { sessionId, withSecondFactor }) => {
    const id = ctx.db.normalizeId("sessions", sessionId);
    const session = id === null ? null : await liveSessionOf(ctx, await ctx.db.get(id));
    if (session === null || !withSecondFactor) return session;
    const user = await ctx.db.get(session.userId);
    return {
      ...session,
      userHasSecondFactor: await hasSecondFactor(ctx, session.userId),
      userIsAnonymous: user?.isAnonymous === true,
    };
  },
});

/**
 * The user's live sessions, newest first: not expired, and refreshed within
 * the inactivity window (their newest refresh token is still valid).
 */
export const list = query({
  args: { userId: v.id("users") },
  returns: v.array(sessionDoc),
  handler: async (ctx, { userId }) => {
    const now = Date.now();
    const sessions = await ctx.db
      .query("sessions")
      .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
      .order("desc")
      .take(END_SESSIONS_BATCH);
    const live = [];
    for (const session of sessions) {
      if (session.expirationTime <= now) continue;
      const newestToken = await ctx.db
        .query("refreshTokens")
        .withIndex("by_session", (q) => q.eq("sessionId", session._id))
        .order("desc")
        .first();
      if (newestToken !== null && newestToken.expirationTime > now) live.push(session);
    }
    return live;
  },
});

/**
 * Ends sessions, recording `reason`: one session (`sessionId`; `ended` is 0
 * when it had already ended), or all the user's sessions (`userId`) but
 * `exceptSessionId`; exactly one of `sessionId`, `userId`. All of a user's: up to 1,000 end at once and the rest
 * in background transactions, so any number of sessions stays inside
 * transaction limits; `ended` counts those that ended now. `actorUserId`
 * (who ends them, when not the user) goes on the `session_revoked` events
 * (`INVALID_ARGUMENT` for a string that is no user id).
 */
export const revoke = mutation({
  args: {
    sessionId: v.optional(v.string()),
    userId: v.optional(v.id("users")),
    // Any string: one that is no session id keeps nothing.
    exceptSessionId: v.optional(v.string()),
    reason: revocationReason,
    actorUserId: v.optional(v.string()),
    audit: v.optional(auditPolicy),
  },
  returns: v.object({ ended: v.number(), continuing: v.boolean() }),
  handler: async (ctx, args) => {
    requireOneOf(args, "sessionId", "userId");
    const audit = await auditOf(ctx, args);
    if (args.sessionId !== undefined) {
      const id = ctx.db.normalizeId("sessions", args.sessionId);
      const session = id === null ? null : await ctx.db.get(id);
      if (session === null) return { ended: 0, continuing: false };
      await endSession(ctx, session._id, session.userId, args.reason, audit);
      return { ended: 1, continuing: false };
    }
    const except = args.exceptSessionId === undefined ? null : ctx.db.normalizeId("sessions", args.exceptSessionId);
    const { revoked, continuing } = await endSessionsOfUser(ctx, args.userId!, args.reason, except ?? undefined, audit);
    return { ended: revoked, continuing };
  },
});

/** Background continuation of revoking all of a user's sessions, with the first batch's audit context. */
export const revokeContinue = internalMutation({
  args: {
    userId: v.id("users"),
    exceptSessionId: v.optional(v.id("sessions")),
    reason: revocationReason,
    audit: v.optional(auditContext),
    /** From before `audit` (a continuation scheduled by an older version). */
    actorUserId: v.optional(v.id("users")),
  },
  returns: v.null(),
  handler: async (ctx, { userId, reason, exceptSessionId, audit, actorUserId }) => {
    const context: Audit | undefined =
      audit ?? (actorUserId !== undefined ? { ...(await auditOf(ctx, {})), actorUserId } : undefined);
    await endSessionsOfUser(ctx, userId, reason, exceptSessionId, context);
    return null;
  },
});

/**
 * Why `user` may not hold a session now, or `null` when they may. The one
 * check `sessions.issue` applies before any session starts: the user must
 * exist and not be banned (`users.ban`).
 */
function refusalFor(user: Doc<"users"> | null): "no_user" | "banned" | null {
  if (user === null) return "no_user";
  if (isBanned(user)) return "banned";
  return null;
}

/**
 * Starts a session for `user` holding one refresh token (stored as its
 * hash). Only `issue` below calls it: the one place a session is created.
 * First the app's `beforeSessionCreated` callback runs, when configured
 * (`audit.hooks`): its throw refuses the session and rolls back the whole
 * issuing transaction. Evicts the user's sessions that are `maxSessionsPerUser` or more
 * creations old: one index read finds the newest ordinal, and a range over
 * older ordinals (normally empty) finds what to evict, so the cost does not
 * grow with the number of sessions.
 *
 * An impersonation (`impersonator`: the admin's session) lasts
 * `durationMs` at most, takes the user's newest ordinal instead of a new
 * one and evicts nothing: the user's own sessions are untouched.
 */
async function createSession(
  ctx: MutationCtx,
  user: Doc<"users">,
  refreshTokenHash: string,
  policy: SessionPolicy,
  audit: Audit,
  options: {
    provider: string;
    secondFactor?: string;
    replacesSessionId?: Id<"sessions">;
    factorVerified?: boolean;
    impersonator?: Doc<"sessions">;
    durationMs?: number;
  },
) {
  const userId = user._id;
  await runBeforeSession(ctx, audit.hooks, {
    userId,
    user,
    provider: options.provider,
    ...(options.secondFactor !== undefined ? { secondFactor: options.secondFactor } : {}),
    ...(options.replacesSessionId !== undefined ? { replacesSessionId: options.replacesSessionId } : {}),
    ...(audit.ip !== undefined ? { ip: audit.ip } : {}),
    ...(audit.userAgent !== undefined ? { userAgent: audit.userAgent } : {}),
  });
  const now = Date.now();
  const { impersonator } = options;
  const newest = await ctx.db
    .query("sessions")
    .withIndex("by_user_ordinal", (q) => q.eq("userId", userId))
    .order("desc")
    .first();
  const ordinal = (newest?.ordinal ?? 0) + (impersonator === undefined ? 1 : 0);
  if (impersonator === undefined) {
    const evicted = await ctx.db
      .query("sessions")
      .withIndex("by_user_ordinal", (q) =>
        q.eq("userId", userId).lte("ordinal", ordinal - policy.maxSessionsPerUser),
      )
      .collect();
    for (const old of evicted) await endSession(ctx, old._id, userId, "evicted", audit);
  }

  const { ip, userAgent } = await ctx.meta.getRequestMetadata();
  const expirationTime = now + Math.min(policy.totalDurationMs, options.durationMs ?? Infinity);
  const sessionId = await ctx.db.insert("sessions", {
    userId,
    expirationTime,
    ordinal,
    ...(ip !== null ? { ip } : {}),
    ...(userAgent !== null ? { userAgent } : {}),
    ...(options.factorVerified ? { factorVerifiedTime: now } : {}),
    ...(impersonator !== undefined ? { impersonatorUserId: impersonator.userId, impersonatorSessionId: impersonator._id } : {}),
  });
  await ctx.db.insert("refreshTokens", {
    sessionId,
    userId,
    tokenHash: refreshTokenHash,
    expirationTime: refreshTokenExpiry(expirationTime, policy, now),
  });
  return { sessionId, expirationTime };
}
