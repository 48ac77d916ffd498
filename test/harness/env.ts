/**
 * vitest setup: the environment a deployment has (site and cloud URLs, a
 * fresh deployment secret and TOTP key per test file), through the package's
 * own `useTestEnvironment`. Tokens are signed the default way, by the
 * deployment (convex-test's `ctx.auth.signJwt`); `TEST_OWN_ISSUER=1` runs the
 * suite with the app's own RS256 key instead (`JWT_PRIVATE_KEY` set).
 * `useOwnIssuer()` does that for one file or describe block.
 */
import { afterAll, beforeAll } from "vitest";
import { useTestEnvironment } from "../../src/test.js";
import { generateKeys } from "../../src/cli/keys.js";

/** The `CONVEX_SITE_URL` of the test deployment (the issuer of tokens signed with the app's own key). */
export const TEST_SITE_URL = "https://test-deployment.convex.site";
/** The `CONVEX_CLOUD_URL` of the test deployment. */
export const TEST_CLOUD_URL = "https://test-deployment.convex.cloud";
/** The issuer of tokens the deployment signs for the component (mounted as `auth`). */
export const TEST_COMPONENT_ISSUER = `${TEST_CLOUD_URL}/components/auth`;
/** True when this run signs with the app's own key throughout (`TEST_OWN_ISSUER=1`). */
export const OWN_ISSUER_RUN = process.env.TEST_OWN_ISSUER === "1";

await useTestEnvironment({ siteUrl: TEST_SITE_URL, cloudUrl: TEST_CLOUD_URL, ownIssuer: OWN_ISSUER_RUN });
process.env.EXAMPLE_DEV_TOOLS = "1"; // the example's dev helpers (example/convex/devTools.ts)
// The example's lifecycle callbacks stay off, so tests and benchmarks see the package alone;
// test/server/exampleCallbacks.test.ts and the browser tests (the dev backend sets 1) run them.
process.env.EXAMPLE_CALLBACKS = "0";

/** The issuer of the access tokens of this run. */
export const testIssuer = () => (process.env.JWT_PRIVATE_KEY ? TEST_SITE_URL : TEST_COMPONENT_ISSUER);

/**
 * Signs with the app's own key (a fresh RS256 `JWT_PRIVATE_KEY` / `JWKS`) in
 * this file or describe block, as a deployment with those set does.
 */
export function useOwnIssuer(): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    const keys = await generateKeys();
    for (const name of ["JWT_PRIVATE_KEY", "JWKS"] as const) {
      saved[name] = process.env[name];
      process.env[name] = keys[name];
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

/** Signs with the deployment's key in this file or describe block, even in a `TEST_OWN_ISSUER=1` run. */
export function useDeploymentIssuer(): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const name of ["JWT_PRIVATE_KEY", "JWKS"] as const) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  });
}
