/**
 * vitest setup: the environment a deployment has. A fresh RS256 key pair per
 * test file (made with the package's own `keys` command code) and a site URL,
 * so sign-in can mint tokens and the JWKS route can serve them.
 */
import { generateKeys } from "../../src/cli/keys.js";

/** The `CONVEX_SITE_URL` of the test deployment (the tokens' issuer). */
export const TEST_SITE_URL = "https://test-deployment.convex.site";

const keys = await generateKeys();
process.env.JWT_PRIVATE_KEY = keys.JWT_PRIVATE_KEY;
process.env.JWKS = keys.JWKS;
process.env.CONVEX_SITE_URL = TEST_SITE_URL;
