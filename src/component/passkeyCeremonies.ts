/**
 * Passkey ceremonies, as a data layer: the challenges of registration and
 * authentication (single use, by the hash of the verifier the client holds,
 * expiring) and what completing them stores. The server builds the WebAuthn
 * options and verifies responses with `@simplewebauthn/server` in the
 * `signIn` action. Invariants kept here: a credential ID belongs to one
 * user, a counter never goes back, a challenge is taken once.
 */
import { v } from "convex/values";
import type { Doc, Id } from "./_generated/dataModel.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { authError } from "../server/errors.js";
import { normalizeEmail } from "../server/email.js";
import { recordEvent } from "./model/events.js";
import {
  ceremonyArgs,
  ceremonyData,
  credentialRef,
  MAX_PASSKEYS_PER_USER,
  passkeyByCredential,
  passkeysOf,
  pendingSecondFactor,
  recordPasskeyEvent,
  requireLiveSession,
  STEP_UP_WINDOW_MS,
  storedCredential,
  WEBAUTHN_VERIFIER,
  isCeremonyData,
  type CeremonyData,
} from "./model/passkeys.js";
import { hasSecondFactor } from "./model/secondFactors.js";
import { createSession, refreshTokenExpiry, sessionPolicy, type SessionPolicy } from "./model/sessions.js";


const newSessionArgs = v.object({ refreshTokenHash: v.string(), policy: sessionPolicy });

/**
 * Starts a registration ceremony: stores the challenge and returns what the
 * creation options need: the user handle (the user's existing one, or
 * `newUserHandle`), the profile to show, and the credentials to exclude.
 *
 * - `signUp`: a new user (created when the passkey is registered);
 *   `ACCOUNT_EXISTS` when another user holds the email.
 * - `register`: a passkey for the signed-in user; `NOT_SIGNED_IN` when the
 *   session has ended; `STEP_UP_REQUIRED` when the user has a second factor
 *   and the session has not verified one in the last 10 minutes, or when the
 *   session is older than `freshWithinMs` (and verified no second factor
 *   since); `INVALID_ARGUMENT` past 100 passkeys.
 */
export const beginRegistration = mutation({
  args: {
    ceremony: ceremonyArgs,
    provider: v.string(),
    target: v.union(
      v.object({ flow: v.literal("signUp"), email: v.optional(v.string()), name: v.optional(v.string()) }),
      v.object({
        flow: v.literal("register"),
        userId: v.id("users"),
        sessionId: v.id("sessions"),
        /** The session must have started, or passed a second factor, this recently. */
        freshWithinMs: v.optional(v.number()),
      }),
    ),
    newUserHandle: v.string(),
    passkeyName: v.optional(v.string()),
    secondFactor: v.optional(v.boolean()),
  },
  returns: v.object({
    userHandle: v.string(),
    email: v.optional(v.string()),
    name: v.optional(v.string()),
    exclude: v.array(credentialRef),
  }),
  handler: async (ctx, { ceremony, provider, target, newUserHandle, passkeyName, secondFactor }) => {
    const base = { provider, ...(passkeyName !== undefined ? { passkeyName } : {}), ...(secondFactor ? { secondFactor } : {}) };
    if (target.flow === "signUp") {
      const email = target.email === undefined ? undefined : normalizeEmail(target.email);
      if (email !== undefined) await requireFreeEmail(ctx, email);
      const data: CeremonyData = {
        ...base,
        flow: "signUp",
        userHandle: newUserHandle,
        ...(email !== undefined ? { email } : {}),
        ...(target.name !== undefined ? { name: target.name } : {}),
      };
      await ctx.db.insert("verifiers", { kind: WEBAUTHN_VERIFIER, ...ceremony, data });
      return { userHandle: newUserHandle, email, name: target.name, exclude: [] };
    }
    const user = await ctx.db.get(target.userId);
    if (user === null) throw authError("NOT_FOUND", "No such user");
    const session = await requireLiveSession(ctx, target.userId, target.sessionId);
    const now = Date.now();
    const factorVerified = session.factorVerifiedTime ?? 0;
    if (factorVerified < now - STEP_UP_WINDOW_MS && (await hasSecondFactor(ctx, target.userId))) {
      // A passkey signs in on its own: past a second factor, it needs one verified lately.
      throw authError("STEP_UP_REQUIRED", "Verify your second factor again to add a passkey");
    }
    if (target.freshWithinMs !== undefined && Math.max(session._creationTime, factorVerified) < now - target.freshWithinMs) {
      throw authError("STEP_UP_REQUIRED", "Sign in again (or verify a second factor) to add a passkey");
    }
    const existing = await passkeysOf(ctx, target.userId);
    if (existing.length >= MAX_PASSKEYS_PER_USER) {
      throw authError("INVALID_ARGUMENT", `A user may have at most ${MAX_PASSKEYS_PER_USER} passkeys`);
    }
    const userHandle = existing[0]?.userHandle ?? newUserHandle;
    const data: CeremonyData = { ...base, flow: "register", userHandle };
    await ctx.db.insert("verifiers", {
      kind: WEBAUTHN_VERIFIER,
      ...ceremony,
      userId: target.userId,
      sessionId: target.sessionId,
      data,
    });
    return {
      userHandle,
      email: user.email,
      name: user.name,
      exclude: existing.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
    };
  },
});

