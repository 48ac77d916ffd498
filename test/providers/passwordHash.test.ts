/**
 * The password KDF (src/providers/password/hash.ts). Runs in the project's
 * edge-runtime environment (Web APIs, WebAssembly, no `require`): hash-wasm's
 * argon2id needs nothing more, as in Convex's default runtime.
 */
import { argon2Verify } from "hash-wasm";
import { describe, expect, test } from "vitest";
import {
  ARGON2ID_LIMITS,
  DEFAULT_ARGON2ID,
  HASH_BYTES,
  SALT_BYTES,
  formatPasswordHash,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  verifyPassword,
  type Argon2idParams,
} from "../../src/providers/password/hash.js";

/** Small parameters for tests that are about format, not cost. */
const FAST: Argon2idParams = { memoryKiB: 256, iterations: 2, parallelism: 1 };

const PHC_SHAPE =
  /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/;

/** Replaces the `index`-th `$`-separated field of a PHC string. */
function withField(phc: string, index: number, value: string): string {
  const fields = phc.split("$");
  fields[index] = value;
  return fields.join("$");
}

/** Flips one bit of the first byte of a Base64 field. */
function flipFirstByte(b64: string): string {
  const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, "=")), (c) =>
    c.charCodeAt(0),
  );
  bytes[0] ^= 0x01;
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
}

describe("runtime", () => {
  test("runs in the edge-runtime environment, with WebAssembly", () => {
    expect(typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime).toBe("string");
    expect(typeof WebAssembly.instantiate).toBe("function");
  });
});

