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
import type * as admin from "../admin.js";
import type * as apiKeyRoutes from "../apiKeyRoutes.js";
import type * as apiKeys from "../apiKeys.js";
import type * as auth from "../auth.js";
import type * as chaosProbe from "../chaosProbe.js";
import type * as devTools from "../devTools.js";
import type * as groups from "../groups.js";
import type * as http from "../http.js";
import type * as notes from "../notes.js";
import type * as notices from "../notices.js";
import type * as outbox from "../outbox.js";
import type * as passkeys from "../passkeys.js";
import type * as profiles from "../profiles.js";
import type * as sessions from "../sessions.js";
import type * as totp from "../totp.js";
import type * as users from "../users.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";

declare const fullApi: ApiFromModules<{
  accounts: typeof accounts;
  admin: typeof admin;
  apiKeyRoutes: typeof apiKeyRoutes;
  apiKeys: typeof apiKeys;
  auth: typeof auth;
  chaosProbe: typeof chaosProbe;
  devTools: typeof devTools;
  groups: typeof groups;
  http: typeof http;
  notes: typeof notes;
  notices: typeof notices;
  outbox: typeof outbox;
  passkeys: typeof passkeys;
  profiles: typeof profiles;
  sessions: typeof sessions;
  totp: typeof totp;
  users: typeof users;
}>;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;

export declare const components: {
  auth: import("convex-auth-kit/_generated/component.js").ComponentApi<"auth">;
};
