// @vitest-environment node
/**
 * New-password policy (src/providers/password/rules.ts, common.ts,
 * breached.ts): the common-password list, the password-equals-email rule and
 * the opt-in breached-password check against a local mock of the Pwned
 * Passwords k-anonymity range API. Runs under node for `node:http`.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { isBreachedPassword } from "../../src/providers/password/breached.js";
import { isCommonPassword } from "../../src/providers/password/common.js";
import { checkNewPassword } from "../../src/providers/password/rules.js";
import { Password } from "../../src/providers/Password.js";
import { expectAuthError } from "../harness/errors.js";

const EMAIL = "ada@example.com";
const BREACHED = "tr0ub4dor&3 horse";
const CLEAN = "a perfectly unremarkable passphrase";
/** Listed by the mock with count 0 (padding): must not count as breached. */
const PADDED = "listed only as padding";

function sha1Hex(value: string): string {
  return createHash("sha1").update(value, "utf8").digest("hex").toUpperCase();
}

type Recorded = { path: string; addPadding: string | undefined };

type MockServer = { baseUrl: string; requests: Recorded[]; close: () => Promise<void> };

async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<MockServer> {
  const requests: Recorded[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const header = req.headers["add-padding"];
    requests.push({ path: req.url ?? "", addPadding: Array.isArray(header) ? header.join(",") : header });
    handler(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A random 35-hex suffix for padding lines. */
function randomSuffix(): string {
  return createHash("sha1").update(String(Math.random())).digest("hex").slice(5).toUpperCase();
}

/** The range API: padded lines, with the known breached suffix (and a count-0 one). */
function rangeApi(req: IncomingMessage, res: ServerResponse): void {
  const match = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? "");
  if (!match) {
    res.writeHead(400).end();
    return;
  }
  const prefix = match[1];
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) lines.push(`${randomSuffix()}:${i % 3 === 0 ? 0 : i * 7}`);
  for (const [password, count] of [
    [BREACHED, 4242],
    [PADDED, 0],
  ] as const) {
    const hash = sha1Hex(password);
    if (hash.startsWith(prefix)) lines.splice(7, 0, `${hash.slice(5)}:${count}`);
  }
  res.writeHead(200, { "Content-Type": "text/plain" }).end(lines.join("\r\n"));
}

let api: MockServer;
let failing: MockServer;
let hanging: MockServer;

beforeAll(async () => {
  api = await startServer(rangeApi);
  failing = await startServer((_req, res) => res.writeHead(500).end("oops"));
  hanging = await startServer(() => {
    /* accepts the connection and never answers */
  });
});

afterAll(async () => {
  await Promise.all([api.close(), failing.close(), hanging.close()]);
});

beforeEach(() => {
  for (const server of [api, failing, hanging]) server.requests.length = 0;
});

afterEach(() => {
  vi.restoreAllMocks();
});

function expectOnlyPrefixSent(server: MockServer, password: string): void {
  expect(server.requests.length).toBeGreaterThan(0);
  for (const request of server.requests) {
    expect(request.path).toMatch(/^\/range\/[0-9A-F]{5}$/);
    expect(request.path).toBe(`/range/${sha1Hex(password).slice(0, 5)}`);
    expect(request.addPadding).toBe("true");
  }
}

describe("breached passwords (opt-in, k-anonymity range API)", () => {
  test("a breached password is refused; only 5 uppercase hex characters are sent, with Add-Padding", async () => {
    await expectAuthError(checkNewPassword(BREACHED, EMAIL, undefined, { breached: { baseUrl: api.baseUrl } }), "INVALID_PASSWORD");
    await expect(checkNewPassword(BREACHED, EMAIL, undefined, { breached: { baseUrl: api.baseUrl } })).rejects.toMatchObject({
      data: { message: "This password has appeared in a data breach; choose another" },
    });
    expect(api.requests).toHaveLength(2);
    expectOnlyPrefixSent(api, BREACHED);
    expect(await isBreachedPassword(BREACHED, { baseUrl: `${api.baseUrl}/` })).toBe(true);
  });

  test("a clean password is accepted", async () => {
    expect(await checkNewPassword(CLEAN, EMAIL, undefined, { breached: { baseUrl: api.baseUrl } })).toBe(CLEAN);
    expectOnlyPrefixSent(api, CLEAN);
    expect(await isBreachedPassword(CLEAN, { baseUrl: api.baseUrl })).toBe(false);
  });

  test("padding lines (count 0) do not count, and minCount raises the bar", async () => {
    expect(await isBreachedPassword(PADDED, { baseUrl: api.baseUrl })).toBe(false);
    expect(await checkNewPassword(PADDED, EMAIL, undefined, { breached: { baseUrl: api.baseUrl } })).toBe(PADDED);
    expect(await isBreachedPassword(BREACHED, { baseUrl: api.baseUrl, minCount: 4242 })).toBe(true);
    expect(await isBreachedPassword(BREACHED, { baseUrl: api.baseUrl, minCount: 4243 })).toBe(false);
  });

  test("a common password is refused without asking the service", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    await expect(checkNewPassword("Password1234", EMAIL, undefined, { breached: { baseUrl: api.baseUrl } })).rejects.toMatchObject({
      data: { code: "INVALID_PASSWORD", message: "This password is too common" },
    });
    expect(api.requests).toHaveLength(0);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  test("the app's validator runs after the common list and before the service", async () => {
    const validate = vi.fn((password: string) => (password.includes("horse") ? "No horses" : undefined));
    await expectAuthError(checkNewPassword("password1234", EMAIL, validate), "INVALID_PASSWORD");
    expect(validate).not.toHaveBeenCalled();
    await expect(checkNewPassword(BREACHED, EMAIL, validate, { breached: { baseUrl: api.baseUrl } })).rejects.toMatchObject({
      data: { message: "No horses" },
    });
    expect(api.requests).toHaveLength(0);
  });

  test("a service answering 500 fails open, with one warning that names neither password nor hash", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(await checkNewPassword(BREACHED, EMAIL, undefined, { breached: { baseUrl: failing.baseUrl } })).toBe(BREACHED);
    expect(failing.requests).toHaveLength(1);
    expectOnlyPrefixSent(failing, BREACHED);
    expect(warn).toHaveBeenCalledTimes(1);
    const text = warn.mock.calls[0].map(String).join(" ");
    expect(text).toContain("500");
    expect(text).not.toContain(BREACHED);
    expect(text.toUpperCase()).not.toContain(sha1Hex(BREACHED).slice(0, 5));
  });

  test("a service that never answers fails open within the timeout", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const started = Date.now();
    expect(await checkNewPassword(BREACHED, EMAIL, undefined, { breached: { baseUrl: hanging.baseUrl, timeoutMs: 200 } })).toBe(BREACHED);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2000);
    expect(hanging.requests).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
    const text = warn.mock.calls[0].map(String).join(" ");
    expect(text).toContain("200 ms");
    expect(text).not.toContain(BREACHED);
    expect(text.toUpperCase()).not.toContain(sha1Hex(BREACHED).slice(0, 5));
  });

  test("an unreachable service fails open", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const gone = await startServer(rangeApi);
    await gone.close();
    expect(await isBreachedPassword(BREACHED, { baseUrl: gone.baseUrl, timeoutMs: 2000 })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("unreachable");
  });

  test("malformed options are a configuration error", async () => {
    await expectAuthError(isBreachedPassword(CLEAN, { baseUrl: "not a url" }), "CONFIGURATION");
    await expectAuthError(isBreachedPassword(CLEAN, { baseUrl: api.baseUrl, timeoutMs: 0 }), "CONFIGURATION");
    await expectAuthError(isBreachedPassword(CLEAN, { baseUrl: api.baseUrl, minCount: 0 }), "CONFIGURATION");
    expect(api.requests).toHaveLength(0);
  });
});

