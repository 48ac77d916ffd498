/**
 * Keeping a browser signed in across the move from @convex-dev/auth
 * (`migrateFrom: "convex-dev-auth"`): its React client kept a refresh
 * token in storage under `__convexAuthRefreshToken_<namespace>` (the
 * namespace with everything but letters and digits taken out). On load,
 * under the refresh lock (so of two tabs loading at once one exchanges),
 * the token is exchanged once for a session of ours (the server's
 * `exchange` mutation, migrateFromConvexAuth), our tokens are kept,
 * and the library's keys are removed. Loaded on each load of a client with
 * `migrateFrom` (and only then), before it reads its tokens.
 *
 * A refusal (a token that no longer works, a banned user) removes the keys
 * too: the person signs in again. A network failure keeps them for the
 * next load.
 */
import { ConvexError } from "convex/values";
import type { Core } from "./authClient.js";

/** What @convex-dev/auth's React client stored, besides the refresh token. */
const OTHER_KEYS = ["__convexAuthJWT", "__convexAuthOAuthVerifier", "__convexAuthServerStateFetchTime"];

/** Exchanges @convex-dev/auth's refresh token stored for `core`'s namespace, if there is one, and removes its keys. */
export async function migrateFromConvexAuth(core: Core): Promise<void> {
  const { storage, options } = core;
  const suffix = `_${options.namespace.replace(/[^a-zA-Z0-9]/g, "")}`;
  const refreshKey = `__convexAuthRefreshToken${suffix}`;
  // Nothing to move (most loads): no lock.
  if (!(await storage.getItem(refreshKey))) return;
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
