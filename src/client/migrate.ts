/**
 * Keeping a browser signed in across the move from @convex-dev/auth
 * (`migrateFrom: "convex-dev-auth"`): its React client kept a refresh
 * token in storage under `__convexAuthRefreshToken_<namespace>` (the
 * namespace with everything but letters and digits taken out). On load,
 * under the refresh lock (so of two tabs loading at once one exchanges),
 * the token is exchanged once for a session of ours (the server's
 * `exchange` mutation, migrateFromConvexAuth), our tokens are kept,
 * and the library's keys are removed. Loaded only when such a token is there.
 *
 * A refusal (a token that no longer works, a banned user) removes the keys
 * too: the person signs in again. A network failure keeps them for the
 * next load.
 */
import { ConvexError } from "convex/values";
import type { Core } from "./authClient.js";

/** What @convex-dev/auth's React client stored, besides the refresh token. */
const OTHER_KEYS = ["__convexAuthJWT", "__convexAuthOAuthVerifier", "__convexAuthServerStateFetchTime"];

/** Exchanges @convex-dev/auth's refresh token stored under `refreshKey`, if still there, and removes its keys. */
export async function migrateFromConvexAuth(core: Core, refreshKey: string): Promise<void> {
  const { storage, options } = core;
  const suffix = refreshKey.slice("__convexAuthRefreshToken".length);
  await core.lock(`${core.key}:refresh`, async () => {
    const legacy = await storage.getItem(refreshKey);
    // Another tab did it while we waited for the lock.
    if (!legacy) return;
    // Signed in here already (another tab, or since): the old session is not needed.
    if (!(await storage.getItem(`${core.key}:tokens`)) && options.transport.exchangeLegacy) {
      try {
        const result = await options.transport.exchangeLegacy(legacy);
        if ("tokens" in result && result.tokens) await core.save(result.tokens);
        else if ("secondFactor" in result) {
          await core.setStep(JSON.stringify({ kind: "secondFactor", methods: result.secondFactor.methods, verifier: result.verifier }));
        }
      } catch (error) {
        // Offline, or the server's function missing: try again on the next load.
        if (!(error instanceof ConvexError)) return;
      }
    }
    for (const key of [refreshKey, ...OTHER_KEYS.map((name) => name + suffix)]) await storage.removeItem(key);
  });
}
