/**
 * Lifecycle callbacks (`Auth({ callbacks })`, issue "Accounts", §2), on the
 * hooks fixture app (test/fixtures/hooks): they run in the transaction of
 * the change through the app's `hooks` mutation, so the app's profile row
 * is created with the user for every kind of sign-up; a throw rolls the
 * change back (nothing of it left); `beforeSessionCreated` refuses with a
 * coded error that reaches the client and writes nothing; `afterSignIn`,
 * `afterUserDeleted` and `onEvent` see what happened; a malformed handle is
 * refused; an app without callbacks makes no call more.
 */
import { componentsGeneric, makeFunctionReference, type AnyComponents, type FunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import { afterEach, describe, expect, test, vi } from "vitest";
import { behaviour, sent } from "../fixtures/hooks/auth.js";
import hooksSchema from "../fixtures/hooks/schema.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { addPasskey, secondFactorWithPasskey, signUpWithPasskey } from "../fixtures/passkeyFlows.js";
import { as, claimsOf, probe, tokensOf } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { composeArounds, type Around } from "../harness/instrument.js";
import { makeTestOf, type TestApp } from "../harness/setup.js";
import { Meter } from "../../scripts/bench/meter.js";
import { Password } from "../../src/providers/index.js";
import { Auth } from "../../src/server/index.js";
import type { ComponentApi } from "../../src/component/_generated/component.js";
import { useEnvVars } from "../harness/envVars.js";

const modules = import.meta.glob(["../fixtures/hooks/**/*.ts", "!../fixtures/hooks/**/*.*.ts"]);
const unexported = import.meta.glob(["../fixtures/hooksUnexported/**/*.ts", "!../fixtures/hooksUnexported/**/*.*.ts"]);
const empty = import.meta.glob(["../fixtures/hooksEmpty/**/*.ts", "!../fixtures/hooksEmpty/**/*.*.ts"]);

const signIn = makeFunctionReference<"action">("auth:signIn");
const signOut = makeFunctionReference<"action">("auth:signOut");
const refreshFn = makeFunctionReference<"mutation">("auth:refresh");
const deleteMe = makeFunctionReference<"mutation">("users:deleteMe");
const rename = makeFunctionReference<"mutation", { name: string }>("users:rename");
const createUser = makeFunctionReference<"mutation", { name: string }, string>("users:createUser");
const revokeOthers = makeFunctionReference<"mutation">("users:revokeOthers");
type LogRow = { hook: string; userId?: string; sessionId?: string; eventId?: string; type?: string; provider?: string; secondFactor?: string; userAgent?: string; unusedSignUp?: boolean; email?: string };
const appRows = makeFunctionReference<"query", { table: "profiles" | "hookLog" }, (LogRow & { _id: string })[]>("users:rows");
const component = (componentsGeneric() as AnyComponents).auth;
const componentCreate = component.users.create as FunctionReference<"mutation", "internal", Record<string, unknown>, string>;

const PW = "correct horse battery";
const SITE = "https://app.example.test";

useEnvVars({ SITE_URL: SITE });
afterEach(() => {
  behaviour.reset();
  sent.length = 0;
  vi.useRealTimers();
});

const app = () =>
  makeTestOf(modules, {
    schema: hooksSchema,
    componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
  });

const passwordSignUp = (t: TestApp, email: string) =>
  t.action(signIn, { provider: "password", params: { flow: "signUp", email, password: PW } });
const passwordSignIn = (t: TestApp, email: string) =>
  t.action(signIn, { provider: "password", params: { flow: "signIn", email, password: PW } });

/** The component's tables a sign-up or sign-in writes, and the app's. */
const WRITTEN = ["users", "accounts", "sessions", "refreshTokens", "events", "passkeys", "verifiers", "verificationCodes"];
async function snapshot(t: TestApp) {
  const rows: Record<string, unknown[]> = {};
  for (const table of WRITTEN) rows[table] = await t.query(probe.rows, { table });
  rows.profiles = await t.query(appRows, { table: "profiles" });
  rows.hookLog = await t.query(appRows, { table: "hookLog" });
  return rows;
}

/** The `ConvexError` data a call fails with. */
async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "expected a ConvexError").toBeInstanceOf(ConvexError);
  return (error as ConvexError<{ code: string; message: string }>).data;
}

const logOf = async (t: TestApp, hook: string) => (await t.query(appRows, { table: "hookLog" })).filter((row) => row.hook === hook);

