import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { codePurpose } from "../shared/codePurposes.js";

/**
 * The component's data model. Every planned lookup has an index here; nothing
 * on a request path scans a table. Field sets grow with the features that use
 * them (see docs/architecture.md, "Tables and their invariants").
 */

/** A person who can sign in. `extend` holds app data. */
export const userFields = {
  name: v.optional(v.string()),
  /** Stored normalised (trimmed, lower case); unique among users. */
  email: v.optional(v.string()),
  /**
   * A second name to sign in with (the Password provider): stored
   * normalised (NFKC, trimmed, lower case; src/shared/username.ts), unique
   * among users. Optional: an email stays the account's identity.
   */
  username: v.optional(v.string()),
  emailVerificationTime: v.optional(v.number()),
  phone: v.optional(v.string()),
  phoneVerificationTime: v.optional(v.number()),
  image: v.optional(v.string()),
  isAnonymous: v.optional(v.boolean()),
  extend: v.optional(v.any()),
  /** Set by `users.ban`: no sign-in, refresh or API key works while it lasts (until `expirationTime`, or for good). */
  ban: v.optional(v.object({ reason: v.string(), time: v.number(), expirationTime: v.optional(v.number()) })),
  /**
   * `name` normalised for prefix search (trimmed, lower case; see
   * src/shared/search.ts), kept by every write of `name`. Not for display.
   */
  nameKey: v.optional(v.string()),
  /**
   * Set while the user has a second factor (an active TOTP factor or a
   * passkey for two-factor), kept by every change of those, so the admin
   * list can filter on it through an index. The factors themselves decide
   * sign-ins (`hasSecondFactor` in model/secondFactors.ts), not this flag.
   */
  hasSecondFactor: v.optional(v.boolean()),
  /**
   * The user's id in the auth system they were imported from (their
   * `users` document id under @convex-dev/auth: docs/migrating-from-convex-auth.md),
   * set once by `migration.importUsers`; unique among users. The app's own
   * tables keep pointing at that id: `auth.user.legacyId` gives it for the
   * signed-in user.
   */
  legacyId: v.optional(v.string()),
};

/** One provider identity of a user; the password hash lives in `secret`. */
export const accountFields = {
  userId: v.id("users"),
  provider: v.string(),
  providerAccountId: v.string(),
  secret: v.optional(v.string()),
  emailVerified: v.optional(v.boolean()),
  /**
   * The address the provider gave with the identity when the account was
   * made (an OAuth account), to show in the user's list of linked
   * accounts. Not unique and not the user's email: nothing signs in by it.
   */
  email: v.optional(v.string()),
  extend: v.optional(v.any()),
};

/**
 * A signed-in device. Signing out or revoking deletes the session (the
 * reason goes to `events`); its refresh tokens then lead nowhere and are swept
 * when they expire.
 */
export const sessionFields = {
  userId: v.id("users"),
  /** Absolute end of the session, however active it is. */
  expirationTime: v.number(),
  /**
   * The user's n-th session. A new session evicts those `maxSessionsPerUser`
   * or more creations older, without counting the user's sessions.
   */
  ordinal: v.number(),
  userAgent: v.optional(v.string()),
  ip: v.optional(v.string()),
  /** When a second factor was last verified in this session (step-up). */
  factorVerifiedTime: v.optional(v.number()),
  /**
   * When the user last proved a first factor again in this session
   * (re-authentication, e.g. their password); the session's creation counts
   * as the first such proof.
   */
  authTime: v.optional(v.number()),
  /**
   * Set on an impersonation: a session an admin started as this user
   * (`sessions.issue`, proof `impersonate`). The admin, whom the access
   * token names as its actor (`act`) and the audit log as `actorUserId`.
   */
  impersonatorUserId: v.optional(v.id("users")),
  /** The admin's own session that started the impersonation: it lives only while that one does. */
  impersonatorSessionId: v.optional(v.id("sessions")),
};

