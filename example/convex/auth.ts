import { Auth, type AuthCallbacks, type SecurityNoticeArgs } from "convex-auth-kit/server";
import { Password } from "convex-auth-kit/providers";
import { Passkey } from "convex-auth-kit/providers";
import { TOTP } from "convex-auth-kit/providers";
import { Anonymous, Email, Phone } from "convex-auth-kit/providers";
import GitHub from "@auth/core/providers/github";
import { components, internal } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";

/** The most devices a profile remembers for the "new device" notice. */
const DEVICES_KEPT = 10;

/**
 * The example's lifecycle callbacks (docs/hooks.md), run by the component
 * in the transaction of each change:
 * - `afterUserCreated`: the app's own `profiles` row, created with the user
 *   (a failure here would undo the sign-up, so there is never a user
 *   without a profile);
 * - `afterSignIn`: a sign-in from a device (user agent) the user never
 *   signed in from sends a "new device" notice to their email through the
 *   scheduler (here: the dev outbox), once they have a device on record;
 * - `onSecurityNotice`: a password changed or reset, an email or phone
 *   changed, a factor added or removed, recovery codes generated: a notice
 *   to the user's email (and, for a changed email, to the old address too),
 *   kept in `notices` for the account page;
 * - `afterUserDeleted`: the profile goes with the user.
 */
const callbacks: AuthCallbacks<DataModel> = {
  afterUserCreated: async (ctx, { userId, provider }) => {
    await ctx.db.insert("profiles", { userId, signedUpWith: provider ?? "app", devices: [] });
  },
  afterSignIn: async (ctx, { userId, user, userAgent }) => {
    const profile = await ctx.db
      .query("profiles")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .unique();
    const device = userAgent ?? "an unknown device";
    if (profile === null || profile.devices.includes(device)) return;
    await ctx.db.patch(profile._id, { devices: [...profile.devices, device].slice(-DEVICES_KEPT) });
    if (profile.devices.length > 0 && user.email !== undefined) {
      // Sent after the sign-in commits (a scheduled function runs only if this transaction does).
      await ctx.scheduler.runAfter(0, internal.outbox.deliver, {
        to: user.email,
        subject: "New sign-in to your account",
        code: device,
        expiresAt: Date.now() + 7 * 24 * 60 * 60 * 1000,
      });
    }
  },
  onSecurityNotice: async (ctx, notice) => {
    const text = noticeText(notice);
    const sentTo = [notice.user.email, notice.previousEmail].filter((to): to is string => to !== undefined);
    await ctx.db.insert("notices", { userId: notice.userId, kind: notice.kind, text, sentTo });
    for (const to of sentTo) {
      await ctx.scheduler.runAfter(0, internal.outbox.deliver, {
        to,
        subject: "Security notice",
        code: text,
        expiresAt: notice.time + 7 * 24 * 60 * 60 * 1000,
      });
    }
  },
  afterUserDeleted: async (ctx, { userId }) => {
    const profile = await ctx.db
      .query("profiles")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .unique();
    if (profile !== null) await ctx.db.delete(profile._id);
    const notices = await ctx.db
      .query("notices")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .take(NOTICES_DELETED);
    for (const notice of notices) await ctx.db.delete(notice._id);
  },
};

/** The most notices deleted with their user in the deletion's transaction (older ones stay orphaned: a real app sweeps them). */
const NOTICES_DELETED = 500;

/** What a security notice says: what changed, and by whom when not the user. */
function noticeText(notice: SecurityNoticeArgs): string {
  const by = notice.actorUserId !== undefined ? " by an administrator" : "";
  switch (notice.kind) {
    case "password_changed":
      return `Your password was changed${by}.`;
    case "password_reset":
      return "Your password was reset with a code sent to your email.";
    case "email_changed":
      return `Your email was changed${by} to ${notice.user.email ?? "none"}.`;
    case "phone_changed":
      return `Your phone number was changed${by}.`;
    case "factor_added":
      return `A way to sign in was added${by}: ${notice.factor ?? "unknown"}.`;
    case "factor_removed":
      return `A way to sign in was removed${by}: ${notice.factor ?? "unknown"}.`;
    case "credentials_cleared":
      return "Your email was proven: ways to sign in added before that were removed.";
    case "recovery_codes_generated":
      return "New recovery codes were generated; the old ones no longer work.";
    case "totp_code_replayed":
      return "A code from your authenticator app was used a second time and refused. If that was not you, someone may know your password: change it.";
  }
}