describe("local rules", () => {
  test("the default (no policy) and breached: false never call fetch", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    expect(await checkNewPassword(CLEAN, EMAIL)).toBe(CLEAN);
    expect(await checkNewPassword(BREACHED, EMAIL, () => undefined)).toBe(BREACHED);
    expect(await checkNewPassword(BREACHED, EMAIL, undefined, { breached: false })).toBe(BREACHED);
    expect(await checkNewPassword(BREACHED, EMAIL, undefined, {})).toBe(BREACHED);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  test("a password equal to the email is refused, case-insensitively", async () => {
    await expectAuthError(checkNewPassword(EMAIL, EMAIL), "INVALID_PASSWORD");
    await expectAuthError(checkNewPassword("Ada@Example.COM", EMAIL), "INVALID_PASSWORD");
    await expectAuthError(checkNewPassword(EMAIL, EMAIL, undefined, { common: false }), "INVALID_PASSWORD");
    expect(await checkNewPassword(`${EMAIL}!`, EMAIL)).toBe(`${EMAIL}!`);
    // changePassword passes "" for a user without an email.
    expect(await checkNewPassword(CLEAN, "")).toBe(CLEAN);
  });

  test("common passwords are refused case-insensitively, on by default, and can be turned off", async () => {
    for (const common of ["password", "PASSWORD", "Password1", "password123", "12345678", "123456789", "1234567890", "11111111", "qwertyuiop", "PassW0rd", "iloveyou", "iloveyou123", "trustno1", "letmein123", "welcome123", "administrator", "password1234"]) {
      expect(isCommonPassword(common), common).toBe(true);
      await expectAuthError(checkNewPassword(common, EMAIL), "INVALID_PASSWORD");
    }
    for (const short of ["123456", "qwerty", "letmein", "welcome", "admin"]) expect(isCommonPassword(short), short).toBe(true);
    expect(await checkNewPassword("password1234", EMAIL, undefined, { common: false })).toBe("password1234");
  });

  test("the passwords the rest of the suite signs up with stay accepted", async () => {
    for (const ok of ["correct horse battery", "correct horse battery staple", "a brand new password", "another password", "another new password", "next password", "long enough now", "a new password", "twelve chars"]) {
      expect(isCommonPassword(ok), ok).toBe(false);
      expect(await checkNewPassword(ok, EMAIL)).toBe(ok);
    }
  });
});

describe("length (OWASP ASVS 4.0.3 2.1.1, 2.1.2)", () => {
  test("by default 12 to 128 characters; a run of spaces counts as one toward the minimum", async () => {
    await expectAuthError(checkNewPassword("a".repeat(11), EMAIL, undefined, { common: false }), "INVALID_PASSWORD");
    await expect(checkNewPassword("eleven char", EMAIL)).rejects.toMatchObject({
      data: { code: "INVALID_PASSWORD", message: "A password must be 12 to 128 characters long" },
    });
    await expectAuthError(checkNewPassword("ab  cd  ef  gh", EMAIL), "INVALID_PASSWORD"); // 11 once combined
    await expectAuthError(checkNewPassword("a\t\t\tb\n\ncdefghi", EMAIL), "INVALID_PASSWORD");
    expect(await checkNewPassword("ab cd ef ghij", EMAIL)).toBe("ab cd ef ghij");
    expect(await checkNewPassword("z".repeat(64), EMAIL)).toBe("z".repeat(64));
    expect(await checkNewPassword("z".repeat(128), EMAIL)).toBe("z".repeat(128));
    await expectAuthError(checkNewPassword("z".repeat(129), EMAIL), "INVALID_PASSWORD");
    await expectAuthError(checkNewPassword("z".repeat(200_000), EMAIL), "INVALID_PASSWORD");
  });

  test("the bounds are configurable: 8 for an app with a second factor, up to 256", async () => {
    const nist = { minLength: 8 };
    expect(await checkNewPassword("8 chars!", EMAIL, undefined, nist)).toBe("8 chars!");
    await expectAuthError(checkNewPassword("7 chars", EMAIL, undefined, nist), "INVALID_PASSWORD");
    const long = { minLength: 16, maxLength: 256 };
    await expectAuthError(checkNewPassword("fifteen chars!!", EMAIL, undefined, long), "INVALID_PASSWORD");
    expect(await checkNewPassword("y".repeat(256), EMAIL, undefined, long)).toBe("y".repeat(256));
    await expectAuthError(checkNewPassword("y".repeat(257), EMAIL, undefined, long), "INVALID_PASSWORD");
    await expect(checkNewPassword("7 chars", EMAIL, undefined, { minLength: 10, maxLength: 64 })).rejects.toMatchObject({
      data: { message: "A password must be 10 to 64 characters long" },
    });
  });

  test("bounds out of range are a CONFIGURATION error when Password() runs", () => {
    for (const passwordPolicy of [
      { minLength: 7 },
      { minLength: 0 },
      { minLength: 12.5 },
      { minLength: Number.NaN },
      { maxLength: 63 },
      { maxLength: 257 },
      { maxLength: Number.POSITIVE_INFINITY },
      { minLength: 100, maxLength: 64 },
      { minLength: 129 },
    ]) {
      let error: unknown;
      try {
        Password({ passwordPolicy });
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(passwordPolicy)).toMatchObject({ data: { code: "CONFIGURATION" } });
    }
    expect(Password({ passwordPolicy: { minLength: 8, maxLength: 64 } }).id).toBe("password");
    expect(Password({ passwordPolicy: { minLength: 256, maxLength: 256 } }).id).toBe("password");
  });
});
