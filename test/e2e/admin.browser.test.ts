// @vitest-environment node
/**
 * The example's Admin page (#/admin) in Chromium against the embedded dev
 * backend, with ADMIN_EMAILS naming the admin. The admin signs in with an
 * email code from the dev outbox (which verifies the email: admins need a
 * verified one); a user signs up with a password on another device. The
 * admin finds them by search, opens their detail, bans them: the user's
 * device signs out at once and signing in again shows USER_BANNED; after
 * the unban they sign in. A non-admin sees "You are not an admin". Then the
 * admin marks the email verified and signs the user out everywhere, which
 * signs their device out live again.
 *
 * Impersonation: the admin impersonates another user from their detail,
 * lands on the Account page as that user under the banner (the admin
 * tools are refused meanwhile, the user's own device stays signed in),
 * stops from the banner and is the admin again; the live event feed shows
 * the impersonation starting and ending.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDevApp, type DevApp } from "./app/devApp.js";
import { card, signInWithPassword, signUpWithPassword, signedInCard } from "./app/pages.js";

const ADMIN = "admin@example.com";
const USER = { email: "zed@example.com", password: "correct horse battery", name: "Zed Zebra" };
const NETWORK = { timeout: 20_000 };

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp({ env: { ADMIN_EMAILS: ADMIN } });
});
afterAll(async () => {
  await app?.stop();
});

/** Signs in on the "More sign-in" page with an email code read from the dev outbox (verifying the email). */
async function signInWithEmailCode(page: Page, email: string): Promise<void> {
  await page.goto(new URL("#/sign-in", page.url()).href);
  const emailCard = card(page, /^Email$/);
  await emailCard.getByLabel("Email").fill(email);
  await emailCard.getByRole("button", { name: "Email me a code" }).click();
  const code = emailCard.getByLabel("Development mail catcher").locator("code");
  await code.waitFor(NETWORK);
  await emailCard.getByLabel(/^Code sent to/).fill((await code.innerText()).trim());
  await emailCard.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => card(page, /^Signed in$/).innerText(), NETWORK).toContain(`As ${email}.`);
}

const usersTable = (page: Page) => page.getByRole("table", { name: "Users" });
const detail = (page: Page) => page.getByRole("region", { name: "User detail" });
/** The user's device is signed out: the Account page offers sign-up again. */
const signedOut = (page: Page) => page.getByRole("tab", { name: "Sign up" }).waitFor(NETWORK);

test("an admin finds a user, bans them (signed out live, USER_BANNED), unbans them; a non-admin is refused", async () => {
  const admin = await app.device("#/sign-in");
  await signInWithEmailCode(admin.page, ADMIN);

  const user = await app.device();
  await signUpWithPassword(user.page, USER);
  await expect.poll(() => signedInCard(user.page).innerText(), NETWORK).toContain(USER.email);

  // The table: everyone, newest first.
  await admin.page.goto(new URL("#/admin", admin.page.url()).href);
  const table = usersTable(admin.page);
  await expect.poll(() => table.innerText(), NETWORK).toContain(USER.email);
  await expect.poll(() => table.innerText()).toContain(ADMIN);
  await app.screenshot(admin.page, "admin-users");

  // Search by a name prefix, in any case: only Zed.
  await admin.page.getByRole("searchbox", { name: "Search" }).fill("ZED z");
  await expect.poll(() => table.getByRole("row").count(), NETWORK).toBe(2); // header + Zed
  await expect.poll(() => table.innerText()).toContain(USER.email);
  // By an email prefix too.
  await admin.page.getByRole("searchbox", { name: "Search" }).fill("zed@");
  await expect.poll(() => table.getByRole("row").count(), NETWORK).toBe(2);
  // The "Email not verified" filter lists Zed, not the admin.
  await admin.page.getByRole("searchbox", { name: "Search" }).fill("");
  await admin.page.getByLabel("Filter").selectOption("unverified");
  await expect.poll(() => table.innerText(), NETWORK).toContain(USER.email);
  expect(await table.innerText()).not.toContain(ADMIN);
  await admin.page.getByLabel("Filter").selectOption("");

  // The detail: accounts, a session with its device.
  await table.getByRole("button", { name: USER.email }).click();
  const zed = detail(admin.page);
  await expect.poll(() => zed.innerText(), NETWORK).toContain(USER.name);
  await expect.poll(() => zed.getByRole("list", { name: "Sessions" }).innerText()).toMatch(/Chrom|Mozilla/);
  await expect.poll(() => zed.getByRole("list", { name: "Accounts" }).innerText()).toContain("password");
  await app.screenshot(admin.page, "admin-user-detail");

  // Ban: the user's device signs out without a reload, and cannot sign in again.
  await zed.getByLabel("Reason").fill("spam");
  await zed.getByRole("button", { name: "Ban" }).click();
  await expect.poll(() => zed.innerText(), NETWORK).toContain("“spam”");
  await signedOut(user.page);
  await signInWithPassword(user.page, USER);
  await expect.poll(() => user.page.getByRole("alert").first().innerText(), NETWORK).toContain("USER_BANNED");
  expect(await signedInCard(user.page).count()).toBe(0);
  // The table shows the ban (and the Banned filter lists Zed).
  await admin.page.getByLabel("Filter").selectOption("banned");
  await expect.poll(() => usersTable(admin.page).innerText(), NETWORK).toContain(USER.email);
  await admin.page.getByLabel("Filter").selectOption("");

  // Unban: they can sign in again.
  await zed.getByRole("button", { name: "Unban" }).click();
  await zed.getByRole("button", { name: "Ban" }).waitFor(NETWORK);
  await signInWithPassword(user.page, USER);
  await expect.poll(() => signedInCard(user.page).innerText(), NETWORK).toContain(USER.email);

  // A non-admin is refused.
  await user.page.goto(new URL("#/admin", user.page.url()).href);
  await expect.poll(() => user.page.getByRole("note").innerText(), NETWORK).toContain("You are not an admin");
  expect(await usersTable(user.page).count()).toBe(0);

  // Mark the email verified; sign them out everywhere: their device signs out live.
  await zed.getByRole("button", { name: "Mark email verified" }).click();
  await expect.poll(async () => /Email verified\s+no\b/.test(await zed.innerText()), NETWORK).toBe(false);
  expect(await zed.innerText()).not.toContain("unverified");
  await zed.getByRole("button", { name: "Mark email verified" }).waitFor({ state: "detached", ...NETWORK });
  await zed.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect.poll(() => zed.getByRole("status").innerText(), NETWORK).toContain("1 session ended");
  await user.page.getByRole("heading", { name: "Sign in first" }).waitFor(NETWORK);
  await expect.poll(() => zed.innerText(), NETWORK).toContain("No sessions");

  await admin.close();
  await user.close();
}, 120_000);