/** A refresh token, stored only as its SHA-256 hash (base64url). */
export const refreshTokenFields = {
  sessionId: v.id("sessions"),
  /** The session's user, so deleting a user finds their tokens in one range. */
  userId: v.id("users"),
  tokenHash: v.string(),
  expirationTime: v.number(),
  /** Set when the token is first exchanged; starts the reuse window. */
  firstUsedTime: v.optional(v.number()),
  /** How many times it was exchanged (more than once only inside the reuse window, bounded). */
  exchanges: v.optional(v.number()),
  /**
   * The token this one was exchanged for: its successors are siblings. When
   * one sibling is used, the others are invalidated, so a replay inside the
   * reuse window cannot fork the session into two living chains.
   */
  parentId: v.optional(v.id("refreshTokens")),
  /** Set when a sibling chain won: using this token then revokes the session. */
  invalidatedTime: v.optional(v.number()),
};

/** A one-time code (password reset, email verification, sign-in codes), stored hashed. */
export const verificationCodeFields = {
  /** Set for a code about an account (email verification, password reset). */
  accountId: v.optional(v.id("accounts")),
  userId: v.optional(v.id("users")),
  provider: v.string(),
  purpose: codePurpose,
  codeHash: v.string(),
  /** The address the code was sent to; the code is bound to it. */
  address: v.string(),
  expirationTime: v.number(),
  /** When it was used: kept until it expires, so a replay is told from a wrong code (and recorded). */
  usedTime: v.optional(v.number()),
};

/** Short-lived state of a multi-step sign-in (OAuth PKCE, WebAuthn or TOTP challenge). */
export const verifierFields = {
  kind: v.string(),
  /** Hash of the value handed to the client; the verifier is found by it. */
  verifierHash: v.string(),
  userId: v.optional(v.id("users")),
  sessionId: v.optional(v.id("sessions")),
  challenge: v.optional(v.string()),
  data: v.optional(v.any()),
  expirationTime: v.number(),
};

/** A token bucket for failed attempts per identifier (or any other key). */
export const rateLimitFields = {
  key: v.string(),
  tokens: v.number(),
  updatedTime: v.number(),
  /** When the bucket will be full again (and every lease back); after that the row can be deleted. */
  fullTime: v.number(),
  /** Until when each token leased before a secret check stays out (see model/rateLimit.ts). */
  leases: v.optional(v.array(v.number())),
};

/** A WebAuthn credential (a passkey). */
export const passkeyFields = {
  userId: v.id("users"),
  /** Credential ID, base64url. One credential belongs to one user. */
  credentialId: v.string(),
  /** The COSE public key the credential signs with. */
  publicKey: v.bytes(),
  /** Its COSE algorithm: -8 EdDSA, -7 ES256, -257 RS256. */
  algorithm: v.number(),
  /** The authenticator's signature counter; one that goes back is refused (0 forever is allowed). */
  counter: v.number(),
  transports: v.optional(v.array(v.string())),
  /** "singleDevice" or "multiDevice" (synced). */
  deviceType: v.optional(v.string()),
  backedUp: v.optional(v.boolean()),
  /** For people: "MacBook", "YubiKey"... */
  name: v.string(),
  /**
   * The WebAuthn user handle (base64url) the authenticator stores with the
   * credential: random, the same for all passkeys of a user, never the user id.
   */
  userHandle: v.string(),
  /**
   * Registered "for two-factor": while the user has one, a password sign-in
   * must be completed with a second factor.
   */
  secondFactor: v.optional(v.boolean()),
  lastUsedTime: v.optional(v.number()),
};

/** A TOTP second factor. The secret is AES-GCM encrypted at rest. */
export const totpFactorFields = {
  userId: v.id("users"),
  secretCiphertext: v.bytes(),
  secretIv: v.bytes(),
  name: v.optional(v.string()),
  /** Unset until the first correct code; an inactive factor does not count. */
  activatedTime: v.optional(v.number()),
  /** Last accepted time step; a code from this step or earlier is refused. */
  lastUsedStep: v.optional(v.number()),
};

/** One recovery code, stored hashed, usable once. */
export const recoveryCodeFields = {
  userId: v.id("users"),
  codeHash: v.string(),
  usedTime: v.optional(v.number()),
};

