/**
 * An `@auth/core` OAuth/OIDC provider config (`GitHub({...})`, `Google()`,
 * `{ type: "oidc", issuer, ... }`) turned into what our flow needs: the
 * authorization server's endpoints (from the config, or OIDC discovery) and
 * the client's credentials (from the config, or `AUTH_<ID>_ID` /
 * `AUTH_<ID>_SECRET` / `AUTH_<ID>_ISSUER`, as Auth.js reads them).
 */
import type { OAuthConfig } from "@auth/core/providers";
import type * as o from "oauth4webapi";
import { authError } from "../../server/errors.js";
import { processEnv } from "../../server/env.js";


/** An `@auth/core` OAuth 2 or OIDC provider config, or the function that makes one. */
export type AuthCoreOAuthConfig = OAuthConfig<any> | ((...args: any[]) => OAuthConfig<any>);

type Loose = Record<string, any>;

/** An endpoint as Auth.js writes it: a URL, or `{ url, params, request, conform }`. */
type Endpoint = {
  url?: URL;
  /** Query parameters to add (`authorization.params.scope`, ...). */
  params: Record<string, string>;
  request?: (...args: any[]) => any;
  conform?: (response: Response) => any;
};

/** The parts of a provider config the flow uses, env defaults applied. */
export type OAuthSettings = {
  id: string;
  name: string;
  type: "oauth" | "oidc";
  clientId: string;
  clientSecret?: string;
  issuer?: string;
  authorization?: Endpoint;
  token?: Endpoint;
  userinfo?: Endpoint;
  /** `client_secret_basic` (default), `client_secret_post` or `none`. */
  tokenEndpointAuthMethod: string;
  /** Extra client metadata for oauth4webapi (e.g. `id_token_signed_response_alg`). */
  client: Loose;
  /** Auth.js's `idToken: false`: take the profile from userinfo, not the ID token. */
  idToken: boolean;
  profile?: (profile: any, tokens: any) => unknown;
  /** The merged config, for `userinfo.request({ provider })`. */
  raw: Loose;
};

/** Resolves a config function (`GitHub` passed without calling it). */
export function configOf(config: AuthCoreOAuthConfig): Loose {
  const resolved = typeof config === "function" ? config() : config;
  if (resolved === null || typeof resolved !== "object" || (resolved.type !== "oauth" && resolved.type !== "oidc")) {
    throw authError("CONFIGURATION", "Auth(): an @auth/core provider must be an OAuth or OIDC provider config");
  }
  const { options, ...defaults } = resolved as Loose;
  return merge(defaults, options ?? {});
}

/** `AUTH_GITHUB_ID` for `github`, `AUTH_MY_IDP_ISSUER` for `my-idp`. */
export function envName(id: string, suffix: "ID" | "SECRET" | "ISSUER"): string {
  return `AUTH_${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${suffix}`;
}

/** The settings of a merged config, reading env defaults now (at request time). */
export function settingsOf(id: string, config: Loose, env = processEnv()): OAuthSettings {
  const clientId = config.clientId ?? env[envName(id, "ID")];
  if (typeof clientId !== "string" || clientId === "") {
    throw authError("CONFIGURATION", `OAuth provider "${id}" has no client id: set ${envName(id, "ID")}`);
  }
  const issuer: string | undefined = config.issuer ?? env[envName(id, "ISSUER")];
  const client: Loose = { ...(config.client ?? {}) };
  const tokenEndpointAuthMethod: string = client.token_endpoint_auth_method ?? "client_secret_basic";
  delete client.token_endpoint_auth_method;
  const clientSecret: string | undefined = config.clientSecret ?? env[envName(id, "SECRET")];
  if (tokenEndpointAuthMethod !== "none" && (clientSecret === undefined || clientSecret === "")) {
    throw authError("CONFIGURATION", `OAuth provider "${id}" has no client secret: set ${envName(id, "SECRET")}`);
  }
  return {
    id,
    name: String(config.name ?? id),
    type: config.type,
    clientId,
    ...(clientSecret ? { clientSecret } : {}),
    ...(issuer ? { issuer } : {}),
    authorization: endpoint(config.authorization),
    token: endpoint(config.token),
    userinfo: endpoint(config.userinfo),
    tokenEndpointAuthMethod,
    client,
    idToken: config.idToken !== false,
    profile: config.profile,
    raw: config,
  };
}

