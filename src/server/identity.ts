import type { Auth } from "convex/server";
import { authError } from "./errors.js";
import { parseSubject } from "../shared/subject.js";
import { processEnv } from "./env.js";
import { DEFAULT_COMPONENT_NAME, componentIssuer, ownIssuerConfigured } from "./tokens/issuer.js";

/** Any function context: it has `ctx.auth`. */
export type AuthCtx = { auth: Auth };

/**
 * The signed-in user and session, read from the access token's `sub`;
 * `impersonatorUserId` when an admin is acting as the user (an
 * impersonation: the token's `act` claim, or the session itself where it
 * was read live).
 */
export type SignedIn = { userId: string; sessionId: string; impersonatorUserId?: string };

/**
 * Names the app mounted the component under (`Auth()` adds its own): tokens
 * the deployment signs for the component carry
 * `${CONVEX_CLOUD_URL}/components/<name>` as their issuer.
 */
const componentNames = new Set<string>([DEFAULT_COMPONENT_NAME]);

/** Called by `Auth()` with the name its component is mounted under. */
export function trustComponentName(name: string): void {
  componentNames.add(name);
}

/**
 * True when `issuer` is one of ours: `CONVEX_SITE_URL` while we sign with
 * our own key (`JWT_PRIVATE_KEY`), or the component's (the deployment's
 * key). Without our own key the site URL is someone else's issuer: it is
 * where @convex-dev/auth signs, and its tokens name its own users.
 */
function isOurIssuer(issuer: string): boolean {
  const env = processEnv();
  const iss = issuer.replace(/\/+$/, "");
  const site = env.CONVEX_SITE_URL?.trim().replace(/\/+$/, "");
  if (site && iss === site) return ownIssuerConfigured(env);
  const cloud = env.CONVEX_CLOUD_URL?.trim().replace(/\/+$/, "");
  if (cloud) {
    for (const name of componentNames) if (iss === componentIssuer(cloud, name)) return true;
  }
  // Neither URL known (a bare test runner): nothing to tell ours from another's.
  return !site && !cloud;
}

/**
 * The actor an access token names (RFC 8693 `act: { sub }`: the admin of
 * an impersonation), or `undefined`. Taken as an object, or as its JSON
 * should the deployment hand custom claims over as strings.
 */
function actorOf(claim: unknown): string | undefined {
  let act = claim;
  if (typeof act === "string") {
    try {
      act = JSON.parse(act);
    } catch {
      return undefined;
    }
  }
  const sub = typeof act === "object" && act !== null ? (act as { sub?: unknown }).sub : undefined;
  return typeof sub === "string" && sub !== "" ? sub : undefined;
}

/**
 * The user and session of the caller's access token, or `null`. Reads no
 * document: it only parses the verified identity. A token from another issuer
 * (another auth provider in `auth.config.ts`) is not ours and gives `null`.
 * An impersonation's token also gives `impersonatorUserId` (its `act`).
 */
export async function signedIn(ctx: AuthCtx): Promise<SignedIn | null> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) return null;
  if (!isOurIssuer(identity.issuer)) return null;
  const who = parseSubject(identity.subject);
  if (who === null) return null;
  const impersonatorUserId = actorOf(identity.act);
  return impersonatorUserId === undefined ? who : { ...who, impersonatorUserId };
}

/** Like {@link signedIn}, but throws `NOT_SIGNED_IN` when nobody is. */
export async function requireSignedIn(ctx: AuthCtx): Promise<SignedIn> {
  const who = await signedIn(ctx);
  if (who === null) throw authError("NOT_SIGNED_IN", "Sign in first");
  return who;
}
