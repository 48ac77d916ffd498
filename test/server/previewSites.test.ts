/**
 * Preview deployments allowed by a pattern in `SITE_URL`
 * (`https://app.example.test, https://*.preview.example.test`), end to end:
 * an OAuth sign-in started and returned on a preview, a magic link to a
 * preview, and a passkey registered on a preview (RP ID the parent domain)
 * that then works on the main site; look-alike hosts refused at each step,
 * with nothing written.
 */
import { makeFunctionReference } from "convex/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { SoftAuthenticator } from "../fixtures/passkeyAuthenticator.js";
import { finish, start } from "../fixtures/passkeyFlows.js";
import { claimsOf, makeAuthTest, probe, tokensOf, type AuthTest } from "../harness/auth.js";
import { expectAuthError } from "../harness/errors.js";
import { makeTestOf } from "../harness/setup.js";
import { useOAuthMocks } from "../harness/oauthMocks.js";

const MAIN = "https://app.example.test";
const PREVIEW = "https://pr-7.preview.example.test";
const LOOK_ALIKES = [
  "https://pr-7.preview.example.test.evil.test",
  "https://preview.example.test",
  "https://a.pr-7.preview.example.test",
  "https://pr-7-preview.example.test",
  "http://pr-7.preview.example.test",
];
const mocks = useOAuthMocks(`${MAIN}, https://*.preview.example.test`);