/** A scope granted to an API key: `actions` on `resource`, `*` wildcards allowed. */
export const apiKeyScope = v.object({
  resource: v.string(),
  actions: v.array(v.string()),
});

/**
 * A per-key rate limit: `max` requests per `periodMs`, refilling
 * continuously (the shape of the failed-attempt limits).
 */
export const apiKeyRateLimit = v.object({ max: v.number(), periodMs: v.number() });

/** The state of a key's token bucket: `tokens` left at `updatedTime`. */
export const apiKeyBucket = v.object({ tokens: v.number(), updatedTime: v.number() });

/**
 * An API key. Only the SHA-256 hash of the raw key and a display prefix
 * (the app's prefix and the first 4 random characters) are stored.
 */
export const apiKeyFields = {
  userId: v.id("users"),
  name: v.string(),
  keyHash: v.string(),
  displayPrefix: v.string(),
  scopes: v.array(apiKeyScope),
  rateLimit: v.optional(apiKeyRateLimit),
  /** Token bucket state for the per-key rate limit; unset means full. */
  bucket: v.optional(apiKeyBucket),
  /** When the key stops working (ms since the epoch); unset: never. */
  expirationTime: v.optional(v.number()),
  /** Set by revoke (and on the old key by a create that `replaces` it); a revoked key is kept for audit. */
  revokedTime: v.optional(v.number()),
  /** Set by each successful verify. */
  lastUsedTime: v.optional(v.number()),
  /** Set while the key's user is banned (until `expirationTime`, or until unbanned); refused meanwhile. */
  suspension: v.optional(v.object({ expirationTime: v.optional(v.number()) })),
};

/** A group of users, optionally nested under a parent. */
export const groupFields = {
  name: v.string(),
  /** Unique among siblings (same `parentGroupId`). */
  slug: v.optional(v.string()),
  parentGroupId: v.optional(v.id("groups")),
  extend: v.optional(v.any()),
};

/** A user's membership of a group, with a role. */
export const memberFields = {
  groupId: v.id("groups"),
  userId: v.id("users"),
  role: v.string(),
  extend: v.optional(v.any()),
};

/** The states an invite moves through. */
export const inviteStatus = v.union(
  v.literal("pending"),
  v.literal("accepted"),
  v.literal("revoked"),
  v.literal("expired"),
);

/**
 * How an invite bound to an email checks the accepting user:
 * `verified` (the default): the user's email equals the invite's and is verified;
 * `match`: the emails are equal, verified or not; `none`: no check (the email
 * only addresses the invite and keeps duplicates out).
 */
export const inviteEmailCheck = v.union(
  v.literal("verified"),
  v.literal("match"),
  v.literal("none"),
);

/** An invitation; only the token's hash is stored. */
export const inviteFields = {
  groupId: v.optional(v.id("groups")),
  /** Stored normalised (trimmed, lower case). */
  email: v.optional(v.string()),
  /** The membership role accepting grants; unset means `"member"`. */
  role: v.optional(v.string()),
  tokenHash: v.string(),
  status: inviteStatus,
  /** Unset means `"verified"`. */
  emailCheck: v.optional(inviteEmailCheck),
  invitedByUserId: v.optional(v.id("users")),
  acceptedByUserId: v.optional(v.id("users")),
  /** When the invite stops working; unset means never. */
  expirationTime: v.optional(v.number()),
  acceptedTime: v.optional(v.number()),
  extend: v.optional(v.any()),
};

/**
 * The audit log: every change of a user's state, their credentials, groups
 * and invites (the types: model/events.ts; their data: docs/sessions.md).
 */
export const eventFields = {
  type: v.string(),
  /** The subject: the user it is about (none for a group's or an invite's own events). */
  userId: v.optional(v.id("users")),
  sessionId: v.optional(v.id("sessions")),
  reason: v.optional(v.string()),
  data: v.optional(v.any()),
  /** Who did it, when known and someone else than the subject (an admin, a group's owner). */
  actorUserId: v.optional(v.id("users")),
  /** The request's IP address and user agent (cut to 512 characters), when Convex passed them. */
  ip: v.optional(v.string()),
  userAgent: v.optional(v.string()),
  /** When the hourly sweep deletes it: its time + the retention (`Auth({ audit })`, 90 days by default). Unset on events from before retention. */
  expirationTime: v.optional(v.number()),
};

