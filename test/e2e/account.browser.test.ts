// @vitest-environment node
/**
 * The Account page in Chromium against the embedded dev backend: password
 * sign-up (a too-short password refused, the rule shown; the app's profile row its callback made), sign-out, sign-in, a reload that stays signed in, a rename every
 * open device shows live, "sign out other devices" signing out another
 * browser at once, a username to sign in with (set at sign-up, changed
 * while signed in), and a backend restart (data gone) that signs the
 * browser out instead of leaving it stuck; a password change shows as a
 * security notice (the app's `onSecurityNotice` callback) on the page.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDevApp, type DevApp } from "./app/devApp.js";
import { card, signInWithPassword, signUpWithPassword, signedInCard } from "./app/pages.js";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp();
});
afterAll(async () => {
  await app?.stop();
});

test("password sign-up, sign-out, sign-in; a reload stays signed in", async () => {
  const { page, notFound } = await app.device();
  // The form says the rule; a password shorter than 12 characters is refused by the server.
  await signUpWithPassword(page, { email: "ann@example.com", password: "eleven char", name: "Ann" });
  await expect.poll(() => page.getByRole("alert").first().innerText()).toContain("12 to 128 characters");
  expect(await card(page, "Create an account").innerText()).toContain("12 to 128 characters");
  await signUpWithPassword(page, { email: "ann@example.com", password: "correct horse battery", name: "Ann" });
  await expect.poll(() => signedInCard(page).innerText()).toContain("ann@example.com");
  // The app's own profile row, made by its afterUserCreated callback with the user.
  await expect.poll(() => card(page, "Your app profile").innerText()).toMatch(/Signed up with\s+password/);
  await app.screenshot(page, "account-signed-in");

  await page.reload();
  await expect.poll(() => signedInCard(page).innerText()).toContain("Ann");

  await signedInCard(page).getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("tab", { name: "Sign up" }).waitFor();
  await app.screenshot(page, "account-signed-out");

  // A wrong password is refused, the right one signs in.
  await signInWithPassword(page, { email: "ann@example.com", password: "wrong horse battery" });
  await expect.poll(() => page.getByRole("alert").first().innerText()).toMatch(/password|credentials|invalid/i);
  await signInWithPassword(page, { email: "ann@example.com", password: "correct horse battery" });
  await expect.poll(() => signedInCard(page).innerText()).toContain("ann@example.com");
  // Every asset the pages asked for exists (the favicon did not).
  expect(notFound).toEqual([]);
});

test("two browsers of one user: a rename shows in both, and 'sign out other devices' signs the other out", async () => {
  const laptop = await app.device();
  await signUpWithPassword(laptop.page, { email: "bob@example.com", password: "correct horse battery" });
  await signedInCard(laptop.page).waitFor();
  const phone = await app.device();
  await signInWithPassword(phone.page, { email: "bob@example.com", password: "correct horse battery" });
  await signedInCard(phone.page).waitFor();

  const renameCard = laptop.page.locator("section", { has: laptop.page.getByRole("heading", { name: "Your name" }) });
  await renameCard.getByLabel("Name").fill("Bobby");
  await renameCard.getByRole("button", { name: "Rename" }).click();
  await expect.poll(() => signedInCard(phone.page).innerText()).toContain("Bobby");

  const devices = laptop.page.locator("section", { has: laptop.page.getByRole("heading", { name: "Your devices" }) });
  await expect.poll(() => devices.getByRole("listitem").count()).toBe(2);
  await app.screenshot(laptop.page, "account-devices");
  await devices.getByRole("button", { name: "Sign out other devices" }).click();

  // The phone is signed out without a reload or a refresh (live session check).
  await phone.page.getByRole("tab", { name: "Sign up" }).waitFor({ timeout: 10_000 });
  await expect.poll(() => devices.getByRole("listitem").count()).toBe(1);
  await expect.poll(() => signedInCard(laptop.page).innerText()).toContain("Bobby");
  await laptop.close();
  await phone.close();
});

test("a username: given at sign-up, signs in through the 'Email or username' field, changed while signed in", async () => {
  const { page } = await app.device();
  await page.goto(new URL("#/account", page.url()).href);
  await page.getByRole("tab", { name: "Sign up" }).click();
  const form = card(page, "Create an account");
  await form.getByLabel("Email").fill("dee@example.com");
  await form.getByLabel("Handle").fill(" Dee.Dee ");
  await form.getByLabel("Password", { exact: true }).fill("correct horse battery");
  await form.getByRole("button", { name: "Sign up" }).click();
  const username = card(page, "Your username");
  await expect.poll(() => username.innerText()).toContain("dee.dee");
  await signedInCard(page).getByRole("button", { name: "Sign out" }).click();

  // The sign-in field takes the username (any case) as well as the email.
  await signInWithPassword(page, { email: "DEE.DEE", password: "wrong horse battery" });
  await expect.poll(() => page.getByRole("alert").first().innerText()).toMatch(/password|credentials|invalid/i);
  await signInWithPassword(page, { email: "DEE.DEE", password: "correct horse battery" });
  await expect.poll(() => signedInCard(page).innerText()).toContain("dee@example.com");

  await username.getByLabel("Username").fill("deirdre");
  await username.getByRole("button", { name: "Change username" }).click();
  await expect.poll(() => username.getByRole("status").innerText()).toContain("Saved");
  await signedInCard(page).getByRole("button", { name: "Sign out" }).click();
  await signInWithPassword(page, { email: "deirdre", password: "correct horse battery" });
  await expect.poll(() => signedInCard(page).innerText()).toContain("dee@example.com");
});

test("a password change: a security notice shows on the account page", async () => {
  const { page } = await app.device();
  await signUpWithPassword(page, { email: "eve@example.com", password: "correct horse battery" });
  const notices = card(page, "Security notices");
  await expect.poll(() => notices.innerText()).toContain("No notices yet.");
  const form = card(page, "Change password");
  await form.getByLabel("Current password").fill("correct horse battery");
  await form.getByLabel("New password").fill("another correct horse battery");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect.poll(() => form.getByRole("status").innerText()).toContain("Password changed");
  await expect.poll(() => notices.innerText()).toContain("Your password was changed.");
});

test("a backend restart (data gone) signs the browser out instead of leaving it stuck", async () => {
  const { page } = await app.device();
  await signUpWithPassword(page, { email: "cy@example.com", password: "correct horse battery" });
  await signedInCard(page).waitFor();
  await app.restartBackend();
  // The client reconnects; its session no longer exists, so it signs out.
  await page.getByRole("tab", { name: "Sign up" }).waitFor({ timeout: 20_000 });
  // And the app works again: the same address can sign up on the fresh backend.
  await signUpWithPassword(page, { email: "cy@example.com", password: "correct horse battery" });
  await expect.poll(() => signedInCard(page).innerText()).toContain("cy@example.com");
});
