import { v } from "convex/values";
import { verifierByHash } from "./model/verifiers.js";
import { mutation } from "./_generated/server.js";
import { verifierFields } from "./schema.js";
import { OAUTH_FLOW } from "../shared/verifierKinds.js";

/** A verifier as it leaves the component. */
export const verifierDoc = v.object({
  _id: v.id("verifiers"),
  _creationTime: v.number(),
  ...verifierFields,
});

/**
 * Stores the state of a multi-step sign-in (OAuth PKCE and state, a WebAuthn
 * or TOTP challenge), found later by the hash of the value the client holds.
 */
export const create = mutation({
  args: {
    kind: v.string(),
    verifierHash: v.string(),
    userId: v.optional(v.id("users")),
    sessionId: v.optional(v.id("sessions")),
    challenge: v.optional(v.string()),
    data: v.optional(v.any()),
    expirationTime: v.number(),
  },
  returns: v.id("verifiers"),
  handler: async (ctx, args) => await ctx.db.insert("verifiers", args),
});

/**
 * Takes a started OAuth flow (`kind: "oauth_flow"`, the only kind taken
 * here) by the hash of its `state`: returns it and deletes it (single use).
 * It carries the flow's PKCE code verifier and nonce, which the callback
 * sends to the provider: one of the three secrets that leave the component
 * (SECURITY.md, "What leaves the component"). `null` when unknown, of another
 * kind, or expired (an expired one is deleted too).
 */
export const consume = mutation({
  args: { kind: v.literal(OAUTH_FLOW), verifierHash: v.string() },
  returns: v.union(verifierDoc, v.null()),
  handler: async (ctx, { kind, verifierHash }) => {
    const verifier = await verifierByHash(ctx, verifierHash);
    if (verifier === null || verifier.kind !== kind) return null;
    await ctx.db.delete(verifier._id);
    return verifier.expirationTime > Date.now() ? verifier : null;
  },
});