test("an admin impersonates a user: their data under a banner, stop, the admin again; the live feed shows it", async () => {
  const yan = { email: "yan@example.com", password: "correct horse battery", name: "Yan Yak" };
  const admin = await app.device("#/sign-in");
  await signInWithEmailCode(admin.page, ADMIN);
  const user = await app.device();
  await signUpWithPassword(user.page, yan);
  await expect.poll(() => signedInCard(user.page).innerText(), NETWORK).toContain(yan.email);

  await admin.page.goto(new URL("#/admin", admin.page.url()).href);
  await admin.page.getByRole("searchbox", { name: "Search" }).fill("yan@");
  const table = usersTable(admin.page);
  await expect.poll(() => table.getByRole("row").count(), NETWORK).toBe(2);
  await table.getByRole("button", { name: yan.email }).click();
  await detail(admin.page).getByRole("button", { name: "Impersonate" }).click();

  // The user's data (the Account page, as they see it), under the banner.
  const banner = admin.page.getByRole("region", { name: "Impersonation" });
  await expect.poll(() => banner.innerText(), NETWORK).toContain(`impersonating ${yan.email}`);
  expect(await banner.innerText()).toContain(ADMIN);
  await expect.poll(() => signedInCard(admin.page).innerText(), NETWORK).toContain(yan.name);
  expect(await signedInCard(admin.page).innerText()).toContain(yan.email);
  await app.screenshot(admin.page, "admin-impersonating");
  // The admin tools are refused meanwhile; the banner stays on every page.
  await admin.page.goto(new URL("#/admin", admin.page.url()).href);
  await expect.poll(() => admin.page.getByRole("note").innerText(), NETWORK).toContain("acting as another user");
  expect(await usersTable(admin.page).count()).toBe(0);
  expect(await banner.count()).toBe(1);
  // The user's own device is untouched.
  await user.page.reload();
  await expect.poll(() => signedInCard(user.page).innerText(), NETWORK).toContain(yan.email);

  // Stop: the admin's own session again, on the Admin page.
  await banner.getByRole("button", { name: "Stop impersonating" }).click();
  await banner.waitFor({ state: "detached", ...NETWORK });
  await expect.poll(() => usersTable(admin.page).innerText(), NETWORK).toContain(ADMIN);
  // The live feed shows the impersonation, with the admin as actor.
  const feed = admin.page.getByRole("region", { name: "Live events" });
  await expect.poll(() => feed.innerText(), NETWORK).toContain("impersonation_ended");
  expect(await feed.innerText()).toContain("impersonation_started");
  expect(await feed.innerText()).toContain(`${yan.email} · by ${ADMIN}`);
  await app.screenshot(admin.page, "admin-live-events");
  // A new event arrives in the feed by itself: the user signs out on their device.
  await user.page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect.poll(async () => (await feed.getByRole("listitem").first().innerText()).includes("session_revoked"), NETWORK).toBe(true);
  await admin.page.goto(new URL("#/account", admin.page.url()).href);
  await expect.poll(() => signedInCard(admin.page).innerText(), NETWORK).toContain(ADMIN);

  await admin.close();
  await user.close();
}, 120_000);
