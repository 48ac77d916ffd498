// @vitest-environment node
/**
 * The Two-factor page in Chromium against the embedded dev backend, as a
 * user with an authenticator app that takes a typed-in key: set-up from the
 * QR code's key (a wrong code refused, the right one confirms and the
 * success message stays through the session switch the confirmation
 * causes), recovery codes, then sign-ins that stop at the second-factor
 * prompt and finish with an app code or a recovery code (each single-use).
 *
 * TOTP codes: the server accepts the steps now-1..now+1 and never a step at
 * or before the last one used (src/providers/totp/otp.ts `matchStep`,
 * `DRIFT_STEPS = 1`). The test keeps the last step it used and takes the
 * next one: the current step if that is later, else the coming one (inside
 * the window), so it never waits for a 30 s step.
 */
import * as OTPAuth from "otpauth";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startDevApp, type DevApp } from "./app/devApp.js";
import { card, signedInCard, signUpWithPassword } from "./app/pages.js";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp();
});
afterAll(async () => {
  await app?.stop();
});

const NETWORK = { timeout: 15_000 };

/** A manual-entry authenticator app holding one key. */
class AuthenticatorApp {
  private readonly totp: OTPAuth.TOTP;
  private lastStep = -Infinity;
  constructor(key: string) {
    // The settings the set-up's URI names (the example uses the defaults).
    this.totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key), digits: 6, period: 30, algorithm: "SHA1" });
  }
  private step(now = Date.now()): number {
    return Math.floor(now / 1000 / this.totp.period);
  }
  /** A code of a step not used yet: the current one if free, else the next (the server accepts ±1 step). */
  nextCode(): string {
    const step = Math.max(this.step(), this.lastStep + 1);
    if (step > this.step() + 1) throw new Error("no unused step inside the window: the test used codes too fast");
    this.lastStep = step;
    return this.totp.generate({ timestamp: step * this.totp.period * 1000 });
  }
  /** The code last given (its step is used up on the server once accepted). */
  lastCode(): string {
    return this.totp.generate({ timestamp: this.lastStep * this.totp.period * 1000 });
  }
  /** Six digits that are no code of any step near now. */
  wrongCode(): string {
    const near = new Set([-2, -1, 0, 1, 2].map((d) => this.totp.generate({ timestamp: (this.step() + d) * this.totp.period * 1000 })));
    for (let n = 123456; ; n = (n + 111_111) % 1_000_000) {
      const code = String(n).padStart(6, "0");
      if (!near.has(code)) return code;
    }
  }
}

async function signOut(page: Page): Promise<void> {
  await page.goto(new URL("#/account", page.url()).href);
  await signedInCard(page).getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("tab", { name: "Sign up" }).waitFor(NETWORK);
}

/** The Two-factor page's own password step (signed out). */
async function passwordStep(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.goto(new URL("#/two-factor", page.url()).href);
  const form = card(page, "Sign in");
  await form.getByLabel("Email").fill(user.email);
  await form.getByLabel("Password", { exact: true }).fill(user.password);
  await form.getByRole("button", { name: "Continue" }).click();
}

/**
 * Sends a form in `scope` with `submit` and waits for the refusal it shows:
 * a new alert (the one shown before, if any, goes while the form is checking).
 */
async function refused(scope: Locator, submit: () => Promise<void>, pattern: RegExp): Promise<void> {
  const alert = scope.getByRole("alert");
  const before = (await alert.count()) > 0 ? await alert.elementHandle() : null;
  await submit();
  await before?.waitForElementState("hidden", NETWORK);
  await expect.poll(() => alert.innerText(), NETWORK).toMatch(pattern);
}

/** App.tsx's second-factor prompt. */
function secondFactorPrompt(page: Page) {
  return page.getByRole("region", { name: /Second step|Enter a recovery code/ });
}

// One user's path, in order: each test goes on from where the one before left off.
const user = { email: "tess@example.com", password: "correct horse battery" };
let page: Page;
let authenticator: AuthenticatorApp;
let recoveryCodes: string[];

