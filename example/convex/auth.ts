import { Auth } from "convex-auth-kit/server";
import { Password } from "convex-auth-kit/providers";
import { components, internal } from "./_generated/api";

/** The example's auth: email + password, with reset codes "sent" to the outbox table. */
export const auth = Auth({
  component: components.auth,
  providers: [
    Password({
      sendResetCode: async (ctx, { email, code, expiresAt }) => {
        await ctx.runMutation(internal.outbox.deliver, {
          to: email,
          subject: "Your password reset code",
          code,
          expiresAt,
        });
      },
    }),
  ],
  apiKeys: {
    prefix: "sk_test_",
    scopes: { profile: ["read", "write"], sessions: ["read"] },
    defaultRateLimit: { maxRequests: 60, windowMs: 60_000 },
  },
});

export const { signIn, signOut } = auth;