/** Sends an email code (or link) to `email`; returns what was "sent". */
async function sendEmail(t: TestApp, email: string, method?: "link") {
  const result = await t.action(signIn, { provider: "email", params: { email, ...(method ? { method } : {}) } });
  const message = sent.at(-1)!;
  expect(message.to).toBe(email);
  return { message, verifier: (result as { verifier?: string }).verifier };
}

/** Each way a user comes to exist, up to the tokens (or, for a throwing hook, the failure). */
const SIGN_UPS: Record<string, { provider: string | undefined; run: (t: TestApp, email: string) => Promise<unknown> }> = {
  password: { provider: "password", run: (t, email) => passwordSignUp(t, email) },
  "email code (a verified identity)": {
    provider: "email",
    run: async (t, email) => {
      const { message } = await sendEmail(t, email);
      return await t.action(signIn, { provider: "email", params: { email, code: message.code } });
    },
  },
  "magic link (redirects.redeem, OAuth's path)": {
    provider: "email",
    run: async (t, email) => {
      const { message, verifier } = await sendEmail(t, email, "link");
      const code = new URL(message.url!).searchParams.get("code")!;
      return await t.action(signIn, { params: { code }, verifier });
    },
  },
  passkey: { provider: "passkey", run: async (t, email) => await signUpWithPasskey(t, new SoftAuthenticator(SITE), { email }) },
  anonymous: { provider: "anonymous", run: async (t) => await t.action(signIn, { provider: "anonymous", params: {} }) },
};

describe("afterUserCreated: the app's profile row comes with the user, in one transaction", () => {
  for (const [name, { provider, run }] of Object.entries(SIGN_UPS)) {
    test(`${name}: one profile row naming the user and the provider`, async () => {
      const t = app();
      const { userId } = claimsOf(tokensOf(await run(t, "ada@example.com")).token);
      expect(await t.query(appRows, { table: "profiles" })).toEqual([
        expect.objectContaining({ userId, provider }),
      ]);
      const [created] = await logOf(t, "afterUserCreated");
      expect(created).toMatchObject({ userId, provider });
      if (provider !== "anonymous") expect(created!.email).toBe("ada@example.com");
    });

    test(`${name}: a throwing afterUserCreated leaves no user, account, session, event or profile, and the client gets its error`, async () => {
      const t = app();
      const before = await snapshot(t);
      // An email code or link is stored when it is asked for, before any callback runs; only redeeming it fails.
      const storesFirst = name.includes("email") || name.includes("magic");
      behaviour.failAfterCreate = "coded";
      expect(await failureOf(run(t, "ada@example.com"))).toEqual({ code: "PROFILE_REJECTED", message: "No profile for you" });
      const after = await snapshot(t);
      expect(after.users).toEqual([]);
      expect(after.accounts).toEqual([]);
      expect(after.sessions).toEqual([]);
      expect(after.refreshTokens).toEqual([]);
      expect(after.events).toEqual([]);
      expect(after.passkeys).toEqual([]);
      expect(after.profiles).toEqual([]);
      expect(after.hookLog).toEqual([]);
      if (!storesFirst) expect(after).toEqual(before);
    });
  }

  test("a code whose sign-up a callback refused stays valid: the retry signs up", async () => {
    const t = app();
    const { message } = await sendEmail(t, "ada@example.com");
    behaviour.failAfterCreate = "coded";
    expect((await failureOf(t.action(signIn, { provider: "email", params: { email: "ada@example.com", code: message.code } }))).code).toBe(
      "PROFILE_REJECTED",
    );
    behaviour.reset();
    const { userId } = claimsOf(
      tokensOf(await t.action(signIn, { provider: "email", params: { email: "ada@example.com", code: message.code } })).token,
    );
    expect(await t.query(appRows, { table: "profiles" })).toEqual([expect.objectContaining({ userId, provider: "email" })]);
  });

  test("a plain Error from the callback rolls the sign-up back as well", async () => {
    const t = app();
    behaviour.failAfterCreate = "plain";
    await expect(passwordSignUp(t, "ada@example.com")).rejects.toThrow();
    const after = await snapshot(t);
    expect([after.users, after.accounts, after.sessions, after.events, after.profiles]).toEqual([[], [], [], [], []]);
  });

  test("a user made by the app (users.create with auth.auditArg()) gets a profile, with no provider", async () => {
    const t = app();
    const userId = await t.mutation(createUser, { name: "Grace" });
    expect(await t.query(appRows, { table: "profiles" })).toEqual([expect.objectContaining({ userId })]);
    expect((await t.query(appRows, { table: "profiles" }))[0]!.provider).toBeUndefined();
  });

  test("attack: 10 sign-ups of one email at once make one user and one profile row", async () => {
    const t = app();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => passwordSignUp(t, "ada@example.com")));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === "rejected") expect((o.reason as ConvexError<{ code: string }>).data.code).toBe("ACCOUNT_EXISTS");
    }
    const users = await t.query(probe.rows, { table: "users" });
    expect(users).toHaveLength(1);
    expect(await t.query(appRows, { table: "profiles" })).toEqual([expect.objectContaining({ userId: users[0]!._id })]);
  });
});

