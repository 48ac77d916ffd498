/**
 * Debian's Chromium as every browser test launches it, and the DevTools
 * virtual authenticator the passkey tests give a page.
 */
import fs from "node:fs";
import type { CDPSession } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // No network but this machine: also blocks the literal 127.0.0.1, so every URL says localhost.
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
];

/** Throws, saying how to install it, when Chromium is missing (nothing is skipped). */
export function requireChromium(): void {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is needed for the browser tests and was not found at ${CHROMIUM}. ` +
        "Install Debian's package: `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH). .ci/run installs it.",
    );
  }
}

/**
 * Gives the page a platform authenticator (CTAP2, internal, resident keys,
 * user verification, presence simulated); returns its id.
 */
export async function addVirtualAuthenticator(cdp: CDPSession): Promise<string> {
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}