/**
 * A deletion still in progress: a user's data or a group's contents whose
 * document is already gone. Written in the transaction that starts the
 * deletion, removed by the batch that finishes it; the sweep resumes a marker
 * whose `resumeTime` has passed (its continuation was lost or failed).
 */
export const deletionFields = {
  kind: v.union(v.literal("user"), v.literal("group")),
  /** The deleted user's or group's id. */
  targetId: v.string(),
  startedTime: v.number(),
  /** When the sweep may resume it; each batch that leaves work moves it on. */
  resumeTime: v.number(),
  /** How many times the sweep resumed it. */
  attempts: v.optional(v.number()),
};

export default defineSchema({
  users: defineTable(userFields)
    .index("by_email", ["email"])
    .index("by_username", ["username"])
    .index("by_phone", ["phone"])
    // The admin list (users.list): name prefixes, and its filters.
    .index("by_name_key", ["nameKey"])
    .index("by_ban_time", ["ban.time"])
    .index("by_email_verification", ["emailVerificationTime"])
    .index("by_second_factor", ["hasSecondFactor"])
    .index("by_legacy_id", ["legacyId"]),
  accounts: defineTable(accountFields)
    .index("by_provider_account", ["provider", "providerAccountId"])
    .index("by_user_provider", ["userId", "provider"]),
  sessions: defineTable(sessionFields)
    .index("by_user_ordinal", ["userId", "ordinal"])
    .index("by_expiration", ["expirationTime"])
    // The impersonation an admin session holds (at most one live).
    .index("by_impersonator_session", ["impersonatorSessionId"]),
  refreshTokens: defineTable(refreshTokenFields)
    .index("by_hash", ["tokenHash"])
    .index("by_session", ["sessionId"])
    .index("by_user", ["userId"])
    .index("by_parent", ["parentId"])
    .index("by_expiration", ["expirationTime"]),
  verificationCodes: defineTable(verificationCodeFields)
    .index("by_address", ["provider", "address", "purpose"])
    .index("by_user", ["userId"])
    .index("by_expiration", ["expirationTime"]),
  verifiers: defineTable(verifierFields)
    .index("by_hash", ["verifierHash"])
    .index("by_user", ["userId"])
    .index("by_expiration", ["expirationTime"]),
  rateLimits: defineTable(rateLimitFields)
    .index("by_key", ["key"])
    .index("by_full_time", ["fullTime"]),
  passkeys: defineTable(passkeyFields)
    .index("by_credential", ["credentialId"])
    .index("by_user", ["userId"])
    .index("by_user_second_factor", ["userId", "secondFactor"]),
  totpFactors: defineTable(totpFactorFields).index("by_user", ["userId"]),
  recoveryCodes: defineTable(recoveryCodeFields)
    .index("by_user", ["userId"])
    .index("by_user_hash", ["userId", "codeHash"]),
  apiKeys: defineTable(apiKeyFields)
    .index("by_hash", ["keyHash"])
    .index("by_user", ["userId"]),
  groups: defineTable(groupFields)
    .index("by_parent_slug", ["parentGroupId", "slug"]),
  members: defineTable(memberFields)
    .index("by_group_user", ["groupId", "userId"])
    .index("by_group_role", ["groupId", "role"])
    .index("by_user", ["userId"])
    .index("by_user_role", ["userId", "role"]),
  invites: defineTable(inviteFields)
    .index("by_token_hash", ["tokenHash"])
    .index("by_group_status", ["groupId", "status"])
    .index("by_email_group_status", ["email", "groupId", "status"])
    .index("by_status", ["status"])
    .index("by_status_expiration", ["status", "expirationTime"]),
  events: defineTable(eventFields)
    .index("by_user", ["userId"])
    .index("by_type", ["type"])
    .index("by_actor", ["actorUserId"])
    .index("by_expiration", ["expirationTime"]),
  deletions: defineTable(deletionFields)
    .index("by_kind_target", ["kind", "targetId"])
    .index("by_resume_time", ["resumeTime"]),
});
