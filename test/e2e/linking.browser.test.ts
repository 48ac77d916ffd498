// @vitest-environment node
/**
 * Linking on the Account page in Chromium against the embedded dev
 * backend: a guest with a note creates an account with a password and
 * keeps the note (same user id, a new session); a signed-in user connects GitHub (the
 * local GitHub look-alike, test/e2e/app/oauthMock.ts), sees it in "Linked
 * accounts", disconnects it; disconnecting the last way in is refused
 * (LAST_FACTOR) in the page.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { DevApp } from "./app/devApp.js";
import { startDevAppWithGitHub, type GitHubOnLocalhost } from "./app/oauthMock.js";
import { card, signInWithPassword, signUpWithPassword, signedInCard } from "./app/pages.js";

let app: DevApp;
/** The GitHub look-alike (test/fixtures/oauthServers.ts) on localhost. */
let github: GitHubOnLocalhost;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ app, github, stop } = await startDevAppWithGitHub());
});
afterAll(async () => {
  await stop?.();
});

const NETWORK = { timeout: 20_000 };
const PW = "correct horse battery";

const linked = (page: Page) => card(page, "Linked accounts");
const notes = (page: Page) => card(page, "Your notes");

/** The Account page's Id of the signed-in user. */
async function userId(page: Page): Promise<string> {
  await signedInCard(page).waitFor(NETWORK);
  return (await signedInCard(page).locator("code").innerText()).trim();
}

/** The providers "Linked accounts" lists, as shown ("Password · ann@example.com"). */
async function linkedRows(page: Page): Promise<string[]> {
  const rows = linked(page).getByRole("listitem");
  return (await rows.allInnerTexts()).map((text) => text.split("\n")[0]!.trim());
}

test("a guest with a note creates an account with a password and keeps the note", async () => {
  const { page } = await app.device("#/sign-in");
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await page.getByText("You are a guest.").waitFor(NETWORK);
  await page.goto(new URL("#/account", page.url()).href);
  const guestId = await userId(page);
  await expect.poll(() => signedInCard(page).innerText()).toContain("A guest");

  await notes(page).getByLabel("New note").fill("bought milk");
  await notes(page).getByRole("button", { name: "Add note" }).click();
  await expect.poll(() => notes(page).getByRole("listitem").allInnerTexts(), NETWORK).toEqual(["bought milk"]);
  // No way to sign in yet: the guest account is not listed.
  await expect.poll(() => linked(page).innerText(), NETWORK).toContain("None yet.");

  const form = card(page, "Create an account");
  await expect.poll(() => form.innerText()).toContain("You are a guest");
  await app.screenshot(page, "account-guest");
  await form.getByLabel("Email").fill("gwen@example.com");
  await form.getByLabel("Password", { exact: true }).fill(PW);
  await form.getByRole("button", { name: "Sign up" }).click();

  await expect.poll(() => signedInCard(page).innerText(), NETWORK).toContain("gwen@example.com");
  expect(await userId(page)).toBe(guestId);
  expect(await signedInCard(page).innerText()).not.toContain("A guest");
  await expect.poll(() => card(page, "Create an account").count()).toBe(0);
  // The account's new session renders afresh (the guest's ended): the note loads again.
  await expect.poll(() => notes(page).getByRole("listitem").allInnerTexts(), NETWORK).toEqual(["bought milk"]);
  await expect.poll(() => linkedRows(page), NETWORK).toEqual(["Password · gwen@example.com"]);

  // Signed out and back in with the password: the same user, the note still there.
  await signedInCard(page).getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("tab", { name: "Sign up" }).waitFor(NETWORK);
  await signInWithPassword(page, { email: "gwen@example.com", password: PW });
  expect(await userId(page)).toBe(guestId);
  await expect.poll(() => notes(page).getByRole("listitem").allInnerTexts(), NETWORK).toEqual(["bought milk"]);
}, 90_000);

test("a signed-in user connects GitHub, sees it listed, disconnects it; the last way in cannot go", async () => {
  github.who({ sub: "5150", email: "octo@github.example", emailVerified: true, name: "Octo" });
  const { page } = await app.device();
  await signUpWithPassword(page, { email: "lin@example.com", password: PW });
  const id = await userId(page);
  await expect.poll(() => linkedRows(page), NETWORK).toEqual(["Password · lin@example.com"]);

  await linked(page).getByRole("button", { name: "Connect GitHub" }).click();
  // Through the mock's authorize page and the backend's callback, back to the Account page.
  await expect.poll(() => linkedRows(page), NETWORK).toEqual(["GitHub · octo@github.example", "Password · lin@example.com"]);
  expect(new URL(page.url()).origin).toBe(app.appUrl);
  expect(page.url()).not.toContain("code=");
  // Still the same user and session, with their own email.
  expect(await userId(page)).toBe(id);
  expect(await signedInCard(page).innerText()).toContain("lin@example.com");
  await expect.poll(() => linked(page).getByRole("button", { name: "Connect GitHub" }).count()).toBe(0);
  await app.screenshot(page, "account-linked-accounts");

  const row = (provider: string) => linked(page).getByRole("listitem").filter({ hasText: provider });
  await row("GitHub").getByRole("button", { name: "Disconnect" }).click();
  await expect.poll(() => linkedRows(page), NETWORK).toEqual(["Password · lin@example.com"]);
  await expect.poll(() => linked(page).getByRole("status").innerText()).toContain("Disconnected GitHub.");

  // The password is the last way in: refused, and still listed.
  await row("Password").getByRole("button", { name: "Disconnect" }).click();
  const refused = linked(page).getByRole("alert");
  await refused.waitFor(NETWORK);
  expect(await refused.innerText()).toContain("LAST_FACTOR");
  expect(await linkedRows(page)).toEqual(["Password · lin@example.com"]);
  await app.screenshot(page, "account-last-factor");
}, 90_000);
