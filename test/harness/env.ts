/**
 * vitest setup: the environment a deployment has (a fresh key pair per test
 * file and a site URL), through the package's own `useTestEnvironment`.
 */
import { useTestEnvironment } from "../../src/test.js";

/** The `CONVEX_SITE_URL` of the test deployment (the tokens' issuer). */
export const TEST_SITE_URL = "https://test-deployment.convex.site";

await useTestEnvironment(TEST_SITE_URL);
process.env.EXAMPLE_DEV_TOOLS = "1"; // the example's dev helpers (example/convex/devTools.ts)