test("set-up: QR code and typed-in key; a wrong code refused; the right one adds it and the message stays; recovery codes", async () => {
  ({ page } = await app.device());
  page.setDefaultTimeout(NETWORK.timeout); // a step that cannot happen fails naming its locator, inside the test's time
  await signUpWithPassword(page, { ...user, name: "Tess" });
  await signedInCard(page).waitFor(NETWORK);

  // --- Set-up: the QR code and the key as text.
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Two-factor" }).click();
  const setup = card(page, "Set up an authenticator");
  await setup.getByLabel("Name").fill("Tess's phone");
  await setup.getByRole("button", { name: "Set up" }).click();
  const scan = card(page, "Scan this code");
  const qr = scan.getByRole("img", { name: /QR code/ });
  await qr.waitFor({ state: "visible", ...NETWORK });
  const box = await qr.boundingBox();
  expect(box!.width).toBeGreaterThan(100);
  expect(box!.height).toBeGreaterThan(100);
  const key = (await scan.getByRole("definition").first().innerText()).replace(/\s+/g, "");
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  await app.screenshot(page, "two-factor-qr-setup");
  authenticator = new AuthenticatorApp(key);

  // A wrong code is refused, and the set-up stays open for another try.
  await scan.getByLabel("Code from the app").fill(authenticator.wrongCode());
  await refused(scan, () => scan.getByRole("button", { name: "Confirm" }).click(), /wrong|INVALID_CODE/i);

  // The right one adds it. Confirming replaces the session (a new one, factor-
  // verified): the "Authenticator added" message must appear and stay through
  // that switch, which a watcher in the page records from before the click.
  await page.evaluate(() => {
    const w = window as unknown as { addedSeen: boolean; addedLost: boolean };
    w.addedSeen = w.addedLost = false;
    new MutationObserver(() => {
      const shown = document.body.textContent?.includes("Authenticator added") ?? false;
      if (shown) w.addedSeen = true;
      else if (w.addedSeen) w.addedLost = true;
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await scan.getByLabel("Code from the app").fill(authenticator.nextCode());
  await scan.getByRole("button", { name: "Confirm" }).click();
  const added = page.getByRole("status").filter({ hasText: "Authenticator added" });
  await added.waitFor(NETWORK);
  const authenticators = card(page, "Your authenticators");
  await expect.poll(() => authenticators.innerText(), NETWORK).toContain("Tess's phone");
  // The new session counts as a fresh step-up.
  await expect.poll(() => card(page, "Confirm it's you").innerText(), NETWORK).toContain("Confirmed in this session until");

  // Recovery codes (the confirmation counts as the step-up they need).
  const recovery = card(page, "Recovery codes");
  await recovery.getByRole("button", { name: "Create recovery codes" }).click();
  await expect.poll(() => recovery.getByRole("listitem").count(), NETWORK).toBe(10);
  recoveryCodes = (await recovery.getByRole("listitem").allInnerTexts()).map((c) => c.trim());
  await expect.poll(() => recovery.innerText(), NETWORK).toContain("10 unused");
  await app.screenshot(page, "two-factor-recovery-codes");
  // By now the new session is in use (it made the codes): the message never went away.
  const watched = await page.evaluate(() => {
    const { addedSeen, addedLost } = window as unknown as { addedSeen: boolean; addedLost: boolean };
    return { addedSeen, addedLost };
  });
  expect(watched).toEqual({ addedSeen: true, addedLost: false });
  expect(await added.isVisible()).toBe(true);
});

test("sign-in: the password leads to the second-factor prompt; a wrong code refused, the app's code signs in", async () => {
  await signOut(page);
  await passwordStep(page, user);
  const prompt = secondFactorPrompt(page);
  await prompt.waitFor(NETWORK);
  await expect.poll(() => prompt.innerText()).toContain("authenticator app");
  await app.screenshot(page, "two-factor-second-factor-prompt");
  await prompt.getByLabel("Code", { exact: true }).fill(authenticator.wrongCode());
  await refused(prompt, () => prompt.getByRole("button", { name: "Sign in" }).click(), /wrong|INVALID_CODE/i);
  // The code that confirmed the set-up is used up: replayed, it is refused too.
  await prompt.getByLabel("Code", { exact: true }).fill(authenticator.lastCode());
  await refused(prompt, () => prompt.getByRole("button", { name: "Sign in" }).click(), /already used|INVALID_CODE/i);
  await prompt.getByLabel("Code", { exact: true }).fill(authenticator.nextCode());
  await prompt.getByRole("button", { name: "Sign in" }).click();
  await prompt.waitFor({ state: "detached", ...NETWORK });
  await expect.poll(() => card(page, "Your authenticators").innerText(), NETWORK).toContain("Tess's phone");
});

test("sign-in with a recovery code instead; the same code again is refused, another one works", async () => {
  const prompt = secondFactorPrompt(page);
  const recovery = card(page, "Recovery codes");
  await signOut(page);
  await passwordStep(page, user);
  await prompt.getByRole("button", { name: "Use a recovery code" }).click();
  await prompt.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await prompt.getByRole("button", { name: "Sign in" }).click();
  await prompt.waitFor({ state: "detached", ...NETWORK });
  await expect.poll(() => recovery.innerText(), NETWORK).toContain("9 unused");

  // A new sign-in: the prompt asks for the app's code again (not the recovery code the last one ended with).
  await signOut(page);
  await passwordStep(page, user);
  await prompt.getByRole("heading", { name: "Second step" }).waitFor(NETWORK);
  await prompt.getByRole("button", { name: "Use a recovery code" }).click();
  await prompt.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await refused(prompt, () => prompt.getByRole("button", { name: "Sign in" }).click(), /already used|INVALID_CODE/i);
  await prompt.getByLabel("Recovery code").fill(recoveryCodes[1]!);
  await prompt.getByRole("button", { name: "Sign in" }).click();
  await prompt.waitFor({ state: "detached", ...NETWORK });
  await expect.poll(() => recovery.innerText(), NETWORK).toContain("8 unused");
});
