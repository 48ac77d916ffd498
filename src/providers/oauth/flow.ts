/**
 * The OAuth 2 / OIDC authorization code flow, run with oauth4webapi:
 *
 * 1. `signIn(id, { redirectTo? })` (action): checks `redirectTo` against
 *    `SITE_URL`, makes `state`, a PKCE verifier (S256) and, for OIDC, a
 *    `nonce`; stores them (a `verifiers` row found by the hash of `state`)
 *    with the hash of a fresh client `verifier`, and returns
 *    `{ redirect: <site>/api/auth/signin/<id>?state=…, verifier }`.
 * 2. `POST /api/auth/signin/<id>?state=…` (HTTP action), a form the client
 *    submits from the app's page: the request's `Origin` must be one of `SITE_URL`'s,
 *    which only the app's own page in the browser that started can send
 *    (a forwarded link is a GET, a form on another site has another Origin).
 *    Binds the flow to this browser (a random HttpOnly cookie, its hash
 *    stored once) and sends it to the provider's authorization URL. Refused
 *    more than 60 s after the start.
 * 3. `GET /api/auth/callback/<id>` (HTTP action): takes the flow (single
 *    use), checks the cookie, exchanges the code with the PKCE verifier,
 *    checks the ID token (issuer, audience, expiry, nonce), reads the
 *    profile, and stores the verified identity under a one-time code (2
 *    minutes) bound to the client's verifier; redirects to `redirectTo?code=…`.
 * 4. The client calls `signIn({ params: { code }, verifier })`
 *    (`src/server/oauth/finish.ts`): the user is found, linked or created
 *    then, in the browser that started, and the session starts.
 *
 * A failure at 2 or 3 redirects to `SITE_URL` (or `redirectTo`) with
 * `?authError=<code>` (`OAUTH_FAILED`) instead of `?code=`.
 *
 * Link mode, `signIn(id, { link: true })` ("connect GitHub" on an account
 * page): step 1 needs the caller's live session (`NOT_SIGNED_IN`,
 * `SESSION_ENDED`) and, when the user has a second factor, a step-up
 * (`STEP_UP_REQUIRED`), and the flow remembers that user and session; step
 * 3 puts them on the one-time code; step 4 attaches the identity to that
 * user, only when the same session redeems the code (see `redirects.redeem`
 * and `linkToCaller`), and the session goes on with fresh tokens. Steps 2
 * and 3 bind the browser as for a sign-in.
 *
 * oauth4webapi is loaded (`import()`) by the steps that use it (1 and 3).
 */
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import type * as o from "oauth4webapi";
import type { ComponentApi } from "../../component/_generated/component.js";
import { authError, isAuthError } from "../../server/errors.js";
import { OAUTH_CODE, OAUTH_CODE_TTL_MS, OAUTH_FLOW, OAUTH_FLOW_TTL_MS, OAUTH_OPEN_TTL_MS } from "../../server/oauth/kinds.js";
import { resolveRedirect, withQuery } from "../../server/oauth/redirect.js";
import type { ActionCtx, SignInContext } from "../../server/provider.js";
import { requireStepUp } from "../../server/stepUp.js";

import { newOpaqueToken } from "../../server/tokens/opaqueToken.js";
import { hashSecret } from "../../server/tokens/secretHash.js";
import { callbackPath, signInPath } from "./paths.js";
import { identityOf, type OAuthOptions, type OAuthTokens } from "./profile.js";
import {
  authorizationServer,
  messageOf,
  OAUTH_REQUEST_TIMEOUT_MS,
  oauth4webapi,
  requestOptions,
  type OAuthSettings,
} from "./settings.js";
import { appUrl, deploymentUrl } from "../../server/env.js";
import { isSiteOrigin } from "../../server/siteUrls.js";

export { callbackPath, signInPath } from "./paths.js";

