import type { Auth } from "convex/server";
import { authError } from "./errors.js";
import { parseSubject } from "./tokens/accessToken.js";
import { processEnv } from "./env.js";


/** Any function context: it has `ctx.auth`. */
export type AuthCtx = { auth: Auth };

/** The signed-in user and session, read from the access token's `sub`. */
export type SignedIn = { userId: string; sessionId: string };

/**
 * The user and session of the caller's access token, or `null`. Reads no
 * document: it only parses the verified identity. A token from another issuer
 * (another auth provider in `auth.config.ts`) is not ours and gives `null`.
 */
export async function signedIn(ctx: AuthCtx): Promise<SignedIn | null> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) return null;
  const site = processEnv().CONVEX_SITE_URL?.replace(/\/+$/, "");
  if (site && identity.issuer.replace(/\/+$/, "") !== site) return null;
  return parseSubject(identity.subject);
}

/** Like {@link signedIn}, but throws `NOT_SIGNED_IN` when nobody is. */
export async function requireSignedIn(ctx: AuthCtx): Promise<SignedIn> {
  const who = await signedIn(ctx);
  if (who === null) throw authError("NOT_SIGNED_IN", "Sign in first");
  return who;
}
