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
import { generateKeys } from "./cli/keys.js";
import { authError } from "./shared/errors.js";
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

/** Options of {@link useTestEnvironment}. */
export type TestEnvironmentOptions = {
  /** `CONVEX_SITE_URL`. Default `https://test-deployment.convex.site`. */
  siteUrl?: string;
  /** `CONVEX_CLOUD_URL`, the origin of the deployment's token issuer. Default `https://test-deployment.convex.cloud`. */
  cloudUrl?: string;
  /**
   * Sign tokens with the app's own key, as a deployment with
   * `JWT_PRIVATE_KEY` does: a fresh RS256 pair (`JWT_PRIVATE_KEY`, `JWKS`).
   * Default: the deployment's key (convex-test's `ctx.auth.signJwt`).
   */
  ownIssuer?: boolean;
};

/**
 * Gives the test process what a deployment's environment has:
 * `CONVEX_SITE_URL`, `CONVEX_CLOUD_URL` (tokens are signed by the
 * deployment, here convex-test, under it), a random `AUTH_CODE_SECRET`, and
 * a `TOTP_ENCRYPTION_KEY`, so `signIn` can mint tokens and TOTP can enroll
 * under convex-test. With `ownIssuer`, also a fresh RS256 key pair
 * (`JWT_PRIVATE_KEY`, `JWKS`); without, those two are removed. Call it once,
 * e.g. in a vitest setup file.
 *
 * @example
 * ```ts
 * // vitest.setup.ts
 * import { useTestEnvironment } from "convex-auth-kit/test";
 * await useTestEnvironment();
 * ```
 */
export async function useTestEnvironment(options: TestEnvironmentOptions | string = {}): Promise<void> {
  const { siteUrl = "https://test-deployment.convex.site", cloudUrl = "https://test-deployment.convex.cloud", ownIssuer = false } =
    typeof options === "string" ? { siteUrl: options } : options;
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  if (env === undefined) throw authError("CONFIGURATION", "useTestEnvironment needs process.env (run it under vitest)");
  if (ownIssuer) {
    const keys = await generateKeys();
    env.JWT_PRIVATE_KEY = keys.JWT_PRIVATE_KEY;
    env.JWKS = keys.JWKS;
  } else {
    delete env.JWT_PRIVATE_KEY;
    delete env.JWKS;
  }
  env.CONVEX_SITE_URL = siteUrl;
  env.CONVEX_CLOUD_URL = cloudUrl;
  // The deployment secret one-time codes and sign-in steps are keyed with, and
  // the key TOTP secrets are encrypted with at rest (32 random bytes, base64 each).
  env.AUTH_CODE_SECRET = randomBase64(32);
  env.TOTP_ENCRYPTION_KEY = randomBase64(32);
}

function randomBase64(bytes: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

export { schema, modules };
export default { register, schema, modules, useTestEnvironment };