async function requireFreeEmail(ctx: MutationCtx, email: string): Promise<void> {
  const holder = await ctx.db
    .query("users")
    .withIndex("by_email", (q) => q.eq("email", email))
    .first();
  if (holder !== null) throw authError("ACCOUNT_EXISTS", "An account with this email exists");
}

/**
 * Starts an authentication ceremony: stores the challenge and returns the
 * credentials to allow (`null`: any discoverable credential, a usernameless
 * sign-in).
 *
 * - `email` (a hint): when it names a user with passkeys, only theirs are
 *   allowed and the challenge is bound to that user; otherwise the ceremony
 *   is usernameless.
 * - `secondFactorHash`: completes the pending second-factor step with this
 *   hash (left in place until the sign-in succeeds): only that user's
 *   passkeys; `PASSKEY_INVALID` when the step is unknown or expired.
 * - `stepUp`: re-verifies the signed-in user in their live session
 *   (`NOT_SIGNED_IN` otherwise): only their passkeys.
 *
 * With `secondFactorHash` or `stepUp`, `NOT_FOUND` when the user has no passkey.
 */
export const beginAuthentication = mutation({
  args: {
    ceremony: ceremonyArgs,
    provider: v.string(),
    email: v.optional(v.string()),
    secondFactorHash: v.optional(v.string()),
    stepUp: v.optional(v.object({ userId: v.id("users"), sessionId: v.id("sessions") })),
  },
  returns: v.object({ allow: v.union(v.array(credentialRef), v.null()) }),
  handler: async (ctx, { ceremony, provider, email, secondFactorHash, stepUp }) => {
    let userId: Id<"users"> | undefined;
    let data: CeremonyData = { provider, flow: "signIn" };
    if (secondFactorHash !== undefined) {
      const pending = await pendingSecondFactor(ctx, secondFactorHash);
      if (pending === null) throw authError("PASSKEY_INVALID", "The sign-in step expired; sign in again");
      userId = pending.userId;
      data = { provider, flow: "second-factor", secondFactorHash };
    } else if (stepUp !== undefined) {
      await requireLiveSession(ctx, stepUp.userId, stepUp.sessionId);
      userId = stepUp.userId;
      data = { provider, flow: "stepUp" };
    } else if (email !== undefined) {
      const user = await ctx.db
        .query("users")
        .withIndex("by_email", (q) => q.eq("email", normalizeEmail(email)))
        .first();
      userId = user?._id;
    }
    const passkeys = userId === undefined ? [] : await passkeysOf(ctx, userId);
    if (data.flow !== "signIn" && passkeys.length === 0) {
      throw authError("NOT_FOUND", "This account has no passkey");
    }
    const bound = passkeys.length > 0 ? userId : undefined;
    await ctx.db.insert("verifiers", {
      kind: WEBAUTHN_VERIFIER,
      ...ceremony,
      ...(bound !== undefined ? { userId: bound } : {}),
      ...(stepUp !== undefined ? { sessionId: stepUp.sessionId } : {}),
      data,
    });
    return {
      allow: bound === undefined ? null : passkeys.map((p) => ({ credentialId: p.credentialId, transports: p.transports })),
    };
  },
});

/**
 * Takes (single use) the ceremony whose verifier has this hash, with the
 * stored credential named `credentialId` (`null` when unknown). Returns
 * `null` when the ceremony is unknown, used or expired (an expired one is
 * deleted too). The challenge is gone whatever the server then decides.
 */
