/**
 * Recovery codes at rest (OWASP ASVS 4.0.3 2.6.2): stored as HMAC-SHA256
 * under a key derived from the deployment secret, never as the bare
 * SHA-256 of the code; sets stored before in the bare form still work until
 * used or replaced; and setting `AUTH_CODE_SECRET` later keeps codes keyed
 * under `JWT_PRIVATE_KEY` working while new ones take the new key.
 */
import { createHash, createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { normalizeRecoveryCode } from "../../src/providers/totp/recovery.js";
import { advance, useClock } from "../harness/clock.js";
import { expectAuthError } from "../harness/errors.js";
import { as, claimsOf, makeAuthTest, password, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { enrollTotp } from "../harness/totp.js";
import { useOwnIssuer } from "../harness/env.js";

const EMAIL = "ada@example.com";
const PW = "correct horse battery";

let savedSecret: string | undefined;
beforeEach(() => {
  savedSecret = process.env.AUTH_CODE_SECRET;
});
afterEach(() => {
  if (savedSecret === undefined) delete process.env.AUTH_CODE_SECRET;
  else process.env.AUTH_CODE_SECRET = savedSecret;
});

/** What a recovery code of `userId` is bound to before hashing. */
const message = (code: string, userId: string) => `recovery:${userId}:${normalizeRecoveryCode(code)}`;
/** The bare SHA-256 form (how codes were stored before), base64url. */
const bareHash = (code: string, userId: string) => createHash("sha256").update(message(code, userId)).digest("base64url");
/** The keyed form, computed independently: HMAC-SHA256 under HMAC(secret, "convex-auth-kit recovery code key v1"). */
function keyedHash(code: string, userId: string, secret: string): string {
  const key = createHmac("sha256", secret.trim()).update("convex-auth-kit recovery code key v1").digest();
  return createHmac("sha256", key).update(message(code, userId)).digest("base64url");
}

async function enrolled(t: AuthTest) {
  const first = tokensOf(await password.signUp(t, EMAIL, PW));
  const { tokens } = await enrollTotp(t, first.token);
  advance(30_000);
  return { tokens, userId: claimsOf(tokens.token).userId! };
}
const regenerate = async (t: AuthTest, token: string) =>
  (await as(t, token).mutation(api.totp.regenerateRecoveryCodes, {})) as string[];
const storedHashes = async (t: AuthTest) => (await t.query(probe.rows, { table: "recoveryCodes" })).map((row) => String(row.codeHash));
const withRecoveryCode = async (t: AuthTest, recoveryCode: string) => {
  const step = (await password.signIn(t, EMAIL, PW)) as { verifier: string };
  return await t.action(api.auth.signIn, { provider: "totp", params: { recoveryCode }, verifier: step.verifier });
};

describe("recovery codes at rest", () => {
  test("are stored as a keyed hash of the deployment secret, not sha256 of the code", async () => {
    useClock();
    const t = makeAuthTest();
    const { tokens, userId } = await enrolled(t);
    const codes = await regenerate(t, tokens.token);
    const stored = await storedHashes(t);
    expect(stored).toHaveLength(codes.length);
    for (const code of codes) {
      expect(stored).not.toContain(bareHash(code, userId));
      expect(stored).not.toContain(createHash("sha256").update(code).digest("base64url"));
      expect(stored).toContain(keyedHash(code, userId, process.env.AUTH_CODE_SECRET ?? process.env.JWT_PRIVATE_KEY!));
    }
    const rows = JSON.stringify(await t.query(probe.rows, { table: "recoveryCodes" }));
    for (const code of codes) expect(rows).not.toContain(normalizeRecoveryCode(code));
    tokensOf(await withRecoveryCode(t, codes[3]!.toUpperCase()));
  });

  test("a set stored in the earlier bare SHA-256 form still works, once per code", async () => {
    useClock();
    const t = makeAuthTest();
    const { userId } = await enrolled(t);
    const legacy = ["k7mq-2x9d-p4tn-h3wb", "a1b2-c3d4-e5f6-g7h8"];
    await t.mutation(components.auth.recoveryCodes.replace, { userId, codeHashes: legacy.map((code) => bareHash(code, userId)) });
    tokensOf(await withRecoveryCode(t, legacy[0]!));
    await expectAuthError(withRecoveryCode(t, legacy[0]!), "INVALID_CODE");
    tokensOf(await withRecoveryCode(t, "A1B2 C3D4 E5F6 G7H8"));
  });

});

describe("an app signing with its own key, without AUTH_CODE_SECRET at first", () => {
  useOwnIssuer();
  test("setting AUTH_CODE_SECRET later keeps earlier codes working; new ones take its key", async () => {
    delete process.env.AUTH_CODE_SECRET;
    useClock();
    const t = makeAuthTest();
    const { tokens, userId } = await enrolled(t);
    const before = await regenerate(t, tokens.token);
    process.env.AUTH_CODE_SECRET = "a long random secret for this deployment";
    tokensOf(await withRecoveryCode(t, before[0]!));
    const fresh = tokensOf(await withRecoveryCode(t, before[1]!));
    // A new set (step-up from the recovery-code sign-in) is keyed with AUTH_CODE_SECRET.
    const after = await regenerate(t, fresh.token);
    expect(await storedHashes(t)).toContain(keyedHash(after[0]!, userId, process.env.AUTH_CODE_SECRET));
    tokensOf(await withRecoveryCode(t, after[0]!));
    // A code of the replaced set no longer works.
    await expectAuthError(withRecoveryCode(t, before[2]!), "INVALID_CODE");
  });
});
