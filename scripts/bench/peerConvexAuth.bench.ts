/**
 * Cost of the peer library `@convex-dev/auth@0.0.95` on the same convex-test,
 * in the same process, on the same work as our own bench files (see shared
 * docs/architecture.md, "Benchmarks"). The app under peers/convexDevAuth/ sets the peer up as its docs
 * say: `authTables`, `convexAuth({ providers: [Password] })`, and an app query
 * that returns `getAuthUserId(ctx)`. Each operation is driven the way the
 * peer's React client drives it, and every count comes from the Meter:
 *
 * - `password.signUp`: `auth:signIn` action with `{ provider: "password",
 *   params: { email, password, flow: "signUp" } }` for a fresh email, as far as
 *   the tokens it returns. Includes the action, its `auth:store`
 *   createAccountFromCredentials mutation (scrypt hash of the password, user
 *   and account inserted) and its `auth:store` signIn mutation (session and
 *   refresh token inserted, JWT signed).
 * - `password.signIn`: the same action with `flow: "signIn"` for a user signed
 *   up beforehand (unmeasured). Includes the action, the
 *   retrieveAccountWithCredentials mutation (account looked up, rate-limit
 *   row checked, scrypt verify, user read) and the signIn mutation.
 * - `session.refresh`: `auth:signIn` with `{ refreshToken }` (first use of the
 *   refresh token a fresh sign-up returned). Includes the action and its
 *   refreshSession mutation (token and session read, token marked used, new
 *   refresh token inserted, JWT signed).
 * - `session.userId`: the app query `users:viewer` (`getAuthUserId(ctx)`)
 *   called with the identity Convex would derive from the peer's JWT
 *   (`subject` = `<userId>|<sessionId>`, `issuer` = CONVEX_SITE_URL). Verifying
 *   the JWT happens outside functions in production, so it is not included.
 * - `session.signOut`: `auth:signOut` action with that identity, for a session
 *   that was never refreshed (it holds one refresh token). Includes the action
 *   and its signOut mutation (session read and deleted, all its refresh tokens
 *   read and deleted).
 * - `session.signOut.after10refreshes`: the same after 10 refreshes (11 refresh
 *   tokens in the session): the peer's sign-out grows with refresh count. In
 *   convex-test's metrics a delete reads the document and writes it, so with n
 *   refresh tokens sign-out reads 2 + 2n documents (session get + delete, n
 *   from the index range, n deletes) and writes 1 + n, in 2 database queries:
 *   4/2 at n = 1, 24/12 at n = 11.
 * - `password.signUp.longestMutationMs` / `password.signIn.longestMutationMs`:
 *   per run, the wall time of the longest top-level mutation handler in the
 *   operation (the one that hashes or verifies the password); median and p95
 *   over runs. Handler time only, measured inside convex-test's call.
 *
 * Runtime: functions run under productionRuntime (no RNG-backed Web Crypto in
 * queries/mutations, nesting depth 8). The peer passes under it: its password
 * hash (lucia's pure-JS scrypt; salt from `crypto.getRandomValues`, which
 * production allows) and its RS256 JWT signing (RSASSA-PKCS1-v1_5, which needs
 * no RNG) both run inside `auth:store` mutations, and nothing it does is refused.
 *
 * Environment: the peer reads JWT_PRIVATE_KEY (PKCS#8 PEM, RS256),
 * CONVEX_SITE_URL (JWT issuer) and, for its HTTP routes only, JWKS. They are
 * generated here with jose and set on process.env for this file, then restored.
 * AUTH_LOG_LEVEL is left at the peer's default (INFO), so it still formats and
 * calls `console.info` on every `auth:store` call; only the printing is muted
 * (vitest would otherwise print hundreds of lines into the bench table).
 */
import { convexTest } from "convex-test";
import { anyApi } from "convex/server";
import { exportJWK, exportPKCS8, generateKeyPair, jwtVerify, type CryptoKey } from "jose";
import { test, vi } from "vitest";
import { composeArounds, instrumentModules, type Around } from "../../test/harness/instrument.js";
import { productionRuntime } from "../../test/harness/productionRuntime.js";
import { Meter, MutationTimer, type OpFigures } from "./meter.js";
import schema from "./peers/convexDevAuth/schema.js";
import { RUNS, saveResult } from "./results.js";

const PEER = "@convex-dev/auth@0.0.95";
const SITE_URL = "https://bench-peer.convex.site";
const PASSWORD = "correct horse battery staple";

/** The peer app's function modules (not auth.config.ts, which is configuration). */
const peerModules = import.meta.glob([
  "./peers/convexDevAuth/**/*.ts",
  "!./peers/convexDevAuth/**/*.*.ts",
]);

