/**
 * Type-level test of the generated component API, compiled by
 * `tsc --noEmit -p tsconfig.json` (part of `npm test`); never executed.
 *
 * It calls the auth component through the example app's generated
 * `components.auth` (example/convex/_generated/api.d.ts, written by
 * `npm run codegen`). Right calls must compile; wrong calls sit under
 * `// @ts-expect-error`, so if the generated types stop rejecting them, tsc
 * reports the unused directive and the test fails. Return and argument types
 * are pinned to what the functions' validators say (ids cross the component
 * boundary as plain strings).
 */
import {
  mutationGeneric,
  queryGeneric,
  type FunctionArgs,
  type FunctionReturnType,
  type GenericDataModel,
  type GenericMutationCtx,
  type GenericQueryCtx,
} from "convex/server";
import { v } from "convex/values";
import { components } from "../../example/convex/_generated/api.js";
import type { ComponentApi } from "../../src/component/_generated/component.js";

/** `true` only when A and B are the same type (modifiers included). */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when `T` is `true`. */
function assertType<T extends true>(): T | undefined {
  return undefined;
}

/** `userDoc` in src/component/users.ts, as seen from outside the component. */
type ExpectedUser = {
  _id: string;
  _creationTime: number;
  name?: string;
  email?: string;
  username?: string;
  emailVerificationTime?: number;
  phone?: string;
  phoneVerificationTime?: number;
  image?: string;
  isAnonymous?: boolean;
  extend?: any;
  ban?: { reason: string; time: number; expirationTime?: number };
  nameKey?: string;
  hasSecondFactor?: boolean;
  legacyId?: string;
};

const users = components.auth.users;

// Guard: if `convex-auth-kit/_generated/component.js` stops resolving (it
// needs the "@convex-dev/component-source" condition), `components.auth`
// silently becomes `any` inside the skipLibCheck'd api.d.ts (and an
// unresolved type even passes `Equal`). `any` would be assignable here.
// @ts-expect-error components.auth is a real type, not `any`
export const notAny: number = components.auth;

// The app's `components.auth` is the component's own ComponentApi, named "auth".
assertType<Equal<typeof components.auth, ComponentApi<"auth">>>();

/** What every event-writing function takes as `audit`: the retention, and the app's callbacks (`Auth({ callbacks })`). */
type ExpectedAudit = {
  retentionMs: number;
  hooks?: {
    handle: string;
    callbacks: Array<"afterUserCreated" | "afterSignIn" | "beforeSessionCreated" | "afterUserDeleted" | "onSecurityNotice" | "onEvent">;
  };
};

/** An intersection as one object type, for `Equal`. */
type Flat<T> = { [K in keyof T]: T[K] };

// Arguments and return types follow the validators.
assertType<Equal<FunctionArgs<typeof users.get>, { userId?: string; email?: string; username?: string; legacyId?: string }>>();
assertType<Equal<FunctionReturnType<typeof users.get>, ExpectedUser | null>>();
assertType<
  Equal<
    FunctionArgs<typeof users.create>,
    Flat<
      Omit<ExpectedUser, "_id" | "_creationTime" | "ban" | "nameKey" | "hasSecondFactor" | "legacyId"> & {
        account?: { provider: string; providerAccountId: string; secret?: string; emailVerified?: boolean };
        caller?: { userId: string; sessionId: string };
        actorUserId?: string;
        audit?: ExpectedAudit;
      }
    >
  >
>();
assertType<Equal<FunctionReturnType<typeof users.create>, string>>();
assertType<Equal<FunctionReturnType<typeof users.update>, null>>();
assertType<Equal<FunctionReturnType<typeof users.delete>, boolean>>();
assertType<
  Equal<
    FunctionArgs<typeof users.delete>,
    { userId: string; onlyUnusedSignUp?: boolean; actorUserId?: string; audit?: ExpectedAudit }
  >
>();

// Function kinds and visibility: component functions are internal references.
assertType<Equal<(typeof users.get)["_type"], "query">>();
assertType<Equal<(typeof users.create)["_type"], "mutation">>();
assertType<Equal<(typeof users.get)["_visibility"], "internal">>();
assertType<Equal<(typeof users.get)["_componentPath"], "auth">>();

export async function reads(ctx: GenericQueryCtx<GenericDataModel>) {
  const byId = await ctx.runQuery(users.get, { userId: "k57..." });
  assertType<Equal<typeof byId, ExpectedUser | null>>();
  const byEmail = await ctx.runQuery(users.get, { email: "ada@example.com" });
  assertType<Equal<typeof byEmail, ExpectedUser | null>>();

  // @ts-expect-error missing the arguments object altogether
  await ctx.runQuery(users.get);
  // @ts-expect-error `userId` must be a string
  await ctx.runQuery(users.get, { userId: 123 });
  // @ts-expect-error unknown argument
  await ctx.runQuery(users.get, { email: "a@b.c", bogus: true });
  // @ts-expect-error unknown function
  await ctx.runQuery(users.getByPhone, { phone: "+1" });
  // @ts-expect-error a mutation cannot be run as a query
  await ctx.runQuery(users.create, {});
}

export async function writes(ctx: GenericMutationCtx<GenericDataModel>) {
  const userId = await ctx.runMutation(users.create, { name: "Ada", email: "ada@example.com" });
  assertType<Equal<typeof userId, string>>();
  const patched = await ctx.runMutation(users.update, { userId, patch: { name: null, isAnonymous: false } });
  assertType<Equal<typeof patched, null>>();
  await ctx.runMutation(users.delete, { userId });
  // Queries may be run from a mutation.
  await ctx.runQuery(users.get, { userId });

  // @ts-expect-error `name` must be a string, not a number
  await ctx.runMutation(users.create, { name: 42 });
  // @ts-expect-error `patch` is required
  await ctx.runMutation(users.update, { userId });
  // @ts-expect-error `isAnonymous` cannot be unset with null
  await ctx.runMutation(users.update, { userId, patch: { isAnonymous: null } });
  // @ts-expect-error a query cannot be run as a mutation
  await ctx.runMutation(users.get, { userId });
  // @ts-expect-error unknown component
  await ctx.runMutation(components.billing.users.create, {});
}

// The same calls typecheck inside registered app functions.
export const lookUp = queryGeneric({
  args: { email: v.string() },
  handler: async (ctx, { email }) => {
    const user = await ctx.runQuery(components.auth.users.get, { email });
    return user?.name ?? null;
  },
});

export const remove = mutationGeneric({
  args: { userId: v.string() },
  handler: async (ctx, { userId }) => {
    // @ts-expect-error `userId` is required
    await ctx.runMutation(components.auth.users.delete, {});
    return await ctx.runMutation(components.auth.users.delete, { userId });
  },
});
