// @vitest-environment node
/**
 * The API keys page (#/api-keys) in Chromium against the embedded dev
 * backend, and the example's key-protected HTTP endpoint
 * (example/convex/apiKeyRoutes.ts, `GET`/`POST /api/profile` on the site
 * origin) called from Node as a script would: a key made in the UI, its
 * secret shown once, 200 with the owner's profile, 401 without a key or
 * with a wrong one, 403 without the scope, and 401 once the key is revoked
 * in the UI, which then lists it as revoked.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDevApp, type DevApp } from "./app/devApp.js";
import { card, signUpWithPassword, signedInCard } from "./app/pages.js";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp();
});
afterAll(async () => {
  await app?.stop();
});

/** `GET /api/profile` as a script calls it: `Authorization: Bearer <key>` (none when `key` is null). */
async function getProfile(key: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${app.siteUrl}/api/profile`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Fills the "Create a key" form and returns the secret the page shows once (then dismisses it). */
async function createKey(page: Page, name: string, scopes: { profile?: string[]; sessions?: string[] }): Promise<string> {
  const form = card(page, "Create a key");
  await form.getByLabel("Name").fill(name);
  for (const resource of ["profile", "sessions"] as const) {
    const group = form.getByRole("group", { name: resource, exact: true });
    await group.waitFor({ timeout: 15_000 });
    for (const action of ["read", "write"]) {
      const box = group.getByRole("checkbox", { name: action, exact: true });
      if ((await box.count()) === 0) continue;
      await box.setChecked(scopes[resource]?.includes(action) ?? false);
    }
  }
  await form.getByRole("button", { name: "Create key" }).click();
  const shown = card(page, /Your new key/);
  await shown.waitFor({ timeout: 20_000 });
  const secret = (await shown.locator("code").innerText()).trim();
  expect(secret).toMatch(/^sk_test_\S{16,}$/);
  expect(await shown.innerText()).toContain(name);
  return secret;
}

/** The key list's row for the key named `name`. */
const keyRow = (page: Page, name: string) =>
  card(page, "Your keys").getByRole("listitem").filter({ has: page.locator("strong", { hasText: name }) });

test("a key made in the UI calls the HTTP API; wrong, missing, under-scoped and revoked keys are refused", async () => {
  const { page, close } = await app.device();
  await signUpWithPassword(page, { email: "kim@example.com", password: "correct horse battery", name: "Kim" });
  await expect.poll(() => signedInCard(page).innerText(), { timeout: 20_000 }).toContain("kim@example.com");
  const userId = (await signedInCard(page).locator("dd code").innerText()).trim();
  expect(userId).not.toBe("");

  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "API keys" }).click();
  await expect.poll(() => card(page, "Your keys").innerText(), { timeout: 15_000 }).toContain("No keys yet.");

  // A read-only profile key; its secret is on the page once.
  const secret = await createKey(page, "Profile reader", { profile: ["read"] });
  await app.screenshot(page, "api-keys-secret-shown-once");
  // The "Try it" card shows it in a ready-to-run curl command while it is shown.
  const tryIt = await card(page, "Call the API with a key").innerText();
  expect(tryIt).toContain(secret);
  // ...against this deployment's HTTP actions origin.
  expect(tryIt).toContain(`${app.siteUrl}/api/profile`);
  await card(page, /Your new key/).getByRole("button", { name: "Done" }).click();
  await card(page, "Create a key").waitFor();
  // Dismissed: the secret is nowhere on the page any more, only its prefix in the list.
  expect(await page.locator("body").innerText()).not.toContain(secret);
  const row = keyRow(page, "Profile reader");
  await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain("active");
  expect(await row.innerText()).toContain("profile:read");
  expect(await row.innerText()).toMatch(/last used\s+never/);

  // The key works: 200 with the owner's profile.
  const ok = await getProfile(secret);
  expect(ok).toEqual({ status: 200, body: { id: userId, name: "Kim", email: "kim@example.com" } });
  // The list shows it was used (live, no reload).
  await expect.poll(() => row.innerText(), { timeout: 15_000 }).not.toMatch(/last used\s+never/);

  // No key, a made-up key, the real key with one character changed: 401.
  const none = await getProfile(null);
  expect(none.status).toBe(401);
  expect(none.body.code).toBe("INVALID_API_KEY");
  expect((await getProfile("sk_test_not-a-real-key")).status).toBe(401);
  const last = secret.at(-1)!;
  const tampered = await getProfile(secret.slice(0, -1) + (last === "A" ? "B" : "A"));
  expect(tampered.status).toBe(401);
  expect(tampered.body).not.toHaveProperty("email");

  // The read-only key may not rename (POST needs profile:write): 403, name unchanged.
  const write = await fetch(`${app.siteUrl}/api/profile`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Mallory" }),
  });
  expect(write.status).toBe(403);
  expect(await write.json()).toMatchObject({ code: "INSUFFICIENT_SCOPE" });
  expect((await getProfile(secret)).body.name).toBe("Kim");

  // A key with only sessions:read: 403 on the profile.
  const sessionsOnly = await createKey(page, "Sessions only", { sessions: ["read"] });
  await card(page, /Your new key/).getByRole("button", { name: "Done" }).click();
  const forbidden = await getProfile(sessionsOnly);
  expect(forbidden.status).toBe(403);
  expect(forbidden.body).toMatchObject({ code: "INSUFFICIENT_SCOPE" });
  expect(forbidden.body).not.toHaveProperty("email");
  await expect.poll(() => keyRow(page, "Sessions only").innerText(), { timeout: 15_000 }).toContain("sessions:read");
  await expect.poll(() => card(page, "Your keys").getByRole("listitem").count()).toBe(2);
  await app.screenshot(page, "api-keys-list-active");

  // Revoke, but cancel the confirmation: nothing changes, the key still works.
  const asked: string[] = [];
  page.once("dialog", (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect.poll(() => asked).toEqual(['Revoke "Profile reader"? Programs using it will stop working.']);
  expect((await getProfile(secret)).status).toBe(200);
  expect(await row.innerText()).toContain("active");

  // Revoke for real: the list says revoked (no actions left), and the same request is refused.
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect.poll(() => card(page, "Your keys").getByRole("status").innerText().catch(() => ""), { timeout: 15_000 })
    .toBe('Revoked "Profile reader".');
  await expect.poll(() => row.innerText()).toMatch(/revoked/);
  expect(await row.locator(".badge").innerText()).toBe("revoked");
  expect(await row.getByRole("button").count()).toBe(0);
  const revoked = await getProfile(secret);
  expect(revoked.status).toBe(401);
  expect(revoked.body).not.toHaveProperty("email");
  expect(revoked.body.code).toBe("API_KEY_REVOKED");
  // The other key is untouched.
  expect(await keyRow(page, "Sessions only").locator(".badge").innerText()).toBe("active");
  await app.screenshot(page, "api-keys-list-revoked");
  await close();
});

test("keys belong to their user: another account sees none of them", async () => {
  const owner = await app.device("#/account");
  await signUpWithPassword(owner.page, { email: "lee@example.com", password: "correct horse battery" });
  await signedInCard(owner.page).waitFor({ timeout: 20_000 });
  await owner.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "API keys" }).click();
  const secret = await createKey(owner.page, "Lee's script", { profile: ["read", "write"] });

  // A read-write key renames its owner through POST.
  const renamed = await fetch(`${app.siteUrl}/api/profile`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Lee from a script" }),
  });
  expect(renamed.status).toBe(200);
  await owner.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Account" }).click();
  await expect.poll(() => signedInCard(owner.page).innerText(), { timeout: 15_000 }).toContain("Lee from a script");

  const other = await app.device("#/account");
  await signUpWithPassword(other.page, { email: "max@example.com", password: "correct horse battery" });
  await signedInCard(other.page).waitFor({ timeout: 20_000 });
  await other.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "API keys" }).click();
  await expect.poll(() => card(other.page, "Your keys").innerText(), { timeout: 15_000 }).toContain("No keys yet.");
  expect((await getProfile(secret)).body.email).toBe("lee@example.com");

  // Signed out, the page asks to sign in and shows no keys.
  await owner.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Account" }).click();
  await signedInCard(owner.page).getByRole("button", { name: "Sign out" }).click();
  await owner.page.getByRole("tab", { name: "Sign up" }).waitFor({ timeout: 15_000 });
  await owner.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "API keys" }).click();
  await card(owner.page, "Sign in first").waitFor();
  expect(await card(owner.page, "Your keys").count()).toBe(0);
  // A key outlives the browser session that made it: it still works for scripts.
  expect((await getProfile(secret)).status).toBe(200);
  await owner.close();
  await other.close();
});