/** What the flow row keeps between the steps. */
type FlowData = {
  provider: string;
  codeVerifier: string;
  nonce?: string;
  redirectTo: string;
  /** Hash of the client's verifier: the final code only works with it. */
  verifierHash: string;
  authorizationUrl: string;
  /** The sign-in URL must be opened (and the flow bound to a browser) by then. */
  openBy: number;
  /** Link mode: the signed-in user (and session) the identity is for. */
  link?: { userId: string; sessionId: string };
};

/**
 * `params.link`: `true` to link the identity to the signed-in caller, who
 * must have a live session and, with a second factor, a fresh step-up.
 * `INVALID_ARGUMENT` for anything but a boolean.
 */
async function linkTarget(sc: SignInContext, link: unknown): Promise<{ userId: string; sessionId: string } | undefined> {
  if (link === undefined || link === false) return undefined;
  if (link !== true) throw authError("INVALID_ARGUMENT", "link must be true or false");
  const who = await sc.signedIn();
  if (who === null) throw authError("NOT_SIGNED_IN", "Sign in to connect another account");
  await requireStepUp(sc.ctx, sc.component, who, sc.options.reauthenticateWithinMs);
  return { userId: who.userId, sessionId: who.sessionId };
}

/** Step 1: the `signIn(id, params)` action. */
export async function startFlow(
  sc: SignInContext,
  settings: OAuthSettings,
  params: Record<string, unknown>,
): Promise<{ redirect: string; verifier: string }> {
  const redirectTo = await resolveRedirect(params.redirectTo);
  const link = await linkTarget(sc, params.link);
  const site = deploymentUrl();
  const as = await authorizationServer(settings);
  if (as.authorization_endpoint === undefined) {
    throw authError("CONFIGURATION", `OAuth provider "${settings.id}" has no authorization endpoint`);
  }
  const o = await oauth4webapi();
  const state = sc.randomSecret();
  const verifier = sc.randomSecret();
  const codeVerifier = o.generateRandomCodeVerifier();
  const nonce = settings.type === "oidc" ? o.generateRandomNonce() : undefined;

  const url = new URL(as.authorization_endpoint);
  for (const [name, value] of settings.authorization?.url?.searchParams ?? []) url.searchParams.set(name, value);
  for (const [name, value] of Object.entries(settings.authorization?.params ?? {})) url.searchParams.set(name, value);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", settings.clientId);
  url.searchParams.set("redirect_uri", site + callbackPath(settings.id));
  if (!url.searchParams.has("scope") && settings.type === "oidc") url.searchParams.set("scope", "openid profile email");
  url.searchParams.set("state", state.raw);
  url.searchParams.set("code_challenge", await o.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set("code_challenge_method", "S256");
  if (nonce !== undefined) url.searchParams.set("nonce", nonce);

  const data: FlowData = {
    provider: settings.id,
    codeVerifier,
    ...(nonce !== undefined ? { nonce } : {}),
    redirectTo,
    verifierHash: verifier.hash,
    authorizationUrl: url.href,
    openBy: Date.now() + OAUTH_OPEN_TTL_MS,
    ...(link !== undefined ? { link } : {}),
  };
  await sc.ctx.runMutation(sc.component.verifiers.create, {
    kind: OAUTH_FLOW,
    verifierHash: state.hash,
    data,
    expirationTime: Date.now() + OAUTH_FLOW_TTL_MS,
  });
  return { redirect: `${site}${signInPath(settings.id)}?state=${state.raw}`, verifier: verifier.raw };
}

/** Step 2: bind the flow to this browser (the app's own page posted it), then off to the provider. */
export async function bindAndGo(ctx: ActionCtx, component: ComponentApi, id: string, request: Request): Promise<Response> {
  const state = new URL(request.url).searchParams.get("state");
  if (state === null || state === "") return failure("OAUTH_FAILED");
  if (request.method !== "POST" || !(await fromSite(request))) {
    console.warn(`OAuth start for "${id}" refused: not posted by the app's page (a forwarded link?)`);
    return failure("OAUTH_FAILED");
  }
  const stateHash = hashSecret(state);
  const binding = newOpaqueToken();
  const bound = await ctx.runMutation(component.redirects.bind, { stateHash, provider: id, bindingHash: binding.hash });
  if (bound === null) return failure("OAUTH_FAILED");
  const cookie = bindingCookie(stateHash);
  return redirect(bound.authorizationUrl, cookie.set(binding.raw));
}

/** True when the request was sent by a page of one of the app's sites (its `Origin` header, which pages cannot forge). */
async function fromSite(request: Request): Promise<boolean> {
  return await isSiteOrigin(request.headers.get("origin"));
}

/** Step 3: the provider's redirect back. */
export async function callback(
  ctx: ActionCtx,
  component: ComponentApi,
  settingsNow: () => OAuthSettings,
  options: OAuthOptions,
  id: string,
  request: Request,
): Promise<Response> {
  const url = new URL(request.url);
  const state = url.searchParams.get("state");
  if (state === null || state === "") return failure("OAUTH_FAILED");
  const stateHash = hashSecret(state);
  const cookie = bindingCookie(stateHash);
  // Single use: the flow is gone from here on, whatever happens next.
  const flow = await ctx.runMutation(component.verifiers.consume, { kind: OAUTH_FLOW, verifierHash: stateHash });
  const data = flow?.data as FlowData | undefined;
  if (flow === null || data === undefined || data.provider !== id) return failure("OAUTH_FAILED", undefined, cookie.clear);
  const presented = cookie.read(request);
  if (presented === null || flow.challenge === undefined || !hashesEqual(hashSecret(presented), flow.challenge)) {
    return failure("OAUTH_FAILED", data.redirectTo, cookie.clear);
  }
  try {
    const settings = settingsNow();
    const { profile, tokens } = await exchange(settings, url, state, data);
    const identity = await identityOf(settings, options, profile, tokens);
    const code = newOpaqueToken();
    await ctx.runMutation(component.verifiers.create, {
      kind: OAUTH_CODE,
      verifierHash: code.hash,
      challenge: data.verifierHash,
      // Link mode: the code attaches the identity to this user, redeemed in this session only.
      ...(data.link !== undefined ? { userId: data.link.userId, sessionId: data.link.sessionId } : {}),
      data: identity,
      expirationTime: Date.now() + OAUTH_CODE_TTL_MS,
    });
    return redirect(withQuery(data.redirectTo, { code: code.raw }), cookie.clear);
  } catch (error) {
    console.warn(`OAuth callback for "${id}" failed: ${messageOf(error)}`);
    return failure(isAuthError(error, "CONFIGURATION") ? "CONFIGURATION" : "OAUTH_FAILED", data.redirectTo, cookie.clear);
  }
}

/** Code for tokens (PKCE, nonce), then the profile. */
async function exchange(
  settings: OAuthSettings,
  url: URL,
  state: string,
  flow: FlowData,
): Promise<{ profile: Record<string, any>; tokens: OAuthTokens }> {
  const o = await oauth4webapi();
  const as = await authorizationServer(settings);
  const client: o.Client = { client_id: settings.clientId, ...settings.client };
  const params = o.validateAuthResponse(as, client, url, state);
  let response = await o.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth(o, settings),
    params,
    deploymentUrl() + callbackPath(settings.id),
    flow.codeVerifier,
    await requestOptions(as.token_endpoint),
  );
  if (settings.token?.conform) response = (await settings.token.conform(response.clone())) ?? response;
  const oidc = settings.type === "oidc";
  const tokens = await o.processAuthorizationCodeResponse(as, client, response, {
    ...(flow.nonce !== undefined ? { expectedNonce: flow.nonce } : {}),
    requireIdToken: oidc,
  });
  if (oidc) {
    const claims = o.getValidatedIdTokenClaims(tokens)!;
    if (settings.idToken) return { profile: { ...claims }, tokens: { ...tokens } };
    const info = await o.userInfoRequest(as, client, tokens.access_token, await requestOptions(as.userinfo_endpoint));
    return { profile: { ...(await o.processUserInfoResponse(as, client, claims.sub, info)) }, tokens: { ...tokens } };
  }
  if (settings.userinfo?.request) {
    const provider = { ...settings.raw, userinfo: { ...settings.raw.userinfo, url: settings.userinfo.url } };
    // The config's own code: bounded like every outgoing request.
    const profile = await withTimeout(settings.userinfo.request({ tokens, provider }), OAUTH_REQUEST_TIMEOUT_MS);
    if (profile === null || typeof profile !== "object") throw authError("OAUTH_FAILED", "userinfo.request returned no profile");
    return { profile, tokens: { ...tokens } };
  }
  if (as.userinfo_endpoint === undefined) throw authError("OAUTH_FAILED", "No userinfo endpoint configured");
  const info = await o.userInfoRequest(as, client, tokens.access_token, await requestOptions(as.userinfo_endpoint));
  if (!info.ok) throw authError("OAUTH_FAILED", `userinfo responded ${info.status}`);
  return { profile: (await info.json()) as Record<string, any>, tokens: { ...tokens } };
}

