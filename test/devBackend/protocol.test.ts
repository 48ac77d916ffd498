// @vitest-environment node
/**
 * The embedded dev backend (scripts/dev-backend) speaks a deployment's
 * protocols to Convex's own clients: ConvexHttpClient over the HTTP API,
 * ConvexClient over the WebSocket sync protocol, and plain fetch on the site
 * origin. Checked here with the example app's functions: results, coded
 * errors, refused tokens, reactivity, tokens signed with the deployment's
 * key (its JWKS on the cloud origin), the client's transport (one-call
 * refresh, and its fallback), and what a restart keeps.
 */
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { convexTransport } from "../../src/client/transport.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../example/convex/_generated/api.js";
import { startDevBackend, type DevBackend } from "../e2e/app/devApp.js";

let backend: DevBackend;
beforeAll(async () => {
  backend = await startDevBackend();
});
afterAll(async () => {
  await backend?.stop();
});

type Tokens = { token: string; refreshToken: string };
async function signUp(email: string): Promise<Tokens> {
  const http = new ConvexHttpClient(backend.convexUrl);
  const result = (await http.action(api.auth.signIn, {
    provider: "password",
    params: { flow: "signUp", email, password: "correct horse battery" },
  })) as { tokens: Tokens };
  return result.tokens;
}

describe("HTTP API (ConvexHttpClient)", () => {
  test("runs queries, mutations and actions as the token's user", async () => {
    const tokens = await signUp("http@example.com");
    expect(decodeJwt(tokens.token).iss).toBe(`${backend.convexUrl}/components/auth`);
    const http = new ConvexHttpClient(backend.convexUrl);
    expect(await http.query(api.users.viewer, {})).toBeNull();
    http.setAuth(tokens.token);
    await http.mutation(api.users.rename, { name: "Hattie" });
    expect(await http.query(api.users.viewer, {})).toMatchObject({ email: "http@example.com", name: "Hattie" });
  });

  test("a ConvexError reaches the client with its data; a bad token is refused", async () => {
    const http = new ConvexHttpClient(backend.convexUrl);
    const wrong = await http
      .action(api.auth.signIn, { provider: "password", params: { flow: "signIn", email: "nobody@example.com", password: "x".repeat(12) } })
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(ConvexError);
    expect((wrong as ConvexError<{ code: string }>).data.code).toEqual(expect.any(String));

    const forged = new ConvexHttpClient(backend.convexUrl);
    forged.setAuth("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    await expect(forged.query(api.users.viewer, {})).rejects.toThrow(/verify the token/);
  });

  test("internal and unknown functions are not callable", async () => {
    const response = await fetch(`${backend.convexUrl}/api/mutation`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "outbox:deliver", args: [{ to: "a@b.c", subject: "s", code: "c", expiresAt: 0 }] }),
    });
    expect(response.status).toBe(560);
    expect(((await response.json()) as { errorMessage: string }).errorMessage).toMatch(/Could not find public mutation/);
    const unknown = await fetch(`${backend.convexUrl}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "nope:nothing", args: [{}] }),
    });
    expect(unknown.status).toBe(560);
    const malformed = await fetch(`${backend.convexUrl}/api/query`, { method: "POST", body: "{" });
    expect(malformed.status).toBe(400);
  });

  test("CORS preflight answers for the app's origin", async () => {
    const response = await fetch(`${backend.convexUrl}/api/query`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-headers": "content-type,authorization" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type,authorization");
  });
});

describe("site origin", () => {
  test("serves the app's HTTP actions", async () => {
    // The example's API-key endpoint answers (401 without a key); an unknown route is a 404.
    expect((await fetch(`${backend.siteUrl}/api/profile`)).status).toBe(401);
    // No JWT_PRIVATE_KEY: the app has no issuer of its own to describe.
    expect((await fetch(`${backend.siteUrl}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await fetch(`${backend.siteUrl}/.well-known/jwks.json`)).status).toBe(404);
    expect((await fetch(`${backend.siteUrl}/no/such/route`)).status).toBe(404);
  });
});

