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
          providerAccountId?: string;
          userId?: string;
          username?: string;
        },
        {
          account: {
            accountId: string;
            emailVerified: boolean;
            providerAccountId: string;
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
        {
          accountId: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          exceptSessionId?: string;
          secret: string;
        },
        null,
        Name
      >;
    };
    apiKeys: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          displayPrefix: string;
          expirationTime?: number | null;
          keyHash: string;
          name?: string;
          rateLimit?: { max: number; periodMs: number };
          replaces?: string;
          scopes?: Array<{ actions: Array<string>; resource: string }>;
          userId?: string;
        },
        string,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        { keyId?: string; userId?: string },
        Array<{
          _creationTime: number;
          _id: string;
          displayPrefix: string;
          expirationTime?: number;
          lastUsedTime?: number;
          name: string;
          rateLimit?: { max: number; periodMs: number };
          revokedTime?: number;
          scopes: Array<{ actions: Array<string>; resource: string }>;
          userId: string;
        }>,
        Name
      >;
      revoke: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          forget?: boolean;
          keyId: string;
          userId?: string;
        },
        boolean,
        Name
      >;
      update: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          keyId: string;
          patch: {
            expirationTime?: number | null;
            name?: string;
            rateLimit?: { max: number; periodMs: number } | null;
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
        | { status: "banned" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
    };
    codes: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          address: string;
          codeHash: string;
          expirationTime: number;
          limit: { key: string; max: number; periodMs: number };
          link?: {
            identity: {
              email?: string;
              emailVerified: boolean;
              phone?: string;
              phoneVerified: boolean;
              profile: { extend?: any; image?: string; name?: string };
              provider: string;
              providerAccountId: string;
            };
            requesterHash: string;
            userId?: string;
          };
          provider: string;
          purpose: "sign_in" | "email_verification" | "password_reset";
        },
        | { status: "stored" }
        | { status: "no_account" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
      redeem: FunctionReference<
        "mutation",
        "internal",
        {
          address: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          codeHash: string;
          identity?: {
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
          newSecret?: string;
          provider: string;
          purpose: "sign_in" | "email_verification" | "password_reset";
        },
        | { accountId: string; provider: string; status: "ok"; userId: string }
        | { status: "invalid" }
        | { status: "account_exists" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
    };
    credentials: {
      list: FunctionReference<
        "query",
        "internal",
        { userId: string; withAccounts?: boolean },
        {
          accounts?: Array<{
            _creationTime: number;
            _id: string;
            email?: string;
            emailVerified?: boolean;
            hasSecret: boolean;
            provider: string;
            providerAccountId: string;
          }>;
          passkeys: Array<{
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
          }>;
          recoveryCodesLeft: number;
          totpFactors: Array<{
            _creationTime: number;
            _id: string;
            activatedTime?: number;
            lastUsedStep?: number;
            name?: string;
            userId: string;
          }>;
        },
        Name
      >;
      remove: FunctionReference<
        "mutation",
        "internal",
        {
          accountId?: string;
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          ignoreProviders?: Array<string>;
          keepSecondFactor?: boolean;
          passkeyId?: string;
          totpId?: string;
          userId?: string;
        },
        null,
        Name
      >;
      update: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          keepSecondFactor?: boolean;
          name?: string;
          passkeyId: string;
          secondFactor?: boolean;
          userId?: string;
        },
        boolean,
        Name
      >;
    };
    events: {
      list: FunctionReference<
        "query",
        "internal",
        {
          actorUserId?: string;
          all?: boolean;
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          since?: number;
          type?: string;
          until?: number;
          userId?: string;
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            actorUserId?: string;
            data?: any;
            expirationTime?: number;
            ip?: string;
            reason?: string;
            sessionId?: string;
            type: string;
            userAgent?: string;
            userId?: string;
          }>;
          pageStatus?: "SplitRecommended" | "SplitRequired" | null;
          splitCursor?: string | null;
        },
        Name
      >;
    };
    groups: {
      create: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
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
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          groupId: string;
        },
        boolean,
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        { groupId?: string; parentGroupId?: string; slug?: string },
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
      update: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
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
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
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
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          email?: string;
          emailCheck?: "verified" | "match" | "none";
          expirationTime?: number;
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
        { inviteId?: string; tokenHash?: string },
        {
          _creationTime: number;
          _id: string;
          acceptedByUserId?: string;
          acceptedTime?: number;
          email?: string;
          emailCheck?: "verified" | "match" | "none";
          expirationTime?: number;
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
            expirationTime?: number;
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
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          inviteId: string;
        },
        { status: "revoked" | "expired" },
        Name
      >;
    };
    limits: {
      settle: FunctionReference<
        "mutation",
        "internal",
        {
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          counts: boolean;
          limit: { key: string; max: number; periodMs: number };
          refused?: {
            method: "totp";
            reason: "wrong" | "replayed";
            userId: string;
          };
        },
        null,
        Name
      >;
    };
    members: {
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
          groupId?: string;
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          role?: string;
          userId?: string;
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            extend?: any;
            group: {
              _creationTime: number;
              _id: string;
              extend?: any;
              name: string;
              parentGroupId?: string;
              slug?: string;
            };
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
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          groupId: string;
          userId: string;
        },
        null,
        Name
      >;
      set: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          extend?: any;
          groupId: string;
          onlyExisting?: boolean;
          onlyNew?: boolean;
          role: string;
          userId: string;
        },
        string,
        Name
      >;
    };
    migration: {
      importUsers: FunctionReference<
        "mutation",
        "internal",
        {
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          dryRun?: boolean;
          source: string;
          users: Array<{
            accounts: Array<{
              emailVerified?: boolean;
              provider: string;
              providerAccountId: string;
              secret?: string;
            }>;
            email?: string;
            emailVerificationTime?: number;
            image?: string;
            isAnonymous?: boolean;
            legacyId: string;
            name?: string;
            phone?: string;
            phoneVerificationTime?: number;
          }>;
        },
        Array<{
          accountsAdded: Array<number>;
          legacyId: string;
          passwordsUpdated: number;
          reason?:
            | "email_taken"
            | "account_taken"
            | "invalid_email"
            | "invalid_profile";
          status: "imported" | "updated" | "unchanged" | "skipped";
          userId?: string;
        }>,
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
            | {
                caller?: { sessionId: string; userId: string };
                email?: string;
                flow: "signUp";
                name?: string;
              }
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
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
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
            | {
                caller?: { sessionId: string; userId: string };
                email?: string;
                flow: "signUp";
                name?: string;
              }
            | { flow: "register"; sessionId: string; userId: string };
        },
        { passkeyId: string; upgraded?: boolean; userId: string },
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
            flow: "signUp" | "register" | "signIn" | "secondFactor" | "stepUp";
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
    recoveryCodes: {
      consume: FunctionReference<
        "mutation",
        "internal",
        {
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          codeHash: string;
          earlierHashes?: Array<string>;
          limit: { key: string; max: number; periodMs: number };
          sessionId?: string;
          stepHash?: string;
          userId: string;
        },
        | { status: "ok" }
        | { status: "invalid" }
        | { status: "no_session" }
        | { status: "step_expired" }
        | { retryAfterMs: number; status: "rate_limited" },
        Name
      >;
      replace: FunctionReference<
        "mutation",
        "internal",
        {
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          codeHashes: Array<string>;
          userId: string;
        },
        null,
        Name
      >;
    };
    redirects: {
      bind: FunctionReference<
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
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          codeHash: string;
          confirmHash?: string;
          linkSessionId?: string;
          linkUserId?: string;
          verifierHash?: string;
        },
        | { accountId: string; provider: string; status: "ok"; userId: string }
        | { status: "invalid" }
        | { status: "account_exists" }
        | {
            provider: string;
            sessionId: string;
            status: "linked";
            upgraded?: boolean;
            userId: string;
          }
        | { status: "linked_elsewhere" }
        | { status: "session_ended" }
        | { status: "step_up_required" }
        | { status: "too_many_accounts" }
        | { account: string; status: "confirm" },
        Name
      >;
    };
    sessions: {
      get: FunctionReference<
        "query",
        "internal",
        { sessionId: string; withSecondFactor?: boolean },
        {
          _creationTime: number;
          _id: string;
          authTime?: number;
          expirationTime: number;
          factorVerifiedTime?: number;
          impersonatorSessionId?: string;
          impersonatorUserId?: string;
          ip?: string;
          ordinal: number;
          userAgent?: string;
          userHasSecondFactor?: boolean;
          userId: string;
          userIsAnonymous?: boolean;
        } | null,
        Name
      >;
      issue: FunctionReference<
        "mutation",
        "internal",
        {
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          mint?: { audience: string; expiresInSeconds: number };
          pendingStep?: { expirationTime: number; verifierHash: string };
          policy: {
            inactiveDurationMs: number;
            maxSessionsPerUser: number;
            totalDurationMs: number;
          };
          proof:
            | { kind: "firstFactor"; multiFactor?: boolean; provider: string }
            | { kind: "refresh"; reuseWindowMs: number; tokenHash: string }
            | { kind: "secondFactor"; provider: string; stepHash: string }
            | {
                factorVerified?: boolean;
                kind: "continue";
                provider: string;
                reauthenticated?: boolean;
                sessionId: string;
              }
            | {
                factorVerified: boolean;
                kind: "replace";
                provider: string;
                sessionId: string;
              }
            | {
                adminSessionId: string;
                durationMs: number;
                kind: "impersonate";
                tokenHash: string;
              }
            | {
                kind: "endImpersonation";
                reuseWindowMs: number;
                tokenHash: string;
              };
          refreshTokenHash: string;
          upgradedSecret?: { accountId: string; secret: string };
          userId?: string;
        },
        | {
            expirationTime: number;
            impersonatorUserId?: string;
            sessionId: string;
            status: "ok";
            token?: string;
            userId: string;
          }
        | {
            methods: Array<"totp" | "passkey" | "recoveryCode">;
            status: "second_factor_required";
            userId: string;
          }
        | {
            reason:
              | "no_user"
              | "step_expired"
              | "session_ended"
              | "banned"
              | "invalid"
              | "reused"
              | "impersonating";
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
          authTime?: number;
          expirationTime: number;
          factorVerifiedTime?: number;
          impersonatorSessionId?: string;
          impersonatorUserId?: string;
          ip?: string;
          ordinal: number;
          userAgent?: string;
          userHasSecondFactor?: boolean;
          userId: string;
          userIsAnonymous?: boolean;
        }>,
        Name
      >;
      revoke: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
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
            | "admin_revoke"
            | "replaced"
            | "email_proven"
            | "impersonation_ended"
            | "guest_upgraded";
          sessionId?: string;
          userId?: string;
        },
        { continuing: boolean; ended: number },
        Name
      >;
    };
    totp: {
      beginCheck: FunctionReference<
        "mutation",
        "internal",
        {
          limit: { key: string; max: number; periodMs: number };
          sessionId?: string;
          setupHash?: string;
          stepHash?: string;
          userId: string;
        },
        {
          factors: Array<{
            lastUsedStep?: number;
            secretCiphertext: ArrayBuffer;
            secretIv: ArrayBuffer;
            totpId: string;
          }>;
          limit: { ok: boolean; remaining: number; retryAfterMs: number };
          stepExpired?: boolean;
        },
        Name
      >;
      create: FunctionReference<
        "mutation",
        "internal",
        {
          expirationTime: number;
          name?: string;
          secretCiphertext: ArrayBuffer;
          secretIv: ArrayBuffer;
          sessionId: string;
          setupHash: string;
          userId: string;
        },
        string,
        Name
      >;
      recordUse: FunctionReference<
        "mutation",
        "internal",
        {
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          sessionId?: string;
          setupHash?: string;
          step: number;
          totpId: string;
          userId: string;
        },
        { status: "ok" | "replayed" | "not_found" | "no_session" },
        Name
      >;
    };
    users: {
      ban: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          expirationTime?: number;
          reason: string;
          userId: string;
        },
        null,
        Name
      >;
      create: FunctionReference<
        "mutation",
        "internal",
        {
          account?: {
            emailVerified?: boolean;
            provider: string;
            providerAccountId: string;
            secret?: string;
          };
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          caller?: { sessionId: string; userId: string };
          email?: string;
          emailVerificationTime?: number;
          extend?: any;
          image?: string;
          isAnonymous?: boolean;
          name?: string;
          phone?: string;
          phoneVerificationTime?: number;
          username?: string;
        },
        string,
        Name
      >;
      delete: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          onlyUnusedSignUp?: boolean;
          userId: string;
        },
        boolean,
        Name
      >;
      detail: FunctionReference<
        "query",
        "internal",
        { userId: string },
        {
          accounts: Array<{
            _creationTime: number;
            _id: string;
            email?: string;
            emailVerified?: boolean;
            hasSecret: boolean;
            provider: string;
            providerAccountId: string;
          }>;
          apiKeys: Array<{
            _creationTime: number;
            _id: string;
            displayPrefix: string;
            expirationTime?: number;
            lastUsedTime?: number;
            name: string;
            rateLimit?: { max: number; periodMs: number };
            revokedTime?: number;
            scopes: Array<{ actions: Array<string>; resource: string }>;
            userId: string;
          }>;
          groups: Array<{
            _creationTime: number;
            _id: string;
            extend?: any;
            group: {
              _creationTime: number;
              _id: string;
              extend?: any;
              name: string;
              parentGroupId?: string;
              slug?: string;
            };
            groupId: string;
            role: string;
            userId: string;
          }>;
          passkeys: Array<{
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
          }>;
          recoveryCodesLeft: number;
          sessions: Array<{
            _creationTime: number;
            _id: string;
            expirationTime: number;
            factorVerifiedTime?: number;
            impersonatorUserId?: string;
            ip?: string;
            lastUsedTime: number;
            live: boolean;
            userAgent?: string;
          }>;
          totpFactors: Array<{
            _creationTime: number;
            _id: string;
            activatedTime?: number;
            lastUsedStep?: number;
            name?: string;
            userId: string;
          }>;
          truncated: {
            accounts: boolean;
            apiKeys: boolean;
            groups: boolean;
            sessions: boolean;
            totpFactors: boolean;
          };
          user: {
            _creationTime: number;
            _id: string;
            ban?: { expirationTime?: number; reason: string; time: number };
            email?: string;
            emailVerificationTime?: number;
            extend?: any;
            hasSecondFactor?: boolean;
            image?: string;
            isAnonymous?: boolean;
            legacyId?: string;
            name?: string;
            nameKey?: string;
            phone?: string;
            phoneVerificationTime?: number;
            username?: string;
          };
        },
        Name
      >;
      get: FunctionReference<
        "query",
        "internal",
        {
          email?: string;
          legacyId?: string;
          userId?: string;
          username?: string;
        },
        {
          _creationTime: number;
          _id: string;
          ban?: { expirationTime?: number; reason: string; time: number };
          email?: string;
          emailVerificationTime?: number;
          extend?: any;
          hasSecondFactor?: boolean;
          image?: string;
          isAnonymous?: boolean;
          legacyId?: string;
          name?: string;
          nameKey?: string;
          phone?: string;
          phoneVerificationTime?: number;
          username?: string;
        } | null,
        Name
      >;
      list: FunctionReference<
        "query",
        "internal",
        {
          filter?: "banned" | "unverified" | "has2fa";
          paginationOpts: {
            cursor: string | null;
            endCursor?: string | null;
            id?: number;
            maximumBytesRead?: number;
            maximumRowsRead?: number;
            numItems: number;
          };
          search?: string;
        },
        {
          continueCursor: string;
          isDone: boolean;
          page: Array<{
            _creationTime: number;
            _id: string;
            ban?: { expirationTime?: number; reason: string; time: number };
            email?: string;
            emailVerificationTime?: number;
            extend?: any;
            hasSecondFactor?: boolean;
            image?: string;
            isAnonymous?: boolean;
            legacyId?: string;
            name?: string;
            nameKey?: string;
            phone?: string;
            phoneVerificationTime?: number;
            username?: string;
          }>;
        },
        Name
      >;
      markEmailVerified: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          userId: string;
        },
        boolean,
        Name
      >;
      removeFactor: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          factor: { id: string; kind: "totp" | "passkey" };
          ignoreProviders?: Array<string>;
          userId: string;
        },
        null,
        Name
      >;
      revokeSessions: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          userId: string;
        },
        { continuing: boolean; ended: number },
        Name
      >;
      unban: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          userId: string;
        },
        null,
        Name
      >;
      update: FunctionReference<
        "mutation",
        "internal",
        {
          actorUserId?: string;
          audit?: {
            hooks?: {
              callbacks: Array<
                | "afterUserCreated"
                | "afterSignIn"
                | "beforeSessionCreated"
                | "afterUserDeleted"
                | "onSecurityNotice"
                | "onEvent"
              >;
              handle: string;
            };
            retentionMs: number;
          };
          patch: {
            email?: string | null;
            emailVerificationTime?: number | null;
            extend?: any;
            image?: string | null;
            isAnonymous?: boolean;
            name?: string | null;
            phone?: string | null;
            phoneVerificationTime?: number | null;
            username?: string | null;
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
        { kind: "oauth_flow"; verifierHash: string },
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
    };
  };