function endpoint(value: unknown): Endpoint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { url: new URL(value), params: {} };
  const e = value as Loose;
  const params: Record<string, string> = {};
  for (const [key, param] of Object.entries((e.params ?? {}) as Loose)) {
    if (param !== undefined && param !== null) params[key] = key === "claims" ? JSON.stringify(param) : String(param);
  }
  return {
    ...(e.url !== undefined ? { url: new URL(String(e.url)) } : {}),
    params,
    ...(typeof e.request === "function" ? { request: e.request } : {}),
    ...(typeof e.conform === "function" ? { conform: e.conform } : {}),
  };
}

/** True for `localhost`, `127.0.0.0/8` and `::1`: plain http is allowed only there (local test servers). */
export function isLoopback(url: string | URL): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * How long one outgoing request to an authorization server (discovery, token,
 * userinfo) may take before it is aborted: a server that never answers must
 * not hold the sign-in (and the action running it) until the platform kills
 * it. The flow then fails with `OAUTH_FAILED`.
 */
export const OAUTH_REQUEST_TIMEOUT_MS = 10_000;

/**
 * oauth4webapi, loaded (`import()`) when a flow first needs it: a function
 * module that only imports `auth` does not bundle it.
 */
export async function oauth4webapi(): Promise<typeof o> {
  return await import("oauth4webapi");
}

/** oauth4webapi's options for one request. */
export type OAuthRequestOptions = {
  [o.allowInsecureRequests]?: boolean;
  /** A fresh {@link OAUTH_REQUEST_TIMEOUT_MS} timeout for each request made with these options. */
  signal: () => AbortSignal;
};

/**
 * oauth4webapi's request options for a call to `url`: bounded by
 * {@link OAUTH_REQUEST_TIMEOUT_MS}, and plain http allowed for loopback only.
 */
export async function requestOptions(url: string | URL | undefined): Promise<OAuthRequestOptions> {
  const signal = () => AbortSignal.timeout(OAUTH_REQUEST_TIMEOUT_MS);
  if (url === undefined || !isLoopback(url)) return { signal };
  const { allowInsecureRequests } = await oauth4webapi();
  return { [allowInsecureRequests]: true, signal };
}

/** Discovery results per issuer, kept for an hour in this isolate. */
const discovered = new Map<string, { as: o.AuthorizationServer; until: number }>();
const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/**
 * The authorization server's metadata: discovered from the issuer (OIDC, or
 * any config without explicit endpoints), else built from the config's
 * endpoints. Fetches, so only in actions and HTTP actions.
 */
export async function authorizationServer(settings: OAuthSettings): Promise<o.AuthorizationServer> {
  const explicit = settings.authorization?.url !== undefined && settings.token?.url !== undefined;
  if (explicit || settings.issuer === undefined) {
    if (!explicit) {
      throw authError("CONFIGURATION", `OAuth provider "${settings.id}" needs an issuer or authorization and token URLs`);
    }
    return {
      issuer: settings.issuer ?? settings.authorization!.url!.origin,
      authorization_endpoint: settings.authorization!.url!.href,
      token_endpoint: settings.token!.url!.href,
      ...(settings.userinfo?.url ? { userinfo_endpoint: settings.userinfo.url.href } : {}),
    };
  }
  const cached = discovered.get(settings.issuer);
  if (cached !== undefined && cached.until > Date.now()) return cached.as;
  const issuer = new URL(settings.issuer);
  const o = await oauth4webapi();
  let as: o.AuthorizationServer;
  try {
    const response = await o.discoveryRequest(issuer, { algorithm: "oidc", ...(await requestOptions(issuer)) });
    as = await o.processDiscoveryResponse(issuer, response);
  } catch (error) {
    throw authError("OAUTH_FAILED", `Discovery of ${settings.issuer} failed: ${messageOf(error)}`);
  }
  discovered.set(settings.issuer, { as, until: Date.now() + DISCOVERY_TTL_MS });
  return as;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPlainObject(value: unknown): value is Loose {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof URL);
}

/** Auth.js's deep merge of a provider's defaults with the user's options. */
function merge(target: Loose, source: Loose): Loose {
  const out: Loose = { ...target };
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key], value) : value;
  }
  return out;
}