describe("beforeSessionCreated: a refusal reaches the client with its code and writes nothing", () => {
  test("signInRefused: SIGN_IN_REFUSED, no session, refresh token, event or log row", async () => {
    const t = app();
    tokensOf(await passwordSignUp(t, "ada@example.com"));
    behaviour.refuse = "helper";
    const before = await snapshot(t);
    expect(await failureOf(passwordSignIn(t, "ada@example.com"))).toEqual({ code: "SIGN_IN_REFUSED", message: "Sign-ins are paused" });
    expect(await snapshot(t)).toEqual(before);
  });

  test("the app's own ConvexError code passes through unchanged", async () => {
    const t = app();
    tokensOf(await passwordSignUp(t, "ada@example.com"));
    behaviour.refuse = "custom";
    expect(await failureOf(passwordSignIn(t, "ada@example.com"))).toEqual({ code: "MAINTENANCE", message: "Back soon" });
  });

  test("attack: 8 sign-ins at once, all refused, none writes a session", async () => {
    const t = app();
    tokensOf(await passwordSignUp(t, "ada@example.com"));
    behaviour.refuse = "helper";
    const before = await snapshot(t);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => passwordSignIn(t, "ada@example.com")));
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      expect(((o as PromiseRejectedResult).reason as ConvexError<{ code: string }>).data.code).toBe("SIGN_IN_REFUSED");
    }
    expect(await snapshot(t)).toEqual(before);
  });

  test("it runs before every new session with the provider, never on a refresh", async () => {
    const t = app();
    const tokens = tokensOf(await passwordSignUp(t, "ada@example.com"));
    const { userId } = claimsOf(tokens.token);
    tokensOf(await passwordSignIn(t, "ada@example.com"));
    await t.mutation(refreshFn, { refreshToken: tokens.refreshToken });
    expect(await logOf(t, "beforeSessionCreated")).toEqual([
      expect.objectContaining({ userId, provider: "password" }),
      expect.objectContaining({ userId, provider: "password" }),
    ]);
  });

  test("a refused sign-up keeps its user (the sign-up committed first) but gets no session", async () => {
    const t = app();
    behaviour.refuse = "helper";
    await expectAuthError(passwordSignUp(t, "ada@example.com"), "SIGN_IN_REFUSED");
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(1);
    expect(await t.query(appRows, { table: "profiles" })).toHaveLength(1);
    expect(await t.query(probe.rows, { table: "sessions" })).toEqual([]);
  });
});

describe("a second factor", () => {
  test("the session comes once the second factor passed: both callbacks name it, a refusal there leaves the step to retry", async () => {
    const t = app();
    const tokens = tokensOf(await passwordSignUp(t, "ada@example.com"));
    const key = new SoftAuthenticator(SITE);
    tokensOf(await addPasskey(t, tokens.token, key, { secondFactor: true }));
    const countBefore = (await logOf(t, "beforeSessionCreated")).length;
    const { verifier } = (await passwordSignIn(t, "ada@example.com")) as { verifier: string };
    // The password alone made no session: no callback ran.
    expect(await logOf(t, "beforeSessionCreated")).toHaveLength(countBefore);

    behaviour.refuse = "helper";
    await expectAuthError(secondFactorWithPasskey(t, key, verifier), "SIGN_IN_REFUSED");
    behaviour.reset();
    const { userId, sessionId } = claimsOf(tokensOf(await secondFactorWithPasskey(t, key, verifier)).token);
    expect((await logOf(t, "beforeSessionCreated")).at(-1)).toMatchObject({ userId, provider: "password", secondFactor: "passkey" });
    expect((await logOf(t, "afterSignIn")).at(-1)).toMatchObject({ userId, sessionId, provider: "password", secondFactor: "passkey" });
  });
});

