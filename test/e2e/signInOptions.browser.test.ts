// @vitest-environment node
/**
 * The example's "More sign-in" page (#/sign-in) in Chromium against the
 * embedded dev backend: an email one-time code (read from the page's dev
 * outbox, a wrong one refused), a magic link opened in the browser that
 * asked (signs in) and in another browser (asks first: PendingSignIn.tsx;
 * Cancel changes nothing, confirming signs in as the link's account and
 * never upgrades the guest who opened it), a guest upgraded by an email
 * code (same user id), and GitHub OAuth against a local GitHub look-alike
 * (test/fixtures/oauthServers.ts), including a provider that refuses.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { DevApp } from "./app/devApp.js";
import { startDevAppWithGitHub, type GitHubOnLocalhost } from "./app/oauthMock.js";
import { card, signedInCard } from "./app/pages.js";

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

/** The page's "Email" card. */
const emailCard = (page: Page) => card(page, /^Email$/);
/** The dev outbox ("Development mail catcher") in the Email card. */
const outbox = (page: Page) => emailCard(page).getByLabel("Development mail catcher");
/** The "More sign-in" page's own "Signed in" card ("As …" or "You are a guest"). */
const signInPageCard = (page: Page) => card(page, /^Signed in$/);

async function openSignInPage(page: Page): Promise<void> {
  await page.goto(new URL("#/sign-in", page.url()).href);
  await page.getByRole("heading", { name: "More ways to sign in" }).waitFor();
}

/** Asks for a code to `email` on the sign-in page and reads it from the dev outbox. */
async function requestCode(page: Page, email: string): Promise<string> {
  await emailCard(page).getByLabel("Email").fill(email);
  await emailCard(page).getByRole("button", { name: "Email me a code" }).click();
  const code = outbox(page).locator("code");
  await code.waitFor(NETWORK);
  return (await code.innerText()).trim();
}

/** Enters `code` in the Email card's "Code sent to …" field and signs in. */
async function enterCode(page: Page, code: string): Promise<void> {
  await emailCard(page).getByLabel(/^Code sent to/).fill(code);
  await emailCard(page).getByRole("button", { name: "Sign in" }).click();
}

/** Asks for a sign-in link to `email` on the sign-in page of `page` and reads its URL from the dev outbox. */
async function requestLink(page: Page, email: string): Promise<string> {
  await openSignInPage(page);
  await emailCard(page).getByLabel("Email").fill(email);
  await emailCard(page).getByRole("button", { name: "Email me a link" }).click();
  await expect
    .poll(() => emailCard(page).getByRole("status").innerText(), NETWORK)
    .toContain(`If ${email} can sign in, a link is on its way`);
  const link = outbox(page).getByRole("link", { name: "open the sign-in link" });
  await link.waitFor(NETWORK);
  const href = await link.getAttribute("href");
  expect(href).toMatch(new RegExp(`^${app.appUrl}/.*[?&]code=`));
  return href!;
}

/** The Account page's details of the signed-in user: Id and Email. */
async function accountDetails(page: Page): Promise<{ id: string; email: string }> {
  await page.goto(new URL("#/account", page.url()).href);
  const details = signedInCard(page);
  await details.waitFor(NETWORK);
  const id = (await details.locator("code").innerText()).trim();
  const email = (await details.locator("dt:text-is('Email') + dd").innerText()).trim();
  return { id, email };
}

/** The "Confirm sign-in" prompt (PendingSignIn.tsx) a link opened in another browser shows. */
const confirmPrompt = (page: Page) => page.getByRole("region", { name: "Confirm sign-in" });

test("email code: a wrong code is refused, the code from the outbox signs in", async () => {
  const { page } = await app.device("#/sign-in");
  const email = "olga@example.com";
  const code = await requestCode(page, email);
  expect(code).toMatch(/^\d{8}$/);
  await expect.poll(() => outbox(page).innerText()).toContain("Your sign-in code");
  await app.screenshot(page, "sign-in-outbox-code");

  // A wrong code (one digit off) is refused, and nobody is signed in.
  const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
  await enterCode(page, wrong);
  await expect.poll(() => emailCard(page).getByRole("alert").innerText(), NETWORK).toContain("INVALID_CODE");
  expect(await signInPageCard(page).count()).toBe(0);

  await enterCode(page, code);
  await expect.poll(() => signInPageCard(page).innerText(), NETWORK).toContain(`As ${email}.`);
  expect((await accountDetails(page)).email).toBe(email);
}, 60_000);

test("magic link opened in the browser that asked for it signs in", async () => {
  const { page } = await app.device("#/sign-in");
  const email = "lin@example.com";
  const href = await requestLink(page, email);
  await page.goto(href);
  await expect.poll(() => signInPageCard(page).innerText(), NETWORK).toContain(`As ${email}.`);
  // It did not ask: this browser asked for the link.
  expect(await confirmPrompt(page).count()).toBe(0);
  // The code left the address bar.
  expect(page.url()).not.toContain("code=");
  expect((await accountDetails(page)).email).toBe(email);
}, 60_000);

