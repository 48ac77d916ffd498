/**
 * The example's development helpers (`users.byEmail`, `outbox.latest`) show
 * any account and any code sent, so they answer only where
 * EXAMPLE_DEV_TOOLS is exactly "1" (test/harness/env.ts sets it for tests;
 * a deployment does not have it) and throw FORBIDDEN everywhere else.
 */
import { afterEach, describe, expect, test } from "vitest";
import { api, components, internal } from "../../example/convex/_generated/api.js";
import { makeAuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const EMAIL = "ada@example.com";
const saved = process.env.EXAMPLE_DEV_TOOLS;

afterEach(() => {
  if (saved === undefined) delete process.env.EXAMPLE_DEV_TOOLS;
  else process.env.EXAMPLE_DEV_TOOLS = saved;
});

/** An app with a user and a message in the outbox for them. */
async function seeded() {
  const t = makeAuthTest();
  await t.mutation(components.auth.users.create, { email: EMAIL, name: "Ada" });
  await t.mutation(internal.outbox.deliver, { to: EMAIL, subject: "Your code", code: "123456", expiresAt: Date.now() + 60_000 });
  return t;
}

describe("the example's development helpers", () => {
  test("the test environment turns them on, so they answer", async () => {
    expect(process.env.EXAMPLE_DEV_TOOLS).toBe("1");
    const t = await seeded();
    expect(await t.query(api.users.byEmail, { email: EMAIL })).toMatchObject({ name: "Ada", email: EMAIL });
    expect(await t.query(api.outbox.latest, { to: EMAIL })).toMatchObject({ code: "123456" });
  });

  test("without EXAMPLE_DEV_TOOLS both throw FORBIDDEN and reveal nothing", async () => {
    const t = await seeded();
    delete process.env.EXAMPLE_DEV_TOOLS;
    await expectAuthError(t.query(api.users.byEmail, { email: EMAIL }), "FORBIDDEN");
    await expectAuthError(t.query(api.outbox.latest, { to: EMAIL }), "FORBIDDEN");
    // Also for an unknown address: the refusal does not depend on the data.
    await expectAuthError(t.query(api.users.byEmail, { email: "nobody@example.com" }), "FORBIDDEN");
    await expectAuthError(t.query(api.outbox.latest, { to: "nobody@example.com" }), "FORBIDDEN");
    // The error names the switch, but carries no account or code.
    const error = await t.query(api.outbox.latest, { to: EMAIL }).then(
      () => null,
      (e: unknown) => e,
    );
    const message = JSON.stringify((error as { data?: unknown }).data);
    expect(message).toContain("EXAMPLE_DEV_TOOLS");
    expect(message).not.toContain("123456");
  });

  test("only the exact value \"1\" turns them on", async () => {
    const t = await seeded();
    for (const value of ["", "0", "true", "yes", " 1", "1 ", "01"]) {
      process.env.EXAMPLE_DEV_TOOLS = value;
      await expectAuthError(t.query(api.users.byEmail, { email: EMAIL }), "FORBIDDEN");
      await expectAuthError(t.query(api.outbox.latest, { to: EMAIL }), "FORBIDDEN");
    }
    process.env.EXAMPLE_DEV_TOOLS = "1";
    expect(await t.query(api.outbox.latest, { to: EMAIL })).not.toBeNull();
  });
});
