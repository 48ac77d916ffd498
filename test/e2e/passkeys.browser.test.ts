// @vitest-environment node
/**
 * The Passkeys page (#/passkeys) in Chromium against the embedded dev
 * backend, with a Chrome DevTools virtual authenticator (CTAP2, internal
 * transport, resident keys, user verification) standing in for the device's
 * screen lock: a passkey-only sign-up that lists the passkey, a usernameless
 * sign-in as the same user after signing out, a refusal when the device holds
 * no passkey for the site, and a password account that adds a passkey and
 * then signs in with it.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { addVirtualAuthenticator } from "./app/browser.js";
import { startDevApp, type DevApp, type Device } from "./app/devApp.js";
import { card, signUpWithPassword, signedInCard } from "./app/pages.js";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp();
});
afterAll(async () => {
  await app?.stop();
});

/** A fresh device with a virtual authenticator, at the Passkeys page. */
async function passkeyDevice(): Promise<Device & { authenticatorId: string }> {
  const device = await app.device("#/passkeys");
  const authenticatorId = await addVirtualAuthenticator(device.cdp);
  return { ...device, authenticatorId };
}

/** The Passkeys page's list of the signed-in user's passkeys. */
const passkeyList = (page: Page) => card(page, "Your passkeys");

/** What the Account page says about the signed-in user (name, email, id). */
async function accountDetails(page: Page): Promise<{ name: string; email: string; id: string }> {
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Account" }).click();
  const details = signedInCard(page);
  await expect.poll(() => details.locator("dd code").innerText(), { timeout: 15_000 }).toMatch(/\S/);
  const [name, email, id] = await details.locator("dd").allInnerTexts();
  return { name: name!.trim(), email: email!.trim(), id: id!.trim() };
}

async function openPasskeys(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Passkeys" }).click();
  await page.getByRole("heading", { name: "Passkeys", level: 1 }).waitFor();
}

async function signOutOnPasskeysPage(page: Page): Promise<void> {
  await card(page, "Try it").getByRole("button", { name: "Sign out" }).click();
  await card(page, "Sign in with a passkey").waitFor({ timeout: 15_000 });
}

/** "Sign in with a passkey", with no email: the browser offers any passkey of this site. */
async function usernamelessSignIn(page: Page): Promise<void> {
  const form = card(page, "Sign in with a passkey");
  await form.getByLabel("Email").fill("");
  await form.getByRole("button", { name: "Sign in with a passkey" }).click();
}

test("passkey sign-up (no password), sign-out, usernameless sign-in as the same user", async () => {
  const { page, cdp, authenticatorId, close } = await passkeyDevice();

  const signUp = card(page, "New account with a passkey");
  await signUp.getByLabel("Name").fill("Pia");
  await signUp.getByLabel("Email").fill("pia@example.com");
  await signUp.getByRole("button", { name: "Create account" }).click();

  // Signed in: the page lists the passkey the device just made.
  const list = passkeyList(page);
  await expect.poll(() => list.getByRole("listitem").count(), { timeout: 20_000 }).toBe(1);
  await expect.poll(() => list.getByRole("listitem").first().innerText()).toContain("Passkey 1");
  expect(await card(page, "Sign in with a passkey").count()).toBe(0);
  await app.screenshot(page, "passkeys-signed-up-listed");
  // The authenticator really holds a discoverable credential for this site.
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: "localhost" });

  const signedUpAs = await accountDetails(page);
  expect(signedUpAs).toMatchObject({ name: "Pia", email: "pia@example.com" });

  await openPasskeys(page);
  await signOutOnPasskeysPage(page);

  // Usernameless: no email typed, the device's passkey names the user.
  await usernamelessSignIn(page);
  await expect.poll(() => passkeyList(page).getByRole("listitem").count(), { timeout: 20_000 }).toBe(1);
  // Used just now: "last used" is no longer "never".
  await expect.poll(() => passkeyList(page).getByRole("listitem").first().innerText()).not.toMatch(/last used\s+never/);
  await app.screenshot(page, "passkeys-signed-in-with-passkey");
  expect(await accountDetails(page)).toEqual(signedUpAs);
  await close();
});