test("magic link opened in another browser asks first: Cancel keeps it signed out, confirming signs in", async () => {
  const laptop = await app.device("#/sign-in");
  const email = "max@example.com";
  const href = await requestLink(laptop.page, email);

  // The phone opens the mail's link: it does not sign in by itself, it asks, naming the account.
  const phone = await app.device("#/sign-in");
  await phone.page.goto(href);
  const prompt = confirmPrompt(phone.page);
  await prompt.waitFor(NETWORK);
  await expect.poll(() => prompt.innerText()).toContain(`A sign-in link for ${email} was opened in this browser, which did not ask for it. Sign in as ${email}?`);
  await expect.poll(() => prompt.innerText()).toMatch(/Choose Cancel unless you asked for this link yourself/);
  await app.screenshot(phone.page, "sign-in-magic-link-confirm");
  // Nothing happened yet: the page below still offers the ways to sign in.
  await phone.page.getByRole("button", { name: "Continue as guest" }).waitFor();
  expect(await signInPageCard(phone.page).count()).toBe(0);

  // Cancel: the prompt goes, and the phone is still signed out (after a reload too).
  await prompt.getByRole("button", { name: "Cancel" }).click();
  await prompt.waitFor({ state: "detached" });
  await phone.page.reload();
  await phone.page.getByRole("button", { name: "Continue as guest" }).waitFor(NETWORK);
  expect(await signInPageCard(phone.page).count()).toBe(0);
  expect(await confirmPrompt(phone.page).count()).toBe(0);

  // The person did ask (on the laptop): opening it again and confirming signs the phone in.
  await phone.page.goto(href);
  await prompt.waitFor(NETWORK);
  await prompt.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => signInPageCard(phone.page).innerText(), NETWORK).toContain(`As ${email}.`);
  await prompt.waitFor({ state: "detached" });
  expect((await accountDetails(phone.page)).email).toBe(email);

  // The link was single use: opened again (even by the laptop that asked), it signs nobody in,
  // and the page says why.
  await laptop.page.goto(href);
  const dead = laptop.page.getByRole("alert").filter({ hasText: "That sign-in link or return did not work" });
  await dead.waitFor(NETWORK);
  expect(await dead.innerText()).toContain("INVALID_CODE");
  expect(laptop.page.url()).not.toContain("code=");
  await laptop.page.getByRole("button", { name: "Continue as guest" }).waitFor();
  expect(await signInPageCard(laptop.page).count()).toBe(0);
  await laptop.close();
  await phone.close();
}, 90_000);

test("someone else's link opened by a signed-in guest: Cancel keeps the guest; confirming switches accounts and never upgrades the guest", async () => {
  // The victim is a guest with data of their own (their user id).
  const victim = await app.device("#/sign-in");
  await victim.page.getByRole("button", { name: "Continue as guest" }).click();
  await expect.poll(() => signInPageCard(victim.page).innerText(), NETWORK).toContain("You are a guest");
  const guest = await accountDetails(victim.page);
  expect(guest.email).toBe("—");

  // An attacker asks for a link to their own address and sends it to the victim.
  const attacker = await app.device("#/sign-in");
  const href = await requestLink(attacker.page, "mallory@example.com");

  await victim.page.goto(href);
  const prompt = confirmPrompt(victim.page);
  await prompt.waitFor(NETWORK);
  await expect.poll(() => prompt.innerText()).toContain("Sign in as mallory@example.com?");
  await expect.poll(() => prompt.innerText()).toContain("You are signed in now; signing in switches this browser to that account.");
  await prompt.getByRole("button", { name: "Cancel" }).click();
  await prompt.waitFor({ state: "detached" });
  // Still the same guest.
  expect(await accountDetails(victim.page)).toEqual(guest);

  // Confirmed anyway: this browser switches to mallory's account, a user of its own; the
  // guest is not upgraded (mallory's address did not move into the victim's user).
  await victim.page.goto(href);
  await prompt.waitFor(NETWORK);
  await prompt.getByRole("button", { name: "Sign in" }).click();
  await prompt.waitFor({ state: "detached", ...NETWORK });
  await expect.poll(async () => (await accountDetails(victim.page)).email, NETWORK).toBe("mallory@example.com");
  expect((await accountDetails(victim.page)).id).not.toBe(guest.id);
  await victim.close();
  await attacker.close();
}, 90_000);

