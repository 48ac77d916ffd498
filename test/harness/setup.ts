/**
 * Builds a convex-test instance of the example app with the auth component
 * registered through `src/test.ts`'s `register`, transaction limits on, and
 * production's runtime rules enforced (see productionRuntime.ts).
 */
import { convexTest } from "convex-test";
import type { GenericSchema, SchemaDefinition } from "convex/server";
import appSchema from "../../example/convex/schema.js";
import { register } from "../../src/test.js";
import { composeArounds, instrumentModules, type Around } from "./instrument.js";
import { productionRuntime } from "./productionRuntime.js";

/** The example app's function modules (not `.d.ts`, not tests). */
export const appModules = import.meta.glob([
  "../../example/convex/**/*.ts",
  "../../example/convex/**/*.js",
  "!../../example/convex/**/*.*.ts",
  "!../../example/convex/**/*.*.js",
]);

export type TestOptions = {
  /** Extra wrappers around every function call (e.g. metrics), run inside the runtime guard. */
  around?: Around;
  /** Leave out the production runtime rules (only to prove they matter). */
  lenient?: boolean;
  /**
   * Extra modules mounted inside the component, keyed like src/test.ts's glob
   * (`./component/<name>.ts`): test-only helpers such as bulk seeding.
   */
  componentModules?: Record<string, () => Promise<unknown>>;
  /** The app's schema, if it has one. */
  schema?: SchemaDefinition<GenericSchema, boolean>;
};

/** A fresh example app with the auth component mounted as `auth`. */
export function makeTest(options: TestOptions = {}) {
  return makeTestOf(appModules, { schema: appSchema, ...options });
}

/** A fresh convex-test instance of `modules` (an app's glob) with the auth component mounted. */
export function makeTestOf(
  modules: Record<string, () => Promise<unknown>>,
  options: TestOptions = {},
) {
  const arounds: Around[] = [];
  if (!options.lenient) arounds.push(productionRuntime);
  if (options.around) arounds.push(options.around);
  const around = composeArounds(...arounds);
  const t = convexTest({
    schema: options.schema,
    modules: instrumentModules(modules, around),
    transactionLimits: true,
  });
  register({
    registerComponent: (name, schema, modules) =>
      t.registerComponent(
        name,
        schema,
        instrumentModules({ ...modules, ...options.componentModules }, around),
      ),
  });
  return t;
}

export type TestApp = ReturnType<typeof makeTestOf>;