test("a device with no passkey for the site is refused and stays signed out", async () => {
  const owner = await passkeyDevice();
  const signUp = card(owner.page, "New account with a passkey");
  await signUp.getByLabel("Email").fill("quinn@example.com");
  await signUp.getByRole("button", { name: "Create account" }).click();
  await expect.poll(() => passkeyList(owner.page).getByRole("listitem").count(), { timeout: 20_000 }).toBe(1);
  await owner.close();

  // Another device whose authenticator holds nothing for this site.
  const { page, close } = await passkeyDevice();
  await usernamelessSignIn(page);
  const form = card(page, "Sign in with a passkey");
  await expect
    .poll(() => form.getByRole("alert").innerText().catch(() => ""), { timeout: 20_000 })
    .toMatch(/NotAllowedError|timed out or was not allowed/i);
  await expect.poll(() => form.getByRole("button", { name: "Sign in with a passkey" }).isEnabled()).toBe(true);
  await app.screenshot(page, "passkeys-sign-in-refused");
  // Still signed out, here and on the Account page.
  expect(await passkeyList(page).count()).toBe(0);
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Account" }).click();
  await page.getByRole("tab", { name: "Sign up" }).waitFor();
  expect(await signedInCard(page).count()).toBe(0);

  // Even with the email hint, a passkey that is not on this device does not sign in.
  await openPasskeys(page);
  await form.getByLabel("Email").fill("quinn@example.com");
  await form.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect
    .poll(() => form.getByRole("alert").innerText().catch(() => ""), { timeout: 20_000 })
    .toMatch(/NotAllowedError|timed out or was not allowed/i);
  expect(await passkeyList(page).count()).toBe(0);
  await close();
});

test("a password account adds a passkey, then signs in with it", async () => {
  const { page, cdp, authenticatorId, close } = await passkeyDevice();
  await signUpWithPassword(page, { email: "rae@example.com", password: "correct horse battery", name: "Rae" });
  await expect.poll(() => signedInCard(page).innerText(), { timeout: 20_000 }).toContain("rae@example.com");
  const passwordUser = await accountDetails(page);

  await openPasskeys(page);
  const list = passkeyList(page);
  await expect.poll(() => list.innerText(), { timeout: 15_000 }).toContain("No passkeys yet.");
  const add = card(page, "Add a passkey");
  await add.getByLabel("Name").fill("Work laptop");
  await add.getByRole("button", { name: "Add a passkey" }).click();
  await expect.poll(() => add.getByRole("status").innerText().catch(() => ""), { timeout: 20_000 }).toBe("Passkey added.");
  await expect.poll(() => list.getByRole("listitem").count()).toBe(1);
  await expect.poll(() => list.getByRole("listitem").first().innerText()).toContain("Work laptop");
  await app.screenshot(page, "passkeys-added-to-password-account");
  expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(1);

  // Adding it again on the same device is refused (the server excludes credentials it has).
  await add.getByRole("button", { name: "Add a passkey" }).click();
  await expect.poll(() => add.getByRole("alert").innerText().catch(() => ""), { timeout: 20_000 }).toMatch(/InvalidStateError|registered/i);
  expect(await list.getByRole("listitem").count()).toBe(1);

  await signOutOnPasskeysPage(page);
  await usernamelessSignIn(page);
  await expect.poll(() => passkeyList(page).getByRole("listitem").count(), { timeout: 20_000 }).toBe(1);
  expect(await accountDetails(page)).toEqual(passwordUser);

  // And with the email hint too.
  await openPasskeys(page);
  await signOutOnPasskeysPage(page);
  const signIn = card(page, "Sign in with a passkey");
  await signIn.getByLabel("Email").fill("rae@example.com");
  await signIn.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect.poll(() => passkeyList(page).getByRole("listitem").count(), { timeout: 20_000 }).toBe(1);
  expect((await accountDetails(page)).id).toBe(passwordUser.id);
  await close();
});
