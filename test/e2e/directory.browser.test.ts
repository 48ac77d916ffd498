// @vitest-environment node
/**
 * The Directory page (a development helper, on with EXAMPLE_DEV_TOOLS=1) in
 * Chromium against the embedded dev backend: looking a user up by email
 * (written in another case) shows their id, name and email, the result
 * follows a rename made on the user's own device without a reload, and an
 * unknown email says there is no such user.
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

async function lookUp(page: Page, email: string): Promise<void> {
  const form = card(page, "Find a user by email");
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Look up" }).click();
}

test("looking a user up by email: found (live through a rename), and an unknown email is no user", async () => {
  const user = await app.device();
  await signUpWithPassword(user.page, { email: "dee@example.com", password: "correct horse battery", name: "Dee" });
  await expect.poll(() => signedInCard(user.page).innerText(), { timeout: 15_000 }).toContain("dee@example.com");

  // Another browser, not signed in, looks her up (the address typed in another case).
  const { page } = await app.device("#/directory");
  const result = card(page, "Find a user by email");
  await lookUp(page, "Dee@Example.COM");
  await expect.poll(() => result.locator("dl").innerText(), { timeout: 15_000 }).toMatch(/Name\s+Dee\s+Email\s+dee@example\.com/);
  const id = await result.locator("dd code").innerText();
  expect(id).toMatch(/^\w{10,}$/);
  await app.screenshot(page, "directory-found");

  // She renames herself on her device: the open result follows.
  const rename = card(user.page, "Your name");
  await rename.getByLabel("Name").fill("Deirdre");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect.poll(() => result.locator("dl").innerText(), { timeout: 15_000 }).toMatch(/Name\s+Deirdre\s/);
  expect(await result.locator("dd code").innerText()).toBe(id);

  // An address nobody has.
  await lookUp(page, "nobody@example.com");
  await expect.poll(() => result.innerText(), { timeout: 15_000 }).toContain("No user has the email nobody@example.com.");
  expect(await result.locator("dl").count()).toBe(0);
  await app.screenshot(page, "directory-no-such-user");
});