describe("hashPassword / verifyPassword at the default (OWASP minimum) setting", () => {
  test("round trip; wrong password is false; standard PHC shape and params", async () => {
    const phc = await hashPassword("correct horse battery staple");
    const match = PHC_SHAPE.exec(phc);
    expect(match, phc).not.toBeNull();
    expect(match!.slice(1, 4).map(Number)).toEqual([19456, 2, 1]);
    expect(DEFAULT_ARGON2ID).toEqual({ memoryKiB: 19456, iterations: 2, parallelism: 1 });

    expect(await verifyPassword("correct horse battery staple", phc)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", phc)).toBe(false);
    expect(await verifyPassword("Correct horse battery staple", phc)).toBe(false);

    const parsed = parsePasswordHash(phc)!;
    expect(parsed.params).toEqual(DEFAULT_ARGON2ID);
    expect(parsed.salt).toHaveLength(SALT_BYTES);
    expect(parsed.hash).toHaveLength(HASH_BYTES);
    expect(formatPasswordHash(parsed)).toBe(phc);
  });

  test("the PHC string verifies with hash-wasm's own argon2Verify (standard format)", async () => {
    const phc = await hashPassword("correct horse battery staple");
    expect(await argon2Verify({ password: "correct horse battery staple", hash: phc })).toBe(true);
    expect(await argon2Verify({ password: "wrong password!", hash: phc })).toBe(false);
  });
});

describe("hashPassword", () => {
  test("two hashes of the same password differ (random salt) and both verify", async () => {
    const a = await hashPassword("same password", FAST);
    const b = await hashPassword("same password", FAST);
    expect(a).not.toBe(b);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  test("stores the parameters it was given", async () => {
    const phc = await hashPassword("pw", { memoryKiB: 512, iterations: 3, parallelism: 2 });
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=512,t=3,p=2\$/);
    expect(await verifyPassword("pw", phc)).toBe(true);
  });

  test("normalizes to NFKC: composed and decomposed forms match", async () => {
    const phc = await hashPassword("caf\u00e9 pass", FAST);
    expect(await verifyPassword("cafe\u0301 pass", phc)).toBe(true);
    expect(await verifyPassword("cafe pass", phc)).toBe(false);
  });

  test("refuses non-strings, empty and over-long passwords", async () => {
    await expect(hashPassword(42 as unknown as string, FAST)).rejects.toThrow(TypeError);
    await expect(hashPassword(undefined as unknown as string, FAST)).rejects.toThrow(TypeError);
    await expect(hashPassword("", FAST)).rejects.toThrow(RangeError);
    await expect(hashPassword("x".repeat(1025), FAST)).rejects.toThrow(RangeError);
    expect(await verifyPassword("x".repeat(1024), await hashPassword("x".repeat(1024), FAST))).toBe(
      true,
    );
  });

  test("refuses parameters outside the limits (CONFIGURATION: they come from Password({ hash }))", async () => {
    const bad: Argon2idParams[] = [
      { memoryKiB: ARGON2ID_LIMITS.maxMemoryKiB + 1, iterations: 2, parallelism: 1 },
      { memoryKiB: 19456, iterations: 0, parallelism: 1 },
      { memoryKiB: 19456, iterations: ARGON2ID_LIMITS.maxIterations + 1, parallelism: 1 },
      { memoryKiB: 19456, iterations: 2, parallelism: 0 },
      { memoryKiB: 15, iterations: 2, parallelism: 2 },
      { memoryKiB: 19456.5, iterations: 2, parallelism: 1 },
      { memoryKiB: Number.NaN, iterations: 2, parallelism: 1 },
    ];
    for (const params of bad) {
      await expect(hashPassword("pw", params), JSON.stringify(params)).rejects.toMatchObject({ data: { code: "CONFIGURATION" } });
    }
  });
});

describe("verifyPassword with a stored hash that is not ours or was tampered with", () => {
  test("a changed hash byte, a changed salt, changed params: false", async () => {
    const phc = await hashPassword("hunter22", FAST);
    expect(await verifyPassword("hunter22", phc)).toBe(true);
    const [, , , params, salt, hash] = phc.split("$");
    expect(await verifyPassword("hunter22", withField(phc, 5, flipFirstByte(hash)))).toBe(false);
    expect(await verifyPassword("hunter22", withField(phc, 4, flipFirstByte(salt)))).toBe(false);
    expect(await verifyPassword("hunter22", withField(phc, 3, params.replace("t=2", "t=3")))).toBe(
      false,
    );
    expect(await verifyPassword("hunter22", withField(phc, 3, params.replace("m=256", "m=512")))).toBe(
      false,
    );
  });

  test("absurd params (huge m, many passes, many lanes) are refused before any work", async () => {
    const phc = await hashPassword("hunter22", FAST);
    const tampered = [
      withField(phc, 3, "m=4194304,t=2,p=1"),
      withField(phc, 3, "m=65537,t=2,p=1"),
      withField(phc, 3, "m=99999999999999999999,t=2,p=1"),
      withField(phc, 3, "m=256,t=11,p=1"),
      withField(phc, 3, "m=256,t=4294967295,p=1"),
      withField(phc, 3, "m=256,t=2,p=17"),
    ];
    for (const bad of tampered) {
      expect(parsePasswordHash(bad), bad).toBeNull();
      const start = performance.now();
      expect(await verifyPassword("hunter22", bad), bad).toBe(false);
      expect(performance.now() - start).toBeLessThan(50);
    }
  });

  test("malformed strings are false, never an exception", async () => {
    const phc = await hashPassword("hunter22", FAST);
    const garbage: unknown[] = [
      "",
      "hunter22",
      "$argon2id$",
      phc.replace("$argon2id$", "$argon2i$"),
      phc.replace("$argon2id$", "$argon2d$"),
      phc.replace("v=19", "v=16"),
      phc.replace("$v=19", ""),
      phc.replace("m=256,t=2,p=1", "t=2,m=256,p=1"),
      phc.replace("m=256", "m=0256"),
      phc.replace("m=256", "m=-256"),
      phc.replace("p=1", "p=1,keyid=abc"),
      phc.replace("p=1", "p=0"),
      `${phc}=`,
      `${phc}$`,
      ` ${phc}`,
      withField(phc, 4, "c29tZXNhbHQ"), // 8-byte salt is allowed by the reference...
      withField(phc, 4, "c29tZXNh"), // ...6 bytes is not
      withField(phc, 5, "AAAAAAAAAAAAAAAAAAAAAA"), // 16-byte tag: well-formed, wrong
      withField(phc, 5, "AAAAAAAAAAA"), // 8-byte tag: too short
      withField(phc, 5, `${phc.split("$")[5].slice(0, -1)}B`), // non-canonical trailing bits
      withField(phc, 5, `${phc.split("$")[5]}A`), // impossible Base64 length
      withField(phc, 5, phc.split("$")[5].replace(/[A-Za-z]/, "-")), // base64url character
      `${phc}${"A".repeat(300)}`,
      null,
      undefined,
      42,
      { phc },
    ];
    for (const bad of garbage) {
      expect(await verifyPassword("hunter22", bad as string), String(bad)).toBe(false);
    }
  });

  test("empty and over-long passwords are false; a non-string password throws", async () => {
    const phc = await hashPassword("hunter22", FAST);
    expect(await verifyPassword("", phc)).toBe(false);
    expect(await verifyPassword("x".repeat(1025), phc)).toBe(false);
    await expect(verifyPassword(null as unknown as string, phc)).rejects.toThrow(TypeError);
  });
});

describe("known answers: the argon2 reference implementation's test vectors", () => {
  // phc-winner-argon2 src/test.c (argon2id, version 0x13): password, salt "somesalt".
  const vectors: Array<[string, string]> = [
    ["password", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"],
    ["password", "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc"],
    ["password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"],
    [
      "differentpassword",
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C4TWUs9rDEvq7w3+J4umqA32aWKB1+DSiRuBfYxFj94",
    ],
  ];

  test.each(vectors)("%s verifies against %s", async (password, phc) => {
    expect(await verifyPassword(password, phc)).toBe(true);
    expect(await verifyPassword(`${password}!`, phc)).toBe(false);
  });

  test("the reference hash decodes to the reference bytes", () => {
    const parsed = parsePasswordHash(vectors[2][1])!;
    expect(new TextDecoder().decode(parsed.salt)).toBe("somesalt");
    const hex = Array.from(parsed.hash, (b) => b.toString(16).padStart(2, "0")).join("");
    expect(hex).toBe("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
  });
});

describe("needsRehash", () => {
  test("false for the same or stronger params, true for weaker in any dimension", async () => {
    const phc = await hashPassword("pw", { memoryKiB: 1024, iterations: 2, parallelism: 2 });
    expect(needsRehash(phc, { memoryKiB: 1024, iterations: 2, parallelism: 2 })).toBe(false);
    expect(needsRehash(phc, { memoryKiB: 512, iterations: 1, parallelism: 1 })).toBe(false);
    expect(needsRehash(phc, { memoryKiB: 2048, iterations: 2, parallelism: 2 })).toBe(true);
    expect(needsRehash(phc, { memoryKiB: 1024, iterations: 3, parallelism: 2 })).toBe(true);
    expect(needsRehash(phc, { memoryKiB: 1024, iterations: 2, parallelism: 3 })).toBe(true);
    expect(needsRehash(phc)).toBe(true); // the default asks for 19 MiB
  });

  test("a hash made at the default needs no rehash at the default", async () => {
    expect(needsRehash(await hashPassword("pw"))).toBe(false);
  });

  test("true for anything that is not our argon2id, or has a short salt or tag", () => {
    expect(needsRehash("")).toBe(true);
    expect(needsRehash("deadbeef:cafebabe")).toBe(true); // a lucia Scrypt hash
    expect(
      needsRehash("$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$0WgHXE2YXhPr6uVgz4uUw7XYoWxRkWtvSsLaOsEbvs8"),
    ).toBe(true);
    // Reference vector: strong enough params, but an 8-byte salt.
    expect(
      needsRehash("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"),
    ).toBe(true);
  });

  test("refuses invalid target params", () => {
    expect(() => needsRehash("", { memoryKiB: 1, iterations: 1, parallelism: 1 })).toThrow(/CONFIGURATION/);
  });
});

describe("concurrency", () => {
  test("concurrent hashes and verifies (queued one at a time) all succeed", async () => {
    const phcs = await Promise.all(["a1", "b2", "c3", "d4"].map((pw) => hashPassword(pw, FAST)));
    const results = await Promise.all([
      ...phcs.map((phc, i) => verifyPassword(["a1", "b2", "c3", "d4"][i], phc)),
      verifyPassword("wrong", phcs[0]),
      verifyPassword("a1", "garbage"),
    ]);
    expect(results).toEqual([true, true, true, true, false, false]);
  });
});