describe("afterSignIn", () => {
  test("gets the new session, the provider, the user and the device", async () => {
    const t = app();
    tokensOf(await passwordSignUp(t, "ada@example.com"));
    const tokens = tokensOf(
      await t
        .withRequestMetadata({ ip: "203.0.113.9", userAgent: "HooksTest/1.0" })
        .action(signIn, { provider: "password", params: { flow: "signIn", email: "ada@example.com", password: PW } }),
    );
    const { userId, sessionId } = claimsOf(tokens.token);
    expect((await logOf(t, "afterSignIn")).at(-1)).toMatchObject({
      userId,
      sessionId,
      provider: "password",
      userAgent: "HooksTest/1.0",
      email: "ada@example.com",
    });
  });

  test("a throw rolls the session back: no session, no sign_in event", async () => {
    const t = app();
    tokensOf(await passwordSignUp(t, "ada@example.com"));
    behaviour.failAfterSignIn = true;
    const before = await snapshot(t);
    await expect(passwordSignIn(t, "ada@example.com")).rejects.toThrow();
    expect(await snapshot(t)).toEqual(before);
  });
});

describe("afterUserDeleted", () => {
  test("a sign-up undone because its verification email failed runs it with unusedSignUp: no profile left", async () => {
    const t = app();
    behaviour.failDelivery = true;
    await expect(
      t.action(signIn, { provider: "verified", params: { flow: "signUp", email: "ada@example.com", password: PW } }),
    ).rejects.toThrow();
    const [created] = await logOf(t, "afterUserCreated");
    expect(await logOf(t, "afterUserDeleted")).toEqual([expect.objectContaining({ userId: created!.userId, unusedSignUp: true })]);
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await t.query(appRows, { table: "profiles" })).toEqual([]);
  });

  test("runs in the deletion's transaction: the profile goes with the user", async () => {
    const t = app();
    const tokens = tokensOf(await passwordSignUp(t, "ada@example.com"));
    const { userId } = claimsOf(tokens.token);
    await as(t, tokens.token).mutation(deleteMe, {});
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await t.query(appRows, { table: "profiles" })).toEqual([]);
    expect(await logOf(t, "afterUserDeleted")).toEqual([expect.objectContaining({ userId, unusedSignUp: false })]);
  });
});

describe("onEvent", () => {
  test("sees every event recorded, once each, with its id and type", async () => {
    const t = app();
    const first = tokensOf(await passwordSignUp(t, "ada@example.com"));
    const second = tokensOf(await passwordSignIn(t, "ada@example.com"));
    await as(t, first.token).mutation(rename, { name: "Ada L." });
    await as(t, second.token).action(signOut, {});
    tokensOf(await t.action(signIn, { provider: "anonymous", params: {} }));
    await t.mutation(createUser, { name: "Grace" });
    const events = await t.query(probe.rows, { table: "events" });
    const seen = await logOf(t, "onEvent");
    expect(seen.map((row) => row.eventId).sort()).toEqual(events.map((event) => event._id as string).sort());
    expect(new Set(seen.map((row) => row.type))).toEqual(
      new Set(["sign_up", "sign_in", "user_updated", "session_revoked", "user_created"]),
    );
    for (const row of seen) {
      const event = events.find((e) => e._id === row.eventId)!;
      expect(row.type).toBe(event.type);
      expect(row.userId).toBe(event.userId);
    }

    // A deletion's event too (the user's own events go with them).
    await as(t, first.token).mutation(deleteMe, {});
    const deleted = (await t.query(probe.rows, { table: "events" })).find((e) => e.type === "user_deleted")!;
    expect((await logOf(t, "onEvent")).filter((row) => row.type === "user_deleted").map((row) => row.eventId)).toEqual([deleted._id]);
  });

  test("events written by background batches run it too (the continuation carries the callbacks)", async () => {
    vi.useFakeTimers();
    const t = app();
    const mine = tokensOf(await passwordSignUp(t, "ada@example.com"));
    const { userId } = claimsOf(mine.token);
    await t.mutation(probe.seedSessions, { userId, count: 1003, tokensEach: 1, from: 1 });
    await as(t, mine.token).mutation(revokeOthers, {});
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const revoked = (await t.query(probe.rows, { table: "events" })).filter((e) => e.type === "session_revoked");
    expect(revoked).toHaveLength(1003);
    const seen = (await logOf(t, "onEvent")).filter((row) => row.type === "session_revoked");
    expect(seen.map((row) => row.eventId).sort()).toEqual(revoked.map((e) => e._id as string).sort());
  });

  test("the specific callback runs before onEvent, in the same call", async () => {
    const t = app();
    tokensOf(await passwordSignUp(t, "ada@example.com"));
    const log = await t.query(appRows, { table: "hookLog" });
    expect(log.map((row) => (row.hook === "onEvent" ? `onEvent:${row.type}` : row.hook))).toEqual([
      "afterUserCreated",
      "onEvent:sign_up",
      "beforeSessionCreated",
      "afterSignIn",
      "onEvent:sign_in",
    ]);
  });
});

