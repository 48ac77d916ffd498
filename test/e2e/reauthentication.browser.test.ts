// @vitest-environment node
/**
 * Re-authentication in Chromium against the embedded dev backend: a
 * password-only user whose sign-in is older than the fresh-proof window
 * (shortened to 4 s with EXAMPLE_REAUTH_WINDOW_MS) is asked for their
 * password before creating an API key; a wrong password is refused and
 * creates nothing; the right one keeps the session and lets the key through.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDevApp, type DevApp } from "./app/devApp.js";
import { card, signUpWithPassword, signedInCard } from "./app/pages.js";

const WINDOW_MS = 4_000;
const PASSWORD = "correct horse battery";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp({ env: { EXAMPLE_REAUTH_WINDOW_MS: String(WINDOW_MS) } });
});
afterAll(async () => {
  await app?.stop();
});

test("an old session is asked for the password before a new API key; the wrong one changes nothing", async () => {
  const { page, close } = await app.device();
  await signUpWithPassword(page, { email: "rae@example.com", password: PASSWORD, name: "Rae" });
  await expect.poll(() => signedInCard(page).innerText(), { timeout: 20_000 }).toContain("rae@example.com");
  const sessionBefore = (await signedInCard(page).innerText()).trim();

  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "API keys" }).click();
  await expect.poll(() => card(page, "Your keys").innerText(), { timeout: 15_000 }).toContain("No keys yet.");
  await page.waitForTimeout(WINDOW_MS + 1_000);

  const form = card(page, "Create a key");
  await form.getByLabel("Name").fill("Deploys");
  await form.getByRole("button", { name: "Create key" }).click();
  const confirm = page.getByRole("form", { name: "Confirm your password" });
  await confirm.waitFor({ timeout: 15_000 });
  expect(await form.innerText()).toContain("STEP_UP_REQUIRED");
  await app.screenshot(page, "reauthenticate-before-api-key");

  await confirm.getByLabel("Password").fill("not my password");
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect.poll(() => confirm.innerText(), { timeout: 15_000 }).toMatch(/wrong/i);
  expect(await card(page, "Your keys").innerText()).toContain("No keys yet.");

  await confirm.getByLabel("Password").fill(PASSWORD);
  await confirm.getByRole("button", { name: "Confirm" }).click();
  await expect.poll(() => confirm.innerText(), { timeout: 15_000 }).toContain("Confirmed");
  await form.getByRole("button", { name: "Create key" }).click();
  await card(page, /Your new key/).waitFor({ timeout: 20_000 });
  await card(page, /Your new key/).getByRole("button", { name: "Done" }).click();
  await expect.poll(() => card(page, "Your keys").innerText(), { timeout: 15_000 }).toContain("Deploys");

  // Still the same signed-in user, never signed out on the way.
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Account" }).click();
  await expect.poll(() => signedInCard(page).innerText(), { timeout: 15_000 }).toContain("rae@example.com");
  expect(sessionBefore).toContain("rae@example.com");
  await close();
}, 120_000);
