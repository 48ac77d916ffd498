import { describe, expect, test } from "vitest";
import { api, components } from "../../example/convex/_generated/api.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTest } from "../harness/setup.js";

const users = components.auth.users;

describe("users.create / get", () => {
  test("creates a user and reads it back with a normalised email", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, { name: "Ada", email: "  Ada@Example.COM " });
    const user = await t.query(users.get, { userId });
    expect(user).toMatchObject({ _id: userId, name: "Ada", email: "ada@example.com" });
  });

  test("a second user with the same email (any case) is refused and nothing is written", async () => {
    const t = makeTest();
    const first = await t.mutation(users.create, { email: "ada@example.com" });
    await expectAuthError(t.mutation(users.create, { name: "Imposter", email: "ADA@example.com" }), "EMAIL_TAKEN");
    expect((await t.query(users.get, { email: "ada@example.com" }))?._id).toBe(first);
  });

  test("a malformed email is refused with INVALID_ARGUMENT", async () => {
    const t = makeTest();
    for (const email of ["", "no-at-sign", "two words@example.com", `${"a".repeat(320)}@x.io`]) {
      await expectAuthError(t.mutation(users.create, { email }), "INVALID_ARGUMENT");
    }
  });

  test("arguments that break the validators are refused before the handler runs", async () => {
    const t = makeTest();
    await expect(t.mutation(users.create, { name: 42 } as never)).rejects.toThrow(/Validator error/);
    await expect(t.query(users.get, { userId: 42 } as never)).rejects.toThrow(/Validator error/);
  });

  test("users without an email may coexist", async () => {
    const t = makeTest();
    const a = await t.mutation(users.create, { name: "A" });
    const b = await t.mutation(users.create, { name: "B" });
    expect(a).not.toBe(b);
  });
});

describe("users.get by email", () => {
  test("finds by normalised email and returns null for an unknown one", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, { email: "grace@example.com" });
    expect((await t.query(users.get, { email: "GRACE@example.com" }))?._id).toBe(userId);
    expect(await t.query(users.get, { email: "nobody@example.com" })).toBeNull();
  });
});

describe("users.update", () => {
  test("sets fields and unsets them with null", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, { name: "Ada", image: "https://x/a.png" });
    await t.mutation(users.update, { userId, patch: { name: "Ada L.", image: null } });
    const user = await t.query(users.get, { userId });
    expect(user?.name).toBe("Ada L.");
    expect(user).not.toHaveProperty("image");
  });

  test("changing to an email another user holds is refused and changes nothing", async () => {
    const t = makeTest();
    await t.mutation(users.create, { email: "taken@example.com" });
    const userId = await t.mutation(users.create, { name: "Ada", email: "ada@example.com" });
    await expectAuthError(
      t.mutation(users.update, { userId, patch: { name: "Changed", email: "Taken@example.com" } }),
      "EMAIL_TAKEN",
    );
    expect(await t.query(users.get, { userId })).toMatchObject({ name: "Ada", email: "ada@example.com" });
  });

  test("re-saving one's own email in another case is allowed", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, { email: "ada@example.com" });
    await t.mutation(users.update, { userId, patch: { email: "ADA@example.com" } });
    expect((await t.query(users.get, { userId }))?.email).toBe("ada@example.com");
  });

  test("an unknown user is NOT_FOUND", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, {});
    await t.mutation(users.delete, { userId });
    await expectAuthError(t.mutation(users.update, { userId, patch: { name: "x" } }), "NOT_FOUND");
  });
});

describe("users.delete", () => {
  test("deletes the user; a second delete is NOT_FOUND", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, { email: "ada@example.com" });
    await t.mutation(users.delete, { userId });
    expect(await t.query(users.get, { userId })).toBeNull();
    expect(await t.query(users.get, { email: "ada@example.com" })).toBeNull();
    await expectAuthError(t.mutation(users.delete, { userId }), "NOT_FOUND");
  });
});

describe("the example app through components.auth", () => {
  test("finds a user created in the component by email", async () => {
    const t = makeTest();
    const userId = await t.mutation(users.create, { name: "Ada", email: "ada@example.com" });
    expect(await t.query(api.users.byEmail, { email: "ADA@example.com" })).toEqual({
      id: userId,
      name: "Ada",
      email: "ada@example.com",
    });
    expect(await t.query(api.users.byEmail, { email: "nobody@example.com" })).toBeNull();
  });

  test("a component error reaches the app's caller with its code", async () => {
    const t = makeTest();
    await expectAuthError(t.query(api.users.byEmail, { email: "not an email" }), "INVALID_ARGUMENT");
  });
});