function clientAuth(lib: typeof o, settings: OAuthSettings): o.ClientAuth {
  switch (settings.tokenEndpointAuthMethod) {
    case "client_secret_basic":
      return clientSecretBasic(settings.clientId, settings.clientSecret!);
    case "client_secret_post":
      return lib.ClientSecretPost(settings.clientSecret!);
    case "none":
      return lib.None();
    default:
      throw authError(
        "CONFIGURATION",
        `OAuth provider "${settings.id}": token_endpoint_auth_method "${settings.tokenEndpointAuthMethod}" is not supported`,
      );
  }
}

/**
 * HTTP Basic client authentication as Auth.js sends it (`encodeURIComponent`,
 * spaces as `+`): oauth4webapi's own also escapes `-`, `.`, `_`, `~`, which
 * some servers do not decode.
 */
function clientSecretBasic(clientId: string, clientSecret: string): o.ClientAuth {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  const credentials = btoa(`${encode(clientId)}:${encode(clientSecret)}`);
  return (_as, _client, _body, headers) => {
    headers.set("authorization", `Basic ${credentials}`);
  };
}

/**
 * The cookie binding a flow to the browser that opened the sign-in URL. One
 * per flow (named after its state's hash), so tabs can sign in at once;
 * `__Host-` (no other site can set it) on https deployments.
 */
