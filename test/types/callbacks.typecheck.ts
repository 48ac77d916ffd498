/**
 * Type-level test of `Auth({ callbacks })`, compiled by `tsc --noEmit -p
 * tsconfig.json` (part of `npm test`); never executed. With
 * `Auth<DataModel>`, each callback's `ctx` is the app's mutation context
 * (its tables, not `any`) and its arguments are typed; wrong uses sit under
 * `// @ts-expect-error`, so tsc fails if the types stop rejecting them.
 */
import {
  componentsGeneric,
  defineSchema,
  defineTable,
  type DataModelFromSchemaDefinition,
  type RegisteredMutation,
} from "convex/server";
import { v } from "convex/values";
import type { ComponentApi } from "../../src/component/_generated/component.js";
import type { HookCall } from "../../src/shared/hooks.js";
import { Auth, type AuthCallbacks, type AuthEvent } from "../../src/server/index.js";

const schema = defineSchema({ profiles: defineTable({ userId: v.string(), provider: v.optional(v.string()) }) });
type DataModel = DataModelFromSchemaDefinition<typeof schema>;
const component = (componentsGeneric() as unknown as { auth: ComponentApi }).auth;

export const auth = Auth<DataModel>({
  component,
  providers: [],
  callbacks: {
    afterUserCreated: async (ctx, { userId, user, provider }) => {
      await ctx.db.insert("profiles", { userId, ...(provider !== undefined ? { provider } : {}) });
      // @ts-expect-error no such table in the app's data model
      await ctx.db.insert("nope", { userId });
      // @ts-expect-error the profile's fields are checked
      await ctx.db.insert("profiles", { userId: 1 });
      const email: string | undefined = user.email;
      void email;
    },
    afterSignIn: (_ctx, { sessionId, provider }) => {
      const ids: [string, string] = [sessionId, provider];
      void ids;
    },
    beforeSessionCreated: (_ctx, { user }) => {
      // @ts-expect-error the user document has no such field
      void user.password;
    },
    onEvent: (_ctx, event: AuthEvent) => {
      // @ts-expect-error an event type is one of the audit log's
      if (event.type === "no_such_event") return;
    },
  },
});

// A callback under a name that is none does not compile.
export const misspelt: AuthCallbacks<DataModel> = {
  // @ts-expect-error `afterSignUp` is no callback
  afterSignUp: () => {},
};

// `auth.hooks` is an internal mutation (no client can call it).
export const hooksIsInternal: RegisteredMutation<"internal", { call: HookCall }, Promise<null>> = auth.hooks;
// @ts-expect-error it is not public
export const hooksIsPublic: RegisteredMutation<"public", { call: HookCall }, Promise<null>> = auth.hooks;
