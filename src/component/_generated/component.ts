/* eslint-disable */
/**
 * Generated `ComponentApi` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type { FunctionReference } from "convex/server";

/**
 * A utility for referencing a Convex component's exposed API.
 *
 * Useful when expecting a parameter like `components.myComponent`.
 * Usage:
 * ```ts
 * async function myFunction(ctx: QueryCtx, component: ComponentApi) {
 *   return ctx.runQuery(component.someFile.someQuery, { ...args });
 * }
 * ```
 */
export type ComponentApi<Name extends string | undefined = string | undefined> =
  {
    accounts: {
      beginSignIn: FunctionReference<
        "mutation",
        "internal",
        {
          limit: { key: string; max: number; periodMs: number };
          provider: string;
          providerAccountId: string;
        },
        {
          account: {
            accountId: string;
            emailVerified: boolean;
            secret?: string;
            userId: string;
          } | null;
          limit: { ok: boolean; remaining: number; retryAfterMs: number };
        },
        Name
      >;
      changeSecret: FunctionReference<
        "mutation",
        "internal",
        { accountId: string; exceptSessionId?: string; secret: string },
        null,
        Name
      >;
      createWithUser: FunctionReference<
        "mutation",
        "internal",
        {
          emailVerified?: boolean;
          provider: string;
          providerAccountId: string;
          secret?: string;
          user: { email?: string; extend?: any; image?: string; name?: string };
        },
        { accountId: string; userId: string },
        Name
      >;
      getByProvider: FunctionReference<
        "query",
        "internal",
        { provider: string; providerAccountId: string },
        {
          _creationTime: number;
          _id: string;
          emailVerified?: boolean;
          extend?: any;
          provider: string;
          providerAccountId: string;
          userId: string;
        } | null,
        Name
      >;
      getSecretByUser: FunctionReference<
        "query",
        "internal",
        { provider: string; userId: string },
        { accountId: string; secret?: string } | null,
        Name
      >;
      listByUser: FunctionReference<
        "query",
        "internal",
        { userId: string },
        Array<{
          _creationTime: number;
          _id: string;
          emailVerified?: boolean;
          extend?: any;
          provider: string;
          providerAccountId: string;
          userId: string;
        }>,
        Name
      >;
      resetSecretWithCode: FunctionReference<
        "mutation",
        "internal",
        {
          accountId: string;
          codeHash: string;
          limit: { key: string; max: number; periodMs: number };
          purpose: string;
          secret: string;
        },
        | { status: "ok"; userId: string }
        | { status: "invalid" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
      rollbackSignUp: FunctionReference<
        "mutation",
        "internal",
        { accountId: string },
        boolean,
        Name
      >;
      verifyEmailWithCode: FunctionReference<
        "mutation",
        "internal",
        {
          accountId: string;
          codeHash: string;
          limit: { key: string; max: number; periodMs: number };
          purpose: string;
        },
        | { status: "ok"; userId: string }
        | { status: "invalid" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
    };
    apiKeys: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          displayPrefix: string;
          expiresAt?: number;
          keyHash: string;
          name: string;
          rateLimit?: { maxRequests: number; windowMs: number };
          scopes: Array<{ actions: Array<string>; resource: string }>;
          userId: string;
        },
        string,
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { keyId: string },
        {
          _creationTime: number;
          _id: string;
          displayPrefix: string;
          expiresAt?: number;
          lastUsedAt?: number;
          name: string;
          rateLimit?: { maxRequests: number; windowMs: number };
          revokedTime?: number;
          scopes: Array<{ actions: Array<string>; resource: string }>;
          userId: string;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        { userId: string },
        Array<{
          _creationTime: number;
          _id: string;
          displayPrefix: string;
          expiresAt?: number;
          lastUsedAt?: number;
          name: string;
          rateLimit?: { maxRequests: number; windowMs: number };
          revokedTime?: number;
          scopes: Array<{ actions: Array<string>; resource: string }>;
          userId: string;
        }>,
        Name
      >;
      remove: FunctionReference<
        "mutation",
        "internal",
        { keyId: string; userId?: string },
        null,
        Name
      >;
      revoke: FunctionReference<
        "mutation",
        "internal",
        { keyId: string; userId?: string },
        boolean,
        Name
      >;
      rotate: FunctionReference<
        "mutation",
        "internal",
        {
          displayPrefix: string;
          expiresAt?: number | null;
          keyHash: string;
          keyId: string;
          userId?: string;
        },
        string,
        Name
      >;
      update: FunctionReference<
        "mutation",
        "internal",
        {
          keyId: string;
          patch: {
            expiresAt?: number | null;
            name?: string;
            rateLimit?: { maxRequests: number; windowMs: number } | null;
            scopes?: Array<{ actions: Array<string>; resource: string }>;
          };
          userId?: string;
        },
        null,
        Name
      >;
      verify: FunctionReference<
        "mutation",
        "internal",
        { keyHash: string },
        | {
            keyId: string;
            name: string;
            scopes: Array<{ actions: Array<string>; resource: string }>;
            status: "ok";
            userId: string;
          }
        | { status: "invalid" }
        | { status: "revoked" }
        | { status: "expired" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
    };
    codes: {
      consume: FunctionReference<
        "mutation",
        "internal",
        {
          accountId: string;
          address?: string;
          codeHash: string;
          limit: { key: string; max: number; periodMs: number };
          purpose: string;
        },
        | { address?: string; status: "ok"; userId: string }
        | { status: "invalid" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
      create: FunctionReference<
        "mutation",
        "internal",
        {
          accountId: string;
          address?: string;
          codeHash: string;
          expirationTime: number;
          provider: string;
          purpose: string;
        },
        string,
        Name
      >;
    };
    events: {
      listByUser: FunctionReference<
        "query",
        "internal",
        { limit?: number; userId: string },
        Array<{
          _creationTime: number;
          _id: string;
          data?: any;
          reason?: string;
          sessionId?: string;
          type: string;
          userId?: string;
        }>,
        Name
      >;
    };
    groups: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          extend?: any;
          name: string;
          ownerUserId?: string;
          parentGroupId?: string;
          slug?: string;
        },
        string,
        Name
      >;
      delete: FunctionReference<
        "mutation",
        "internal",
        { groupId: string },
        boolean,
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { groupId: string },
        {
          _creationTime: number;
          _id: string;
          extend?: any;
          name: string;
          parentGroupId?: string;
          slug?: string;
        } | null,
        Name
      >;
      getBySlug: FunctionReference<
        "query",
        "internal",
        { parentGroupId?: string; slug: string },
        {
          _creationTime: number;
          _id: string;
          extend?: any;
          name: string;
          parentGroupId?: string;
          slug?: string;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        {
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          parentGroupId?: string;
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            extend?: any;
            name: string;
            parentGroupId?: string;
            slug?: string;
          }>;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
          splitCursor?: string | null;
        },
        Name
      >;
      listForUser: FunctionReference<
        "query",
        "internal",
        {
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          userId: string;
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            extend?: any;
            membership: { memberId: string; role: string };
            name: string;
            parentGroupId?: string;
            slug?: string;
          }>;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
          splitCursor?: string | null;
        },
        Name
      >;
      update: FunctionReference<
        "mutation",
        "internal",
        {
          groupId: string;
          patch: {
            extend?: any;
            name?: string;
            parentGroupId?: string | null;
            slug?: string | null;
          };
        },
        null,
        Name
      >;
    };
    invites: {
      accept: FunctionReference<
        "mutation",
        "internal",
        {
          emailCheck?: "verified" | "match" | "none";
          tokenHash: string;
          userId: string;
        },
        | {
            groupId: string | null;
            inviteId: string;
            memberId: string | null;
            role: string | null;
            status: "accepted";
          }
        | { inviteId: string; status: "expired" },
        Name
      >;
      create: FunctionReference<
        "mutation",
        "internal",
        {
          email?: string;
          emailCheck?: "verified" | "match" | "none";
          expiresTime?: number;
          extend?: any;
          groupId?: string;
          invitedByUserId?: string;
          role?: string;
          tokenHash: string;
        },
        string,
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { inviteId: string },
        {
          _creationTime: number;
          _id: string;
          acceptedByUserId?: string;
          acceptedTime?: number;
          email?: string;
          emailCheck?: "verified" | "match" | "none";
          expiresTime?: number;
          extend?: any;
          groupId?: string;
          invitedByUserId?: string;
          role?: string;
          status: "pending" | "accepted" | "revoked" | "expired";
        } | null,
        Name
      >;
      getByTokenHash: FunctionReference<
        "query",
        "internal",
        { tokenHash: string },
        {
          _creationTime: number;
          _id: string;
          acceptedByUserId?: string;
          acceptedTime?: number;
          email?: string;
          emailCheck?: "verified" | "match" | "none";
          expiresTime?: number;
          extend?: any;
          groupId?: string;
          invitedByUserId?: string;
          role?: string;
          status: "pending" | "accepted" | "revoked" | "expired";
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        {
          groupId?: string;
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          status?: "pending" | "accepted" | "revoked" | "expired";
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            acceptedByUserId?: string;
            acceptedTime?: number;
            email?: string;
            emailCheck?: "verified" | "match" | "none";
            expiresTime?: number;
            extend?: any;
            groupId?: string;
            invitedByUserId?: string;
            role?: string;
            status: "pending" | "accepted" | "revoked" | "expired";
          }>;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
          splitCursor?: string | null;
        },
        Name
      >;
      revoke: FunctionReference<
        "mutation",
        "internal",
        { inviteId: string },
        { status: "revoked" | "expired" },
        Name
      >;
    };
    limits: {
      check: FunctionReference<
        "query",
        "internal",
        { limit: { key: string; max: number; periodMs: number } },
        { ok: boolean; remaining: number; retryAfterMs: number },
        Name
      >;
      consume: FunctionReference<
        "mutation",
        "internal",
        { limit: { key: string; max: number; periodMs: number } },
        { ok: boolean; remaining: number; retryAfterMs: number },
        Name
      >;
      fail: FunctionReference<
        "mutation",
        "internal",
        { limit: { key: string; max: number; periodMs: number } },
        null,
        Name
      >;
      refund: FunctionReference<
        "mutation",
        "internal",
        { limit: { key: string; max: number; periodMs: number } },
        null,
        Name
      >;
      reset: FunctionReference<
        "mutation",
        "internal",
        { key: string },
        null,
        Name
      >;
      take: FunctionReference<
        "mutation",
        "internal",
        { limit: { key: string; max: number; periodMs: number } },
        { ok: boolean; remaining: number; retryAfterMs: number },
        Name
      >;
    };
    members: {
      add: FunctionReference<
        "mutation",
        "internal",
        { extend?: any; groupId: string; role: string; userId: string },
        string,
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { groupId: string; userId: string },
        {
          _creationTime: number;
          _id: string;
          extend?: any;
          groupId: string;
          role: string;
          userId: string;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        {
          groupId: string;
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          role?: string;
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            extend?: any;
            groupId: string;
            role: string;
            userId: string;
          }>;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
          splitCursor?: string | null;
        },
        Name
      >;
      remove: FunctionReference<
        "mutation",
        "internal",
        { groupId: string; userId: string },
        null,
        Name
      >;
      updateRole: FunctionReference<
        "mutation",
        "internal",
        { groupId: string; role: string; userId: string },
        null,
        Name
      >;
    };
    oauth: {
      bindFlow: FunctionReference<
        "mutation",
        "internal",
        { bindingHash: string; provider: string; stateHash: string },
        { authorizationUrl: string } | null,
        Name
      >;
      redeem: FunctionReference<
        "mutation",
        "internal",
        {
          codeHash: string;
          confirmHash?: string;
          linkUserId?: string;
          verifierHash?: string;
        },
        | { accountId: string; provider: string; status: "ok"; userId: string }
        | { status: "invalid" }
        | { status: "account_exists" }
        | { account: string; status: "confirm" },
        Name
      >;
    };
    passkeyCeremonies: {
      beginAuthentication: FunctionReference<
        "mutation",
        "internal",
        {
          ceremony: {
            challenge: string;
            expirationTime: number;
            verifierHash: string;
          };
          email?: string;
          provider: string;
          secondFactorHash?: string;
          stepUp?: { sessionId: string; userId: string };
        },
        {
          allow: Array<{
            credentialId: string;
            transports?: Array<string>;
          }> | null;
        },
        Name
      >;
      beginRegistration: FunctionReference<
        "mutation",
        "internal",
        {
          ceremony: {
            challenge: string;
            expirationTime: number;
            verifierHash: string;
          };
          newUserHandle: string;
          passkeyName?: string;
          provider: string;
          secondFactor?: boolean;
          target:
            | { email?: string; flow: "signUp"; name?: string }
            | {
                flow: "register";
                freshWithinMs?: number;
                sessionId: string;
                userId: string;
              };
        },
        {
          email?: string;
          exclude: Array<{ credentialId: string; transports?: Array<string> }>;
          name?: string;
          userHandle: string;
        },
        Name
      >;
      completeAuthentication: FunctionReference<
        "mutation",
        "internal",
        {
          backedUp: boolean;
          newCounter: number;
          passkeyId: string;
          secondFactorHash?: string;
          stepUpSessionId?: string;
        },
        { userId: string },
        Name
      >;
      completeRegistration: FunctionReference<
        "mutation",
        "internal",
        {
          passkey: {
            algorithm: number;
            backedUp?: boolean;
            counter: number;
            credentialId: string;
            deviceType?: string;
            name?: string;
            publicKey: ArrayBuffer;
            secondFactor?: boolean;
            transports?: Array<string>;
            userHandle: string;
          };
          provider: string;
          target:
            | { email?: string; flow: "signUp"; name?: string }
            | { flow: "register"; sessionId: string; userId: string };
        },
        { passkeyId: string; userId: string },
        Name
      >;
      takeChallenge: FunctionReference<
        "mutation",
        "internal",
        { credentialId: string; verifierHash: string },
        {
          challenge: string;
          credential: {
            counter: number;
            credentialId: string;
            passkeyId: string;
            publicKey: ArrayBuffer;
            transports?: Array<string>;
            userHandle: string;
            userId: string;
          } | null;
          data: {
            email?: string;
            flow: "signUp" | "register" | "signIn" | "second-factor" | "stepUp";
            name?: string;
            passkeyName?: string;
            provider: string;
            secondFactor?: boolean;
            secondFactorHash?: string;
            userHandle?: string;
          };
          sessionId?: string;
          userId?: string;
        } | null,
        Name
      >;
    };
    passkeys: {
      get: FunctionReference<
        "query",
        "internal",
        { passkeyId: string },
        {
          _creationTime: number;
          _id: string;
          algorithm: number;
          backedUp?: boolean;
          credentialId: string;
          deviceType?: string;
          lastUsedTime?: number;
          name: string;
          secondFactor: boolean;
          transports?: Array<string>;
          userId: string;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        { userId: string },
        Array<{
          _creationTime: number;
          _id: string;
          algorithm: number;
          backedUp?: boolean;
          credentialId: string;
          deviceType?: string;
          lastUsedTime?: number;
          name: string;
          secondFactor: boolean;
          transports?: Array<string>;
          userId: string;
        }>,
        Name
      >;
      remove: FunctionReference<
        "mutation",
        "internal",
        {
          ignoreProviders?: Array<string>;
          keepSecondFactor?: boolean;
          passkeyId: string;
          userId?: string;
        },
        null,
        Name
      >;
      rename: FunctionReference<
        "mutation",
        "internal",
        { name: string; passkeyId: string; userId?: string },
        null,
        Name
      >;
      setSecondFactor: FunctionReference<
        "mutation",
        "internal",
        {
          enabled: boolean;
          keepSecondFactor?: boolean;
          passkeyId: string;
          userId?: string;
        },
        boolean,
        Name
      >;
    };
    passwordless: {
      createAnonymous: FunctionReference<
        "mutation",
        "internal",
        {
          profile: { extend?: any; image?: string; name?: string };
          provider: string;
          providerAccountId: string;
        },
        { userId: string },
        Name
      >;
      storeCode: FunctionReference<
        "mutation",
        "internal",
        {
          address: string;
          codeHash: string;
          expirationTime: number;
          provider: string;
        },
        null,
        Name
      >;
      verifyCode: FunctionReference<
        "mutation",
        "internal",
        {
          address: string;
          codeHash: string;
          identity: {
            email?: string;
            emailVerified: boolean;
            phone?: string;
            phoneVerified: boolean;
            profile: { extend?: any; image?: string; name?: string };
            provider: string;
            providerAccountId: string;
          };
          limit: { key: string; max: number; periodMs: number };
          linkUserId?: string;
          provider: string;
        },
        | { accountId: string; provider: string; status: "ok"; userId: string }
        | { status: "invalid" }
        | { status: "account_exists" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
    };
    recoveryCodes: {
      consume: FunctionReference<
        "mutation",
        "internal",
        {
          codeHash: string;
          limit: { key: string; max: number; periodMs: number };
          userId: string;
        },
        | { status: "ok" }
        | { status: "invalid" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
      remaining: FunctionReference<
        "query",
        "internal",
        { userId: string },
        number,
        Name
      >;
      replace: FunctionReference<
        "mutation",
        "internal",
        { codeHashes: Array<string>; userId: string },
        null,
        Name
      >;
    };
    sessions: {
      get: FunctionReference<
        "query",
        "internal",
        { sessionId: string },
        {
          _creationTime: number;
          _id: string;
          expirationTime: number;
          factorVerifiedTime?: number;
          ip?: string;
          ordinal: number;
          userAgent?: string;
          userId: string;
        } | null,
        Name
      >;
      issue: FunctionReference<
        "mutation",
        "internal",
        {
          pendingStep?: { expirationTime: number; verifierHash: string };
          policy: {
            inactiveDurationMs: number;
            maxSessionsPerUser: number;
            totalDurationMs: number;
          };
          proof:
            | { kind: "firstFactor"; multiFactor?: boolean; provider: string }
            | { kind: "secondFactor"; provider: string; stepHash: string }
            | {
                factorVerified?: boolean;
                kind: "continue";
                provider: string;
                sessionId: string;
              }
            | {
                factorVerified: boolean;
                kind: "replace";
                provider: string;
                sessionId: string;
              };
          refreshTokenHash: string;
          upgradedSecret?: { accountId: string; secret: string };
          userId: string;
        },
        | {
            expirationTime: number;
            sessionId: string;
            status: "ok";
            userId: string;
          }
        | { status: "second_factor_required"; userId: string }
        | {
            reason: "no_user" | "step_expired" | "session_ended" | "banned";
            status: "refused";
          },
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        { userId: string },
        Array<{
          _creationTime: number;
          _id: string;
          expirationTime: number;
          factorVerifiedTime?: number;
          ip?: string;
          ordinal: number;
          userAgent?: string;
          userId: string;
        }>,
        Name
      >;
      markFactorVerified: FunctionReference<
        "mutation",
        "internal",
        { sessionId: string },
        boolean,
        Name
      >;
      refresh: FunctionReference<
        "mutation",
        "internal",
        {
          newTokenHash: string;
          policy: {
            inactiveDurationMs: number;
            maxSessionsPerUser: number;
            totalDurationMs: number;
          };
          reuseWindowMs: number;
          tokenHash: string;
        },
        | { sessionId: string; status: "ok"; userId: string }
        | { status: "reused" }
        | { status: "invalid" },
        Name
      >;
      revoke: FunctionReference<
        "mutation",
        "internal",
        {
          reason:
            | "logout"
            | "user_revoke"
            | "revoke_all"
            | "password_change"
            | "password_reset"
            | "refresh_reuse"
            | "evicted"
            | "banned"
            | "replaced"
            | "email_proven";
          sessionId: string;
        },
        boolean,
        Name
      >;
      revokeAll: FunctionReference<
        "mutation",
        "internal",
        {
          exceptSessionId?: string;
          reason:
            | "logout"
            | "user_revoke"
            | "revoke_all"
            | "password_change"
            | "password_reset"
            | "refresh_reuse"
            | "evicted"
            | "banned"
            | "replaced"
            | "email_proven";
          userId: string;
        },
        { continuing: boolean; revoked: number },
        Name
      >;
    };
    totp: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          name?: string;
          secretCiphertext: ArrayBuffer;
          secretIv: ArrayBuffer;
          userId: string;
        },
        string,
        Name
      >;
      forVerification: FunctionReference<
        "query",
        "internal",
        { pendingTotpId?: string; userId: string },
        {
          factors: Array<{
            lastUsedStep?: number;
            secretCiphertext: ArrayBuffer;
            secretIv: ArrayBuffer;
            totpId: string;
          }>;
        },
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        { userId: string },
        Array<{
          _creationTime: number;
          _id: string;
          activatedTime?: number;
          lastUsedStep?: number;
          name?: string;
          userId: string;
        }>,
        Name
      >;
      recordUse: FunctionReference<
        "mutation",
        "internal",
        {
          activate?: boolean;
          sessionId?: string;
          step: number;
          totpId: string;
          userId: string;
        },
        { status: "ok" | "replayed" | "not_found" | "no_session" },
        Name
      >;
      remove: FunctionReference<
        "mutation",
        "internal",
        { keepOne: boolean; totpId: string; userId: string },
        null,
        Name
      >;
      stepUpState: FunctionReference<
        "query",
        "internal",
        { sessionId: string; userId: string },
        {
          factorVerifiedTime: number | null;
          hasSecondFactor: boolean;
          sessionLive: boolean;
        },
        Name
      >;
    };
    users: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          email?: string;
          emailVerificationTime?: number;
          extend?: any;
          image?: string;
          isAnonymous?: boolean;
          name?: string;
          phone?: string;
          phoneVerificationTime?: number;
        },
        string,
        Name
      >;
      delete: FunctionReference<
        "mutation",
        "internal",
        { userId: string },
        null,
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { userId: string },
        {
          _creationTime: number;
          _id: string;
          email?: string;
          emailVerificationTime?: number;
          extend?: any;
          image?: string;
          isAnonymous?: boolean;
          name?: string;
          phone?: string;
          phoneVerificationTime?: number;
        } | null,
        Name
      >;
      getByEmail: FunctionReference<
        "query",
        "internal",
        { email: string },
        {
          _creationTime: number;
          _id: string;
          email?: string;
          emailVerificationTime?: number;
          extend?: any;
          image?: string;
          isAnonymous?: boolean;
          name?: string;
          phone?: string;
          phoneVerificationTime?: number;
        } | null,
        Name
      >;
      patch: FunctionReference<
        "mutation",
        "internal",
        {
          patch: {
            email?: string | null;
            emailVerificationTime?: number | null;
            extend?: any;
            image?: string | null;
            isAnonymous?: boolean;
            name?: string | null;
            phone?: string | null;
            phoneVerificationTime?: number | null;
          };
          userId: string;
        },
        null,
        Name
      >;
    };
    verifiers: {
      consume: FunctionReference<
        "mutation",
        "internal",
        { kind: string; verifierHash: string },
        {
          _creationTime: number;
          _id: string;
          challenge?: string;
          data?: any;
          expirationTime: number;
          kind: string;
          sessionId?: string;
          userId?: string;
          verifierHash: string;
        } | null,
        Name
      >;
      create: FunctionReference<
        "mutation",
        "internal",
        {
          challenge?: string;
          data?: any;
          expirationTime: number;
          kind: string;
          sessionId?: string;
          userId?: string;
          verifierHash: string;
        },
        string,
        Name
      >;
      peek: FunctionReference<
        "query",
        "internal",
        { kind: string; verifierHash: string },
        {
          _creationTime: number;
          _id: string;
          challenge?: string;
          data?: any;
          expirationTime: number;
          kind: string;
          sessionId?: string;
          userId?: string;
          verifierHash: string;
        } | null,
        Name
      >;
      pendingSecondFactorOf: FunctionReference<
        "query",
        "internal",
        { verifierHash: string },
        { userId: string } | null,
        Name
      >;
    };
  };