describe("the component boundary", () => {
  test("attack: a handle that is no function handle (it would name the component's own users:delete) is INVALID_ARGUMENT, nothing written", async () => {
    const t = app();
    for (const handle of ["users:delete", "", "sessions:revoke"]) {
      await expectAuthError(
        t.mutation(componentCreate, { name: "Mallory", audit: { retentionMs: 60_000, hooks: { handle, callbacks: ["onEvent"] } } }),
        "INVALID_ARGUMENT",
      );
    }
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "events" })).toEqual([]);
  });

  test("callbacks configured but `hooks` not exported: the sign-up fails and writes nothing", async () => {
    const t = makeTestOf(unexported, {
      componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") },
    });
    await expect(passwordSignUp(t, "ada@example.com")).rejects.toThrow();
    expect(await t.query(probe.rows, { table: "users" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "accounts" })).toEqual([]);
    expect(await t.query(probe.rows, { table: "events" })).toEqual([]);
  });
});

describe("without callbacks nothing changes", () => {
  /** The functions a sign-up calls (`module:export`, app's and component's), and its counts. */
  async function signUpCost(glob: Record<string, () => Promise<unknown>>, schema?: typeof hooksSchema) {
    const names: string[] = [];
    const meter = new Meter();
    const record: Around = async (frame, run) => {
      names.push(frame.name.replace(/^.*\/fixtures\/[^/]+\//, ""));
      return await run();
    };
    const t = makeTestOf(glob, { around: composeArounds(meter.around, record), ...(schema ? { schema } : {}) });
    let n = 0;
    const figures = await meter.measure(
      2,
      async () => {
        names.length = 0;
        return `user${++n}@example.com`;
      },
      async (email) => tokensOf(await passwordSignUp(t, email)),
    );
    return { names: [...names], calls: figures.calls, read: figures.documentsRead, written: figures.documentsWritten };
  }

  test("callbacks: {} makes no call to the app and reads and writes what an app without callbacks does (3 calls / 1 read / 6 written)", async () => {
    expect(await signUpCost(empty)).toEqual({
      names: ["auth:signIn", "users:create", "sessions:issue"],
      calls: 3,
      read: 1,
      written: 6,
    });
  });

  test("with callbacks: one call of the app's hooks mutation per event a callback wants, and per session for beforeSessionCreated", async () => {
    const cost = await signUpCost(modules, hooksSchema);
    expect(cost.names).toEqual(["auth:signIn", "users:create", "auth:hooks", "sessions:issue", "auth:hooks", "auth:hooks"]);
    expect(cost.calls).toBe(6);
  });
});

describe("a bad callbacks option fails when Auth() runs: CONFIGURATION", () => {
  const componentApi = componentsGeneric() as unknown as { auth: ComponentApi };
  const build = (extra: Record<string, unknown>) => () =>
    Auth({ component: componentApi.auth, providers: [Password()], ...(extra as object) });
  const CASES: [string, Record<string, unknown>][] = [
    ["not an object", { callbacks: "afterSignIn" }],
    ["an array", { callbacks: [() => {}] }],
    ["null", { callbacks: null }],
    ["a misspelt callback", { callbacks: { afterSignUp: () => {} } }],
    ["a callback that is not a function", { callbacks: { afterSignIn: "notify" } }],
    ["a hooksFunction that is no function name", { callbacks: { onEvent: () => {} }, hooksFunction: "hooks" }],
    ["a hooksFunction that is not a string", { callbacks: { onEvent: () => {} }, hooksFunction: 42 }],
  ];
  for (const [name, extra] of CASES) {
    test(name, () => {
      let error: unknown = null;
      try {
        build(extra)();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConvexError);
      expect((error as ConvexError<{ code: string }>).data.code).toBe("CONFIGURATION");
    });
  }

  test("a hooksFunction in a folder is fine", () => {
    expect(() => build({ callbacks: { onEvent: () => {} }, hooksFunction: "lib/auth:hooks" })()).not.toThrow();
  });
});