export const takeChallenge = mutation({
  args: { verifierHash: v.string(), credentialId: v.string() },
  returns: v.union(
    v.object({
      challenge: v.string(),
      userId: v.optional(v.id("users")),
      sessionId: v.optional(v.id("sessions")),
      data: ceremonyData,
      credential: v.union(storedCredential, v.null()),
    }),
    v.null(),
  ),
  handler: async (ctx, { verifierHash, credentialId }) => {
    const verifier = await ctx.db
      .query("verifiers")
      .withIndex("by_hash", (q) => q.eq("verifierHash", verifierHash))
      .unique();
    if (verifier === null || verifier.kind !== WEBAUTHN_VERIFIER) return null;
    await ctx.db.delete(verifier._id);
    if (verifier.expirationTime <= Date.now() || verifier.challenge === undefined || !isCeremonyData(verifier.data)) {
      return null;
    }
    const passkey = await passkeyByCredential(ctx, credentialId);
    return {
      challenge: verifier.challenge,
      userId: verifier.userId,
      sessionId: verifier.sessionId,
      data: verifier.data,
      credential:
        passkey === null
          ? null
          : {
              passkeyId: passkey._id,
              userId: passkey.userId,
              credentialId: passkey.credentialId,
              publicKey: passkey.publicKey,
              counter: passkey.counter,
              transports: passkey.transports,
              userHandle: passkey.userHandle,
            },
    };
  },
});

const newPasskeyArgs = v.object({
  credentialId: v.string(),
  publicKey: v.bytes(),
  algorithm: v.number(),
  counter: v.number(),
  transports: v.optional(v.array(v.string())),
  deviceType: v.optional(v.string()),
  backedUp: v.optional(v.boolean()),
  userHandle: v.string(),
  name: v.optional(v.string()),
  secondFactor: v.optional(v.boolean()),
});

/**
 * Stores a verified new credential, all or nothing:
 * - `signUp`: creates the user and a session (`ACCOUNT_EXISTS` when the
 *   email was taken meanwhile);
 * - `register`: adds it to the signed-in user and gives their session
 *   (`sessionId`, which must still be live: else `NOT_SIGNED_IN`) one more
 *   refresh token, so the client keeps its session. An anonymous user
 *   stops being anonymous.
 * `PASSKEY_INVALID` when the credential ID is registered already (to anyone).
 * A passkey without a name is called "Passkey <n>".
 */
export const completeRegistration = mutation({
  args: {
    provider: v.string(),
    target: v.union(
      v.object({
        flow: v.literal("signUp"),
        email: v.optional(v.string()),
        name: v.optional(v.string()),
        session: newSessionArgs,
      }),
      v.object({
        flow: v.literal("register"),
        userId: v.id("users"),
        sessionId: v.id("sessions"),
        session: newSessionArgs,
      }),
    ),
    passkey: newPasskeyArgs,
  },
  returns: v.object({ userId: v.id("users"), sessionId: v.id("sessions"), passkeyId: v.id("passkeys") }),
  handler: async (ctx, { provider, target, passkey }) => {
    if ((await passkeyByCredential(ctx, passkey.credentialId)) !== null) {
      throw authError("PASSKEY_INVALID", "This passkey is registered already");
    }
    let userId: Id<"users">;
    let sessionId: Id<"sessions">;
    let count = 0;
    if (target.flow === "signUp") {
      const email = target.email === undefined ? undefined : normalizeEmail(target.email);
      if (email !== undefined) await requireFreeEmail(ctx, email);
      userId = await ctx.db.insert("users", {
        ...(email !== undefined ? { email } : {}),
        ...(target.name !== undefined ? { name: target.name } : {}),
      });
      const session = await createSession(ctx, userId, target.session.refreshTokenHash, target.session.policy);
      sessionId = session.sessionId;
      await recordEvent(ctx, { type: "sign_up", userId, sessionId, data: { provider } });
    } else {
      userId = target.userId;
      const user = await ctx.db.get(userId);
      if (user === null) throw authError("NOT_FOUND", "No such user");
      // A guest with a passkey can come back: no longer anonymous.
      if (user.isAnonymous) await ctx.db.patch(userId, { isAnonymous: false });
      const session = await requireLiveSession(ctx, userId, target.sessionId);
      count = (await passkeysOf(ctx, userId)).length;
      if (count >= MAX_PASSKEYS_PER_USER) {
        throw authError("INVALID_ARGUMENT", `A user may have at most ${MAX_PASSKEYS_PER_USER} passkeys`);
      }
      sessionId = session._id;
      await addRefreshToken(ctx, session, target.session.refreshTokenHash, target.session.policy);
    }
    const { name, secondFactor, ...credential } = passkey;
    const passkeyId = await ctx.db.insert("passkeys", {
      ...credential,
      userId,
      name: name ?? `Passkey ${count + 1}`,
      ...(secondFactor ? { secondFactor: true } : {}),
    });
    await recordPasskeyEvent(ctx, "passkey_added", userId, { passkeyId, secondFactor: secondFactor === true });
    return { userId, sessionId, passkeyId };
  },
});

