/** users.update / auth.user.update: re-verification of changed addresses, unique emails, profile bounds. */
import { describe, expect, test } from "vitest";
import { components } from "../../example/convex/_generated/api.js";
import { auth } from "../../example/convex/auth.js";
import { MAX_EXTEND_LENGTH, MAX_IMAGE_LENGTH, MAX_NAME_LENGTH, checkProfile } from "../../src/component/model/profile.js";
import { makeAuthTest, probe, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";

const users = components.auth.users;
type Patch = Parameters<typeof auth.admin.user.update>[2];
const update = (t: AuthTest, userId: string, patch: Patch) =>
  t.mutation(async (ctx) => await auth.admin.user.update(ctx, userId, patch));
const get = (t: AuthTest, userId: string) => t.query(async (ctx) => await auth.user.get(ctx, userId));

async function verifiedUser(t: AuthTest) {
  return await t.mutation(users.create, {
    name: "Ada",
    email: "ada@example.com",
    emailVerificationTime: 1_000,
    phone: "+15550100",
    phoneVerificationTime: 2_000,
  });
}

describe("a changed address is unverified", () => {
  test("a new email clears emailVerificationTime and leaves the phone's", async () => {
    const t = makeAuthTest();
    const userId = await verifiedUser(t);
    await update(t, userId, { email: "ada@new.example.com" });
    const user = await get(t, userId);
    expect(user).toMatchObject({ email: "ada@new.example.com", phone: "+15550100", phoneVerificationTime: 2_000 });
    expect(user).not.toHaveProperty("emailVerificationTime");
  });

  test("a new phone clears phoneVerificationTime and leaves the email's", async () => {
    const t = makeAuthTest();
    const userId = await verifiedUser(t);
    await t.mutation(users.update, { userId, patch: { phone: "+15550199" } });
    const user = await get(t, userId);
    expect(user).toMatchObject({ phone: "+15550199", email: "ada@example.com", emailVerificationTime: 1_000 });
    expect(user).not.toHaveProperty("phoneVerificationTime");
  });

  test("the same address again (the email in another case) stays verified", async () => {
    const t = makeAuthTest();
    const userId = await verifiedUser(t);
    await update(t, userId, { email: "  ADA@Example.com ", phone: "+15550100", name: "Ada L." });
    expect(await get(t, userId)).toMatchObject({
      name: "Ada L.",
      email: "ada@example.com",
      emailVerificationTime: 1_000,
      phone: "+15550100",
      phoneVerificationTime: 2_000,
    });
  });

  test("unsetting an address clears its verification", async () => {
    const t = makeAuthTest();
    const userId = await verifiedUser(t);
    await update(t, userId, { email: null, phone: null });
    const user = await get(t, userId);
    for (const field of ["email", "emailVerificationTime", "phone", "phoneVerificationTime"]) {
      expect(user).not.toHaveProperty(field);
    }
  });

  test("a verification time set in the same patch is kept", async () => {
    const t = makeAuthTest();
    const userId = await verifiedUser(t);
    await update(t, userId, { email: "ada@new.example.com", emailVerificationTime: 5_000 });
    expect(await get(t, userId)).toMatchObject({ email: "ada@new.example.com", emailVerificationTime: 5_000 });
  });

  test("an email another user holds is refused through auth.user.update, and nothing changes", async () => {
    const t = makeAuthTest();
    await t.mutation(users.create, { email: "taken@example.com" });
    const userId = await verifiedUser(t);
    await expectAuthError(update(t, userId, { email: "TAKEN@example.com", name: "X" }), "EMAIL_TAKEN");
    expect(await get(t, userId)).toMatchObject({ name: "Ada", email: "ada@example.com", emailVerificationTime: 1_000 });
  });
});

describe("profile bounds", () => {
  test("a 500 kB name is refused by update and create, and nothing is written", async () => {
    const t = makeAuthTest();
    const userId = await verifiedUser(t);
    const huge = "x".repeat(500_000);
    await expectAuthError(update(t, userId, { name: huge, email: "other@example.com" }), "INVALID_ARGUMENT");
    expect(await get(t, userId)).toMatchObject({ name: "Ada", email: "ada@example.com", emailVerificationTime: 1_000 });
    await expectAuthError(t.mutation(users.create, { name: huge, email: "new@example.com" }), "INVALID_ARGUMENT");
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(1);
  });

  test("name, image and extend are bounded; values at the bound are stored", async () => {
    const t = makeAuthTest();
    const userId = await t.mutation(users.create, {});
    const extendOf = (length: number) => ({ s: "y".repeat(length - JSON.stringify({ s: "" }).length) });
    await update(t, userId, {
      name: "n".repeat(MAX_NAME_LENGTH),
      image: "i".repeat(MAX_IMAGE_LENGTH),
      extend: extendOf(MAX_EXTEND_LENGTH),
    });
    expect((await get(t, userId))?.name).toHaveLength(MAX_NAME_LENGTH);
    await expectAuthError(update(t, userId, { name: "n".repeat(MAX_NAME_LENGTH + 1) }), "INVALID_ARGUMENT");
    await expectAuthError(update(t, userId, { image: "i".repeat(MAX_IMAGE_LENGTH + 1) }), "INVALID_ARGUMENT");
    await expectAuthError(update(t, userId, { extend: extendOf(MAX_EXTEND_LENGTH + 1) }), "INVALID_ARGUMENT");
    await expectAuthError(t.mutation(users.create, { image: "i".repeat(MAX_IMAGE_LENGTH + 1) }), "INVALID_ARGUMENT");
    await expectAuthError(t.mutation(users.create, { extend: extendOf(MAX_EXTEND_LENGTH + 1) }), "INVALID_ARGUMENT");
    // Unsetting is always allowed.
    await update(t, userId, { name: null, image: null, extend: null });
    expect(await get(t, userId)).not.toHaveProperty("name");
    expect(await t.query(probe.rows, { table: "users" })).toHaveLength(1);
  });

  test("checkProfile counts bytes and int64 values in extend", () => {
    expect(() => checkProfile({ extend: { big: 1n, bytes: new ArrayBuffer(16) } })).not.toThrow();
    expect(() => checkProfile({ extend: { bytes: new ArrayBuffer(MAX_EXTEND_LENGTH) } })).toThrow(/extend/);
  });
});
