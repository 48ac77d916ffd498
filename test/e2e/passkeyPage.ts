/**
 * The browser side of test/e2e/passkey.browser.test.ts, bundled with esbuild
 * by the test and served from http://localhost:<port>. It runs this
 * package's own client (`AuthClient`, which loads `webauthn.ts` and so
 * `@simplewebauthn/browser` when a ceremony comes back) against the test's
 * server, which hands each `signIn` to the example app on convex-test.
 */
import { AuthClient } from "../../src/client/authClient.js";
import type { AuthTransport, SignInArgs, SignInResult } from "../../src/client/protocol.js";

/** `signIn` over HTTP to the test process; a refusal comes back as `CODE: message`. */
const transport: AuthTransport = {
  async signIn(args: SignInArgs, token?: string): Promise<SignInResult> {
    const response = await fetch("/signIn", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ args, token }),
    });
    const body = (await response.json()) as { result?: SignInResult; error?: { code: string; message: string } };
    if (body.error) throw new Error(`${body.error.code}: ${body.error.message}`);
    return body.result!;
  },
  async signOut() {},
};

let client = new AuthClient({ transport, namespace: "e2e" });

/** What the test calls through `page.evaluate`. */
const e2e = {
  /** Forgets the tokens: the next sign-in starts from nothing, like a new device. */
  newClient(): void {
    client.stop();
    client = new AuthClient({ transport, namespace: "e2e" });
  },
  /** Runs `signIn` (and the ceremony it asks for); errors come back as strings. */
  async signIn(provider: string, params: Record<string, unknown>, verifier?: string) {
    try {
      const outcome = await client.signIn(provider, params, verifier);
      return { outcome, token: client.state.token };
    } catch (error) {
      return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  },
};

(window as unknown as { e2e: typeof e2e }).e2e = e2e;
document.body.dataset.ready = "true";
