/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type * as accounts from "../accounts.js";
import type * as apiKeys from "../apiKeys.js";
import type * as codes from "../codes.js";
import type * as credentials from "../credentials.js";
import type * as crons from "../crons.js";
import type * as events from "../events.js";
import type * as groups from "../groups.js";
import type * as invites from "../invites.js";
import type * as limits from "../limits.js";
import type * as members from "../members.js";
import type * as migration from "../migration.js";
import type * as model_accounts from "../model/accounts.js";
import type * as model_apiKeys from "../model/apiKeys.js";
import type * as model_bans from "../model/bans.js";
import type * as model_codes from "../model/codes.js";
import type * as model_credentialRemoval from "../model/credentialRemoval.js";
import type * as model_deletions from "../model/deletions.js";
import type * as model_events from "../model/events.js";
import type * as model_groups from "../model/groups.js";
import type * as model_guests from "../model/guests.js";
import type * as model_hashes from "../model/hashes.js";
import type * as model_hooks from "../model/hooks.js";
import type * as model_linking from "../model/linking.js";
import type * as model_mailbox from "../model/mailbox.js";
import type * as model_migration from "../model/migration.js";
import type * as model_oneOf from "../model/oneOf.js";
import type * as model_passkeys from "../model/passkeys.js";
import type * as model_profile from "../model/profile.js";
import type * as model_rateLimit from "../model/rateLimit.js";
import type * as model_refusals from "../model/refusals.js";
import type * as model_secondFactors from "../model/secondFactors.js";
import type * as model_sessions from "../model/sessions.js";
import type * as model_totp from "../model/totp.js";
import type * as model_userData from "../model/userData.js";
import type * as model_userDetail from "../model/userDetail.js";
import type * as model_userList from "../model/userList.js";
import type * as model_validators from "../model/validators.js";
import type * as model_verifiers from "../model/verifiers.js";
import type * as model_waysIn from "../model/waysIn.js";
import type * as passkeyCeremonies from "../passkeyCeremonies.js";
import type * as recoveryCodes from "../recoveryCodes.js";
import type * as redirects from "../redirects.js";
import type * as sessions from "../sessions.js";
import type * as sweep from "../sweep.js";
import type * as totp from "../totp.js";
import type * as users from "../users.js";
import type * as verifiers from "../verifiers.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";

const fullApi: ApiFromModules<{
  accounts: typeof accounts;
  apiKeys: typeof apiKeys;
  codes: typeof codes;
  credentials: typeof credentials;
  crons: typeof crons;
  events: typeof events;
  groups: typeof groups;
  invites: typeof invites;
  limits: typeof limits;
  members: typeof members;
  migration: typeof migration;
  "model/accounts": typeof model_accounts;
  "model/apiKeys": typeof model_apiKeys;
  "model/bans": typeof model_bans;
  "model/codes": typeof model_codes;
  "model/credentialRemoval": typeof model_credentialRemoval;
  "model/deletions": typeof model_deletions;
  "model/events": typeof model_events;
  "model/groups": typeof model_groups;
  "model/guests": typeof model_guests;
  "model/hashes": typeof model_hashes;
  "model/hooks": typeof model_hooks;
  "model/linking": typeof model_linking;
  "model/mailbox": typeof model_mailbox;
  "model/migration": typeof model_migration;
  "model/oneOf": typeof model_oneOf;
  "model/passkeys": typeof model_passkeys;
  "model/profile": typeof model_profile;
  "model/rateLimit": typeof model_rateLimit;
  "model/refusals": typeof model_refusals;
  "model/secondFactors": typeof model_secondFactors;
  "model/sessions": typeof model_sessions;
  "model/totp": typeof model_totp;
  "model/userData": typeof model_userData;
  "model/userDetail": typeof model_userDetail;
  "model/userList": typeof model_userList;
  "model/validators": typeof model_validators;
  "model/verifiers": typeof model_verifiers;
  "model/waysIn": typeof model_waysIn;
  passkeyCeremonies: typeof passkeyCeremonies;
  recoveryCodes: typeof recoveryCodes;
  redirects: typeof redirects;
  sessions: typeof sessions;
  sweep: typeof sweep;
  totp: typeof totp;
  users: typeof users;
  verifiers: typeof verifiers;
}> = anyApi as any;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
> = anyApi as any;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
> = anyApi as any;

export const components = componentsGeneric() as unknown as {};