const probeModules = { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js") };
const oauthApp = () => makeTestOf(import.meta.glob(["../fixtures/oauth/**/*.ts", "!../fixtures/oauth/**/*.*.ts"]), { componentModules: probeModules }) as unknown as AuthTest;
const previewApp = () =>
  makeTestOf(import.meta.glob(["../fixtures/passkeyPreview/**/*.ts", "!../fixtures/passkeyPreview/**/*.*.ts"]), { componentModules: probeModules }) as unknown as AuthTest;
const signIn = makeFunctionReference<"action">("auth:signIn");
const rows = (t: AuthTest, table: string) => t.query(probe.rows, { table });

describe("OAuth on a preview", () => {
  /** Starts a flow returning to `redirectTo` and posts its sign-in URL from a page of `origin`. */
  async function startAndOpen(t: AuthTest, redirectTo: string, origin: string) {
    const { redirect, verifier } = (await t.action(signIn, { provider: "mock", params: { redirectTo } })) as { redirect: string; verifier: string };
    const url = new URL(redirect);
    const opened = await t.fetch(url.pathname + url.search, { method: "POST", headers: { origin } });
    return { opened, verifier };
  }

  test("started on the preview, the sign-in returns there with a code that signs in", async () => {
    const t = oauthApp();
    mocks.oidc.who({ sub: "preview-ada", email: "ada@example.com", emailVerified: true, name: "Ada" });
    const { opened, verifier } = await startAndOpen(t, `${PREVIEW}/after`, PREVIEW);
    expect(opened.status).toBe(302);
    const authorize = new URL(opened.headers.get("location")!);
    expect(authorize.origin).toBe(new URL(mocks.oidc.issuer).origin);
    const back = new URL((await fetch(authorize, { redirect: "manual" })).headers.get("location")!);
    const cookie = (opened.headers.get("set-cookie") ?? "").split(";")[0]!;
    const landed = new URL((await t.fetch(back.pathname + back.search, { headers: { cookie } })).headers.get("location")!);
    expect(landed.origin + landed.pathname).toBe(`${PREVIEW}/after`);
    const tokens = tokensOf(await t.action(signIn, { params: { code: landed.searchParams.get("code")! }, verifier }));
    expect(claimsOf(tokens.token).userId).toEqual(expect.any(String));
  });

  test("a look-alike origin cannot open the flow, and a look-alike return is refused before anything is stored", async () => {
    const t = oauthApp();
    for (const origin of LOOK_ALIKES) {
      const { opened } = await startAndOpen(t, `${PREVIEW}/after`, origin);
      expect(opened.status, origin).toBe(302);
      // Back to the app with an error, never to the provider, and no binding cookie.
      expect(new URL(opened.headers.get("location")!).searchParams.get("authError")).toBe("OAUTH_FAILED");
      expect(opened.headers.get("set-cookie") ?? "").not.toMatch(/=[\w-]{20,}/);
    }
    const flows = (await rows(t, "verifiers")).length;
    for (const origin of LOOK_ALIKES) {
      await expectAuthError(t.action(signIn, { provider: "mock", params: { redirectTo: `${origin}/after` } }), "INVALID_REDIRECT");
    }
    expect((await rows(t, "verifiers")).length).toBe(flows);
  });
});

describe("magic links to a preview", () => {
  const email = (t: AuthTest, params: Record<string, unknown>) => t.action(api.auth.signIn, { provider: "email", params });

  test("the link opens on the preview and signs in there", async () => {
    const t = makeAuthTest();
    const asked = (await email(t, { email: "ada@example.com", method: "link", redirectTo: `${PREVIEW}/in` })) as { verifier: string };
    const link = new URL((await t.query(api.outbox.latest, { to: "ada@example.com" }))!.code);
    expect(link.origin + link.pathname).toBe(`${PREVIEW}/in`);
    tokensOf(await t.action(api.auth.signIn, { params: { code: link.searchParams.get("code")! }, verifier: asked.verifier }));
  });

  test("a look-alike is INVALID_REDIRECT and nothing is sent", async () => {
    const t = makeAuthTest();
    for (const origin of LOOK_ALIKES) {
      await expectAuthError(email(t, { email: "ada@example.com", method: "link", redirectTo: `${origin}/in` }), "INVALID_REDIRECT");
    }
    expect(await t.query(api.outbox.latest, { to: "ada@example.com" })).toBeNull();
    expect(await rows(t, "verificationCodes")).toEqual([]);
  });
});

describe("passkeys on a preview", () => {
  test("registered on the preview (RP ID the parent domain), the passkey signs in on the main site too", async () => {
    const t = previewApp();
    const onPreview = new SoftAuthenticator(PREVIEW);
    const step = await start(t, { flow: "signUp", email: "ada@example.com" });
    expect(step.options.rp.id).toBe("example.test");
    const signedUp = tokensOf(await finish(t, await onPreview.create(step.options as never), step.verifier));
    // The same credential, now used from the main site.
    const onMain = Object.assign(new SoftAuthenticator(MAIN), { credentials: onPreview.credentials });
    const login = await start(t, { flow: "signIn" });
    const signedIn = tokensOf(await finish(t, await onMain.get(login.options as never), login.verifier));
    expect(claimsOf(signedIn.token).userId).toBe(claimsOf(signedUp.token).userId);
  });

  test("a response from a look-alike origin is PASSKEY_INVALID and stores nothing", async () => {
    const t = previewApp();
    for (const origin of LOOK_ALIKES) {
      const step = await start(t, { flow: "signUp", email: "mallory@example.com" });
      const response = await new SoftAuthenticator(PREVIEW).create(step.options as never, { origin });
      await expectAuthError(finish(t, response, step.verifier), "PASSKEY_INVALID");
    }
    expect(await rows(t, "passkeys")).toEqual([]);
    expect(await rows(t, "users")).toEqual([]);
  });

  test("with the default RP ID (the main host) a preview cannot run a ceremony", async () => {
    const t = makeAuthTest();
    const step = await start(t, { flow: "signUp", email: "ada@example.com" });
    expect(step.options.rp.id).toBe("app.example.test");
    const response = await new SoftAuthenticator(PREVIEW).create(step.options as never);
    await expectAuthError(finish(t, response, step.verifier), "PASSKEY_INVALID");
    expect(await rows(t, "passkeys")).toEqual([]);
  });
});
