/// <reference types="vite/client" />
/**
 * Test support for apps that use this component under
 * [convex-test](https://docs.convex.dev/testing/convex-test).
 *
 * @example
 * ```ts
 * import { convexTest } from "convex-test";
 * import { register } from "convex-auth-kit/test";
 * import schema from "./schema";
 *
 * const modules = import.meta.glob("./**\/*.ts");
 * test("signs up", async () => {
 *   const t = convexTest(schema, modules);
 *   register(t); // mounts the component as "auth"
 *   // ... call your functions that use components.auth
 * });
 * ```
 */
import type { GenericSchema, SchemaDefinition } from "convex/server";
import schema from "./component/schema.js";

/** The component's function modules: `.ts` in source, `.js` once built. */
const modules = import.meta.glob([
  "./component/**/*.ts",
  "./component/**/*.js",
  "!./component/**/*.*.ts",
  "!./component/**/*.*.js",
]);

/** What `register` needs of a convex-test instance (`convexTest()` returns one). */
export type ComponentRegistrar = {
  registerComponent: (
    name: string,
    schema: SchemaDefinition<GenericSchema, boolean>,
    modules: Record<string, () => Promise<unknown>>,
  ) => void;
};

/**
 * Registers the auth component with a convex-test instance.
 *
 * @param t - the object `convexTest(...)` returned.
 * @param name - the name the app mounted the component under (`app.use(auth, { name })`); default `"auth"`.
 */
export function register(t: ComponentRegistrar, name: string = "auth"): void {
  t.registerComponent(name, schema, modules);
}

export { schema, modules };
export default { register, schema, modules };