test("guest, then upgraded by an email code: the same user id, no longer a guest", async () => {
  const { page } = await app.device("#/sign-in");
  await page.getByRole("button", { name: "Continue as guest" }).click();
  await expect
    .poll(() => signInPageCard(page).innerText(), NETWORK)
    .toContain("You are a guest. Sign in below with GitHub, an email or a phone number to keep this account.");
  // A guest is offered the other ways to sign in, not "Continue as guest" again.
  await emailCard(page).waitFor();
  expect(await page.getByRole("button", { name: "Continue as guest" }).count()).toBe(0);
  await app.screenshot(page, "sign-in-guest");
  const guest = await accountDetails(page);
  expect(guest.email).toBe("—");

  await openSignInPage(page);
  const email = "gus@example.com";
  const code = await requestCode(page, email);
  await enterCode(page, code);
  await expect.poll(() => signInPageCard(page).innerText(), NETWORK).toContain(`As ${email}.`);
  expect(await accountDetails(page)).toEqual({ id: guest.id, email });
  // After a reload too: signed in as the upgraded user, not a guest.
  await openSignInPage(page);
  await page.reload();
  await expect.poll(() => signInPageCard(page).innerText(), NETWORK).toContain(`As ${email}.`);
}, 60_000);

test("GitHub: the mock authorizes and the app is signed in with its email", async () => {
  github.who({ sub: "4242", email: "octo@example.com", emailVerified: true, name: "Octo Cat" });
  const { page } = await app.device("#/sign-in");
  const authorize: string[] = [];
  page.on("request", (request) => {
    if (request.url().startsWith(`${github.url}/login/oauth/authorize`)) authorize.push(request.url());
  });
  await card(page, "GitHub").getByRole("button", { name: "Sign in with GitHub" }).click();
  // Through the mock's authorize page (auto-approved) and the backend's callback, back to the app.
  await expect.poll(() => signInPageCard(page).innerText(), NETWORK).toContain("As octo@example.com.");
  expect(authorize).toHaveLength(1);
  const asked = new URL(authorize[0]!);
  expect(asked.searchParams.get("client_id")).toBe("gh-client");
  expect(asked.searchParams.get("redirect_uri")).toBe(`${app.siteUrl}/api/auth/callback/github`);
  expect(asked.searchParams.get("code_challenge_method")).toBe("S256");
  expect(new URL(page.url()).origin).toBe(app.appUrl);
  expect(page.url()).not.toContain("code=");
  await app.screenshot(page, "sign-in-github");
  expect((await accountDetails(page)).email).toBe("octo@example.com");
}, 60_000);

test("GitHub refuses (the person denies access): the page says so and stays signed out", async () => {
  const { page } = await app.device("#/sign-in");
  github.mode = "deny";
  try {
    await card(page, "GitHub").getByRole("button", { name: "Sign in with GitHub" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Signing in with the provider did not work" });
    await alert.waitFor(NETWORK);
    await expect.poll(() => alert.innerText()).toContain("OAUTH_FAILED");
  } finally {
    github.mode = "approve";
  }
  expect(new URL(page.url()).origin).toBe(app.appUrl);
  expect(page.url()).not.toContain("authError"); // the page tidied the address bar
  expect(await signInPageCard(page).count()).toBe(0);
  await page.getByRole("button", { name: "Continue as guest" }).waitFor();
}, 60_000);

test("GitHub: a flow someone else started, finished in the victim's browser, signs nobody in", async () => {
  github.who({ sub: "666", email: "mallory@github.example", emailVerified: true });
  // The attacker starts a sign-in and stops at GitHub's redirect back (code and state in it).
  const attacker = await app.device("#/sign-in");
  github.mode = "hold";
  let callback: string;
  try {
    await card(attacker.page, "GitHub").getByRole("button", { name: "Sign in with GitHub" }).click();
    await expect.poll(() => github.held.length, NETWORK).toBe(1);
    callback = github.held[0]!;
  } finally {
    github.mode = "approve";
  }
  expect(callback.startsWith(`${app.siteUrl}/api/auth/callback/github?`)).toBe(true);
  expect(new URL(callback).searchParams.get("code")).toBeTruthy();

  // The victim is lured into opening it: their browser is not the one the flow is bound to.
  const victim = await app.device("#/sign-in");
  await victim.page.goto(callback);
  const alert = victim.page.getByRole("alert").filter({ hasText: "Signing in with the provider did not work" });
  await alert.waitFor(NETWORK);
  await expect.poll(() => alert.innerText()).toContain("OAUTH_FAILED");
  expect(await signInPageCard(victim.page).count()).toBe(0);
  await victim.page.getByRole("button", { name: "Continue as guest" }).waitFor();
  // And the flow is spent: the attacker's own browser cannot finish it now either. (An unknown
  // flow has no redirectTo: the callback sends it to SITE_URL, the Account page; the error
  // banner shows above every page.)
  await attacker.page.goto(callback);
  const spent = attacker.page.getByRole("alert").filter({ hasText: "Signing in with the provider did not work" });
  await spent.waitFor(NETWORK);
  expect(await spent.innerText()).toContain("OAUTH_FAILED");
  await attacker.page.getByRole("tab", { name: "Sign up" }).waitFor(NETWORK);
  expect(new URL(attacker.page.url()).origin).toBe(app.appUrl);
  await attacker.close();
  await victim.close();
}, 60_000);