function bindingCookie(stateHash: string) {
  const secure = deploymentUrl().startsWith("https:");
  const name = `${secure ? "__Host-" : ""}authkit-oauth-${stateHash.slice(0, 16)}`;
  const attributes = `Path=/; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  return {
    set: (value: string) => `${name}=${value}; ${attributes}; Max-Age=${OAUTH_FLOW_TTL_MS / 1000}`,
    clear: `${name}=; ${attributes}; Max-Age=0`,
    read(request: Request): string | null {
      for (const part of (request.headers.get("cookie") ?? "").split(";")) {
        const at = part.indexOf("=");
        if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
      }
      return null;
    },
  };
}

const encoder = new TextEncoder();

/**
 * Compares two hash strings (base64url digests) in constant time, so how long
 * the check takes says nothing about how much of a guess was right.
 */
function hashesEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  return left.length === right.length && constantTimeEqual(left, right);
}

function redirect(location: string, setCookie?: string): Response {
  const headers = new Headers({ Location: location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
  if (setCookie !== undefined) headers.set("Set-Cookie", setCookie);
  return new Response(null, { status: 302, headers });
}

/** Back to the app with `?authError=<code>`, or a plain 400 when SITE_URL is unusable. */
function failure(code: "OAUTH_FAILED" | "CONFIGURATION", redirectTo?: string, setCookie?: string): Response {
  let target: string;
  try {
    target = redirectTo ?? appUrl().href;
  } catch (error) {
    return new Response(messageOf(error), { status: 400, headers: { "Cache-Control": "no-store" } });
  }
  return redirect(withQuery(target, { authError: code }), setCookie);
}

/** `promise`, or a rejection after `ms` (the callback then answers `OAUTH_FAILED`). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(authError("OAUTH_FAILED", `userinfo.request took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