const api = anyApi;

type Tokens = { token: string; refreshToken: string };
type Identity = { subject: string; issuer: string; tokenIdentifier: string };

/** An RS256 key pair and the environment the peer's docs have you set from it. */
async function peerEnvironment(): Promise<{ env: Record<string, string>; publicKey: CryptoKey }> {
  const keys = await generateKeyPair("RS256", { extractable: true });
  const privateKey = await exportPKCS8(keys.privateKey);
  const publicJwk = await exportJWK(keys.publicKey);
  return {
    publicKey: keys.publicKey,
    env: {
      // The docs' generator writes the PEM on one line, newlines as spaces.
      JWT_PRIVATE_KEY: privateKey.trimEnd().replace(/\n/g, " "),
      JWKS: JSON.stringify({ keys: [{ use: "sig", ...publicJwk }] }),
      CONVEX_SITE_URL: SITE_URL,
    },
  };
}

/** Sets `values` on process.env until the returned function restores it. */
function setEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

test("peer @convex-dev/auth", { timeout: 1_800_000 }, async () => {
  const { env, publicKey } = await peerEnvironment();
  const restoreEnv = setEnv(env);
  const muted = vi.spyOn(console, "info").mockImplementation(() => {});
  try {
    const meter = new Meter();
    const timer = new MutationTimer();
    const t = convexTest({
      schema,
      modules: instrumentModules(
        peerModules,
        composeArounds(productionRuntime, meter.around, timer.around),
      ),
      transactionLimits: true,
    });

    let made = 0;
    const freshEmail = () => `peer${++made}@example.com`;
    const signUp = async (email: string) => {
      const result = (await t.action(api.auth.signIn, {
        provider: "password",
        params: { email, password: PASSWORD, flow: "signUp" },
      })) as { tokens: Tokens | null };
      if (result.tokens == null) throw new Error("peer sign-up returned no tokens");
      return result.tokens;
    };
    const refresh = async (refreshToken: string) => {
      const result = (await t.action(api.auth.signIn, { refreshToken })) as {
        tokens: Tokens | null;
      };
      if (result.tokens == null) throw new Error("peer refresh returned no tokens");
      return result.tokens;
    };
    /** The identity Convex derives from a verified peer JWT. */
    const identityOf = async (token: string): Promise<Identity> => {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: SITE_URL,
        audience: "convex",
      });
      const subject = payload.sub!;
      return { subject, issuer: SITE_URL, tokenIdentifier: `${SITE_URL}|${subject}` };
    };
    const signedIn = async (refreshes: number) => {
      let tokens = await signUp(freshEmail());
      for (let i = 0; i < refreshes; i++) tokens = await refresh(tokens.refreshToken);
      return await identityOf(tokens.token);
    };

    const peer: Record<string, Partial<OpFigures>> = {};

    peer["password.signUp"] = await meter.measure(
      RUNS,
      async () => freshEmail(),
      timer.wrap(signUp),
    );
    peer["password.signUp.longestMutationMs"] = timer.take();

    peer["password.signIn"] = await meter.measure(
      RUNS,
      async () => {
        const email = freshEmail();
        await signUp(email);
        return email;
      },
      timer.wrap(async (email) => {
        const result = (await t.action(api.auth.signIn, {
          provider: "password",
          params: { email, password: PASSWORD, flow: "signIn" },
        })) as { tokens: Tokens | null };
        if (result.tokens == null) throw new Error("peer sign-in returned no tokens");
      }),
    );
    peer["password.signIn.longestMutationMs"] = timer.take();

    peer["session.refresh"] = await meter.measure(
      RUNS,
      async () => (await signUp(freshEmail())).refreshToken,
      refresh,
    );

    peer["session.userId"] = await meter.measure(
      RUNS,
      async () => await signedIn(0),
      async (identity) => {
        const userId = await t.withIdentity(identity).query(api.users.viewer, {});
        if (userId !== identity.subject.split("|")[0]) throw new Error("peer viewer: wrong user");
      },
    );

    peer["session.signOut"] = await meter.measure(
      RUNS,
      async () => await signedIn(0),
      (identity) => t.withIdentity(identity).action(api.auth.signOut, {}),
    );
    peer["session.signOut.after10refreshes"] = await meter.measure(
      RUNS,
      async () => await signedIn(10),
      (identity) => t.withIdentity(identity).action(api.auth.signOut, {}),
    );

    saveResult("peerConvexAuth", { ops: {}, peers: { [PEER]: peer } });
  } finally {
    muted.mockRestore();
    restoreEnv();
  }
});