/**
 * Finishes a verified assertion, all or nothing: moves the counter forward
 * (`PASSKEY_INVALID` when it went back: a cloned authenticator; counters
 * that stay 0 are allowed), then
 * - `secondFactorHash`: completes the pending second-factor step
 *   (`PASSKEY_INVALID` when it is gone or for another user) and starts a
 *   session;
 * - `stepUpSessionId`: marks that live session of the user factor-verified
 *   now and gives it one more refresh token (`NOT_SIGNED_IN` when it ended);
 * - neither: starts a session.
 * A new session counts as factor-verified (step-up) for a second factor or
 * a user-verified assertion.
 */
export const completeAuthentication = mutation({
  args: {
    provider: v.string(),
    passkeyId: v.id("passkeys"),
    newCounter: v.number(),
    backedUp: v.boolean(),
    userVerified: v.boolean(),
    secondFactorHash: v.optional(v.string()),
    stepUpSessionId: v.optional(v.id("sessions")),
    session: newSessionArgs,
  },
  returns: v.object({ userId: v.id("users"), sessionId: v.id("sessions") }),
  handler: async (ctx, args) => {
    const { provider, passkeyId, newCounter, secondFactorHash, stepUpSessionId, session } = args;
    const passkey = await ctx.db.get(passkeyId);
    if (passkey === null || (await ctx.db.get(passkey.userId)) === null) {
      throw authError("PASSKEY_INVALID", "This passkey was removed");
    }
    const userId = passkey.userId;
    if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) {
      throw authError("PASSKEY_INVALID", "The passkey's signature counter went back (a cloned authenticator?)");
    }
    const now = Date.now();
    await ctx.db.patch(passkeyId, { counter: newCounter, backedUp: args.backedUp, lastUsedTime: now });
    if (stepUpSessionId !== undefined) {
      const live = await requireLiveSession(ctx, userId, stepUpSessionId);
      await ctx.db.patch(live._id, { factorVerifiedTime: now });
      await addRefreshToken(ctx, live, session.refreshTokenHash, session.policy);
      return { userId, sessionId: live._id };
    }
    let firstFactor: string | undefined;
    if (secondFactorHash !== undefined) {
      const pending = await pendingSecondFactor(ctx, secondFactorHash, userId);
      if (pending === null) throw authError("PASSKEY_INVALID", "The sign-in step expired; sign in again");
      const step = await ctx.db.get(pending.verifierId);
      const accountId = (step?.data as { accountId?: Id<"accounts"> } | undefined)?.accountId;
      firstFactor = accountId === undefined ? undefined : (await ctx.db.get(accountId))?.provider;
      await ctx.db.delete(pending.verifierId);
    }
    const created = await createSession(ctx, userId, session.refreshTokenHash, session.policy, {
      factorVerified: secondFactorHash !== undefined || args.userVerified,
    });
    await recordEvent(ctx, {
      type: "sign_in",
      userId,
      sessionId: created.sessionId,
      data:
        secondFactorHash !== undefined
          ? { provider: firstFactor ?? "unknown", secondFactor: provider }
          : { provider },
    });
    return { userId, sessionId: created.sessionId };
  },
});

/** One more refresh token for a live session: the client goes on in it with new tokens. */
async function addRefreshToken(
  ctx: MutationCtx,
  session: Doc<"sessions">,
  refreshTokenHash: string,
  policy: SessionPolicy,
): Promise<void> {
  await ctx.db.insert("refreshTokens", {
    sessionId: session._id,
    userId: session.userId,
    tokenHash: refreshTokenHash,
    expirationTime: refreshTokenExpiry(session.expirationTime, policy, Date.now()),
  });
}

