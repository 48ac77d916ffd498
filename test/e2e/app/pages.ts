/**
 * What a user does on the example's pages, as steps the browser tests share
 * (found by role and label, as a user finds them).
 */
import type { Locator, Page } from "playwright-core";

/** The Account page's "Signed in" card (shown once signed in). */
export function signedInCard(page: Page): Locator {
  return page.locator("section", { has: page.getByRole("heading", { name: "Signed in", exact: true }) });
}

/** The card on `page` whose heading is `heading`. */
export function card(page: Page, heading: string | RegExp): Locator {
  return page.locator("section", { has: page.getByRole("heading", { name: heading }) });
}

/** Fills and sends the Account page's sign-up form. */
export async function signUpWithPassword(page: Page, user: { email: string; password: string; name?: string }): Promise<void> {
  await page.goto(new URL("#/account", page.url()).href);
  await page.getByRole("tab", { name: "Sign up" }).click();
  const form = card(page, "Create an account");
  if (user.name !== undefined) await form.getByLabel("Name").fill(user.name);
  await form.getByLabel("Email").fill(user.email);
  await form.getByLabel("Password", { exact: true }).fill(user.password);
  await form.getByRole("button", { name: "Sign up" }).click();
}

/** Fills and sends the Account page's sign-in form. */
export async function signInWithPassword(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto(new URL("#/account", page.url()).href);
  await page.getByRole("tab", { name: "Sign in" }).click();
  const form = card(page, "Sign in");
  await form.getByLabel("Email").fill(user.email);
  await form.getByLabel("Password", { exact: true }).fill(user.password);
  await form.getByRole("button", { name: "Sign in" }).click();
}