describe("zero-setup signing", () => {
  test("the cloud origin serves the deployment's JWKS, and tokens verify against it with the component's issuer", async () => {
    const tokens = await signUp("jwks@example.com");
    const jwks = createRemoteJWKSet(new URL(`${backend.convexUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.token, jwks, {
      issuer: `${backend.convexUrl}/components/auth`,
      audience: "convex",
      algorithms: ["ES256"],
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
  });

  test("the client's transport refreshes in one call to the refresh mutation; a server without it falls back to signIn", async () => {
    const tokens = await signUp("transport@example.com");
    const transport = convexTransport(backend.convexUrl);
    const next = (await transport.signIn({ refreshToken: tokens.refreshToken })) as { tokens: Tokens };
    expect(decodeJwt(next.tokens.token).sub).toBe(decodeJwt(tokens.token).sub);
    // An app that exports no `refresh` (here: a name that does not exist) is refreshed through signIn.
    const legacy = convexTransport(backend.convexUrl, { refresh: "auth:noSuchRefresh" });
    const again = (await legacy.signIn({ refreshToken: next.tokens.refreshToken })) as { tokens: Tokens };
    expect(decodeJwt(again.tokens.token).sub).toBe(decodeJwt(tokens.token).sub);
    const more = (await legacy.signIn({ refreshToken: again.tokens.refreshToken })) as { tokens: Tokens };
    expect(more.tokens).not.toBeNull();
    // Any other failure of the mutation is the caller's (the client retries it); it does not fall back.
    const broken = convexTransport(backend.convexUrl, { refresh: "users:rename" });
    await expect(broken.signIn({ refreshToken: more.tokens.refreshToken })).rejects.toThrow();
    expect(((await transport.signIn({ refreshToken: more.tokens.refreshToken })) as { tokens: Tokens | null }).tokens).not.toBeNull();
  });
});

describe("sync protocol (ConvexClient over WebSocket)", () => {
  test("subscriptions update after a mutation by another client; mutations resolve", async () => {
    const tokens = await signUp("ws@example.com");
    const client = new ConvexClient(backend.convexUrl);
    const other = new ConvexClient(backend.convexUrl);
    try {
      client.setAuth(async () => tokens.token);
      other.setAuth(async () => tokens.token);
      const names: (string | null)[] = [];
      client.onUpdate(api.users.viewer, {}, (viewer) => names.push(viewer?.name ?? null));
      await expect.poll(() => names.length, { timeout: 10_000 }).toBeGreaterThan(0);
      await other.mutation(api.users.rename, { name: "Wes" });
      await expect.poll(() => names.at(-1), { timeout: 10_000 }).toBe("Wes");
    } finally {
      await client.close();
      await other.close();
    }
  });

  test("a token no provider accepts ends as signed out (AuthError), not as an identity", async () => {
    const client = new ConvexClient(backend.convexUrl);
    try {
      const changes: boolean[] = [];
      client.setAuth(async () => "not-a-jwt", (isAuthenticated) => changes.push(isAuthenticated));
      await expect.poll(() => changes, { timeout: 15_000 }).toContain(false);
      expect(changes).not.toContain(true);
    } finally {
      await client.close();
    }
  });

  test("after a restart the data is gone: an old token no longer verifies (a new deployment key), its refresh gives no tokens", async () => {
    const tokens = await signUp("restart@example.com");
    await backend.restart();
    const http = new ConvexHttpClient(backend.convexUrl);
    http.setAuth(tokens.token);
    await expect(http.query(api.users.viewer, {})).rejects.toThrow(/verify the token/);
    const refreshed = (await new ConvexHttpClient(backend.convexUrl).mutation(api.auth.refresh, {
      refreshToken: tokens.refreshToken,
    })) as { tokens: Tokens | null };
    expect(refreshed.tokens).toBeNull();
  });
});
