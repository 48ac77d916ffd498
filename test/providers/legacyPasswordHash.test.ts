/**
 * The one password check (`verifyPassword`, src/providers/password/hash.ts)
 * also takes @convex-dev/auth's default hashes (Lucia's scrypt), made here
 * by Lucia itself: right and wrong passwords, NFKC as Lucia does it,
 * anything that is not exactly that format refused, and `needsRehash` so
 * that a sign-in replaces it with argon2id. Runs in edge-runtime, as the
 * Password provider does in Convex's default runtime.
 */
import { LegacyScrypt, Scrypt } from "lucia";
import { beforeAll, describe, expect, test } from "vitest";
import { needsRehash, verifyPassword } from "../../src/providers/password/hash.js";
import { parseLegacyScrypt } from "../../src/providers/password/legacyScrypt.js";

const PASSWORD = "correct horse battery staple";
let stored: string;

beforeAll(async () => {
  stored = await new Scrypt().hash(PASSWORD);
});

describe("@convex-dev/auth's default hashes", () => {
  test("the password verifies, another does not", async () => {
    expect(stored).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("Correct horse battery staple", stored)).toBe(false);
  });

  test("passwords compare in their NFKC form, as Lucia hashed them", async () => {
    const typed = await new Scrypt().hash("ｐａｓｓｗｏｒｄ ﬁne");
    expect(await verifyPassword("password fine", typed)).toBe(true);
  });

  test("a sign-in replaces them: needsRehash is true", () => {
    expect(needsRehash(stored)).toBe(true);
  });

  test("anything but exactly that format is refused, without throwing", async () => {
    const [salt, key] = stored.split(":") as [string, string];
    const variants = [
      `${salt.toUpperCase()}:${key}`,
      `${salt}:${key.toUpperCase()}`,
      `${salt}:${key.slice(0, -2)}`,
      `${salt.slice(0, -1)}:${key}`,
      `s2:${salt}:${key}`,
      `${salt}:${key}:`,
      ` ${salt}:${key}`,
      `${salt}${key}`,
      "",
      await new LegacyScrypt().hash(PASSWORD),
    ];
    for (const variant of variants) {
      expect(parseLegacyScrypt(variant), variant).toBeNull();
      expect(await verifyPassword(PASSWORD, variant), variant).toBe(false);
    }
  });

  test("a flipped bit of the key is a wrong password", async () => {
    const [salt, key] = stored.split(":") as [string, string];
    const flipped = `${salt}:${(parseInt(key[0]!, 16) ^ 1).toString(16)}${key.slice(1)}`;
    expect(await verifyPassword(PASSWORD, flipped)).toBe(false);
  });

  test("several at once are worked through one at a time, each right", async () => {
    const results = await Promise.all([PASSWORD, "wrong one", PASSWORD].map((p) => verifyPassword(p, stored)));
    expect(results).toEqual([true, false, true]);
  });
});
