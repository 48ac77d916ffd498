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
  };