/** The example's auth: email + password, with reset codes "sent" to the outbox table. */
export const auth = Auth<DataModel>({
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
    // Authenticator-app codes as a second factor (needs TOTP_ENCRYPTION_KEY).
    TOTP({ issuer: "convex-auth-kit example" }),
    // Passkeys: sign up, add, sign in, second factor (origin and RP ID from SITE_URL).
    Passkey({ rpName: "convex-auth-kit example" }),
    // OAuth with GitHub: AUTH_GITHUB_ID and AUTH_GITHUB_SECRET from a GitHub OAuth app whose
    // callback URL is <CONVEX_SITE_URL>/api/auth/callback/github; the browser returns to SITE_URL.
    // AUTH_GITHUB_ENTERPRISE_URL (optional) is the example's hook for a GitHub Enterprise server or a
    // local stand-in (the browser tests' mock, e.g. http://localhost:4000): GitHub at that base URL
    // (<base>/login/oauth/*, <base>/api/v3/user). Unset: github.com, as `GitHub` is.
    process.env.AUTH_GITHUB_ENTERPRISE_URL ? GitHub({ enterprise: { baseUrl: process.env.AUTH_GITHUB_ENTERPRISE_URL } }) : GitHub,
    // One-time codes and magic links by email, "sent" to the outbox table like the reset codes.
    Email({
      sendCode: async (ctx, { email, code, expiresAt }) => {
        await ctx.runMutation(internal.outbox.deliver, { to: email, subject: "Your sign-in code", code, expiresAt });
      },
      sendLink: async (ctx, { email, url, expiresAt }) => {
        await ctx.runMutation(internal.outbox.deliver, { to: email, subject: "Your sign-in link", code: url, expiresAt });
      },
    }),
    // One-time codes by "SMS" (the outbox again, addressed to the number).
    Phone({
      sendCode: async (ctx, { phone, code, expiresAt }) => {
        await ctx.runMutation(internal.outbox.deliver, { to: phone, subject: "Your sign-in code", code, expiresAt });
      },
    }),
    // Guests: "continue as guest", upgraded by any of the above while signed in.
    Anonymous(),
  ],
  apiKeys: {
    prefix: "sk_test_",
    scopes: { profile: ["read", "write"], sessions: ["read"] },
    defaultRateLimit: { max: 60, periodMs: 60_000 },
  },
  // The example's development knob: EXAMPLE_ACCESS_TOKEN_TTL_MS (milliseconds, at least 1000) shortens
  // the access tokens' lifetime, so refreshes happen often (the browser chaos test uses 15 s).
  // Unset: the default (15 minutes). Not for production: set it only on a development deployment.
  ...(process.env.EXAMPLE_ACCESS_TOKEN_TTL_MS ? { accessTokenTtlMs: Number(process.env.EXAMPLE_ACCESS_TOKEN_TTL_MS) } : {}),
  // Likewise EXAMPLE_REAUTH_WINDOW_MS shortens how long after signing in (or confirming the password)
  // sensitive changes are allowed (default 10 minutes; the browser test of re-authentication uses 4 s).
  ...(process.env.EXAMPLE_REAUTH_WINDOW_MS ? { reauthenticateWithinMs: Number(process.env.EXAMPLE_REAUTH_WINDOW_MS) } : {}),
  // Admins: the users whose verified email is listed in ADMIN_EMAILS (comma-separated). They may
  // impersonate users who are not admins, for an hour at most (the Admin page's "Impersonate").
  admin: {
    impersonation: true,
    isAdmin: async (ctx, userId) => {
      const admins = (process.env.ADMIN_EMAILS ?? "").split(",").map((email) => email.trim().toLowerCase());
      const user = await ctx.runQuery(components.auth.users.get, { userId });
      return user?.email !== undefined && user.emailVerificationTime !== undefined && admins.includes(user.email);
    },
  },
  // The package's own tests and benchmarks run the example with EXAMPLE_CALLBACKS=0 (test/harness/env.ts),
  // to measure the package alone; everywhere else the callbacks are on.
  ...(process.env.EXAMPLE_CALLBACKS === "0" ? {} : { callbacks }),
});

// `hooks`: the mutation the component runs the callbacks through, in the transaction of the change.
export const { signIn, signOut, refresh, sessionState, hooks } = auth;
