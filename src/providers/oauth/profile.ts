/**
 * From the provider's profile to the identity we sign in: the account id,
 * the email and whether the provider vouches for it, and the fields of a new
 * user (through the app's hook).
 */
import { OAUTH_REQUEST_TIMEOUT_MS } from "./settings.js";
import { normalizeEmail } from "../../server/email.js";
import { authError } from "../../server/errors.js";
import type { OAuthSettings } from "./settings.js";

type Awaitable<T> = T | Promise<T>;

/** What a provider config's `profile()` returns (Auth.js's `User`). */
export type MappedProfile = { id?: string | null; name?: string | null; email?: string | null; image?: string | null };

/** The token endpoint's response (access token, ID token, ...). */
export type OAuthTokens = Record<string, unknown> & { access_token?: string };

/** Options of `OAuth(config, options)`. */
export type OAuthOptions = {
  /** Provider id for `signIn(id)` and the routes. Default: the config's `id` (e.g. `"github"`). */
  id?: string;
  /**
   * Fields for a NEW user (or an anonymous user upgrading), from the
   * provider's raw profile and the config's mapped one. Existing users keep
   * theirs. Default: `{ name, image }` of the mapped profile.
   */
  profile?: (
    profile: Record<string, any>,
    mapped: MappedProfile,
  ) => Awaitable<{ name?: string; image?: string; extend?: unknown }>;
  /**
   * Whether the provider vouches that the user controls `email`. Only a
   * vouched-for email links to an existing user. Default: the profile's
   * `email_verified` claim (OIDC); for GitHub, the address's `verified` flag
   * from `GET /user/emails`; otherwise false.
   */
  emailVerified?: (args: { profile: Record<string, any>; tokens: OAuthTokens; email: string }) => Awaitable<boolean>;
};

/** The identity a callback hands on (see the component's `verifiedIdentity`). */
export type OAuthIdentity = {
  provider: string;
  providerAccountId: string;
  email?: string;
  emailVerified: boolean;
  phoneVerified: false;
  profile: { name?: string; image?: string; extend?: unknown };
};

/** Auth.js's default `profile()` for configs without one. */
function defaultProfile(profile: Record<string, any>): MappedProfile {
  return {
    id: profile.sub ?? profile.id,
    name: profile.name ?? profile.nickname ?? profile.preferred_username,
    email: profile.email,
    image: profile.picture,
  };
}

/** Maps a provider profile to the identity to sign in. */
export async function identityOf(
  settings: OAuthSettings,
  options: OAuthOptions,
  profile: Record<string, any>,
  tokens: OAuthTokens,
): Promise<OAuthIdentity> {
  const mapped = ((await (settings.profile ?? defaultProfile)(profile, tokens)) ?? {}) as MappedProfile;
  const accountId = mapped.id ?? profile.sub ?? profile.id;
  if (accountId === undefined || accountId === null || String(accountId) === "") {
    throw authError("OAUTH_FAILED", `The ${settings.name} profile has no id`);
  }
  const email = emailOrUndefined(mapped.email);
  const emailVerified =
    email !== undefined &&
    (options.emailVerified
      ? (await options.emailVerified({ profile, tokens, email })) === true
      : await vouchedFor(settings, profile, tokens, email));
  const fields = options.profile
    ? await options.profile(profile, mapped)
    : { name: mapped.name ?? undefined, image: mapped.image ?? undefined };
  return {
    provider: settings.id,
    providerAccountId: String(accountId),
    ...(email !== undefined ? { email } : {}),
    emailVerified,
    phoneVerified: false,
    profile: stripped({
      name: typeof fields.name === "string" ? fields.name : undefined,
      image: typeof fields.image === "string" ? fields.image : undefined,
      extend: fields.extend,
    }),
  };
}

function emailOrUndefined(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return normalizeEmail(value);
  } catch {
    return undefined;
  }
}

/** The default of `emailVerified`. */
async function vouchedFor(
  settings: OAuthSettings,
  profile: Record<string, any>,
  tokens: OAuthTokens,
  email: string,
): Promise<boolean> {
  const claim = profile.email_verified;
  if (claim !== undefined) {
    const sameAddress = profile.email === undefined || emailOrUndefined(profile.email) === email;
    return sameAddress && (claim === true || claim === "true");
  }
  if (settings.raw.id === "github" && settings.userinfo?.url && typeof tokens.access_token === "string") {
    return await githubEmailVerified(settings.userinfo.url, tokens.access_token, email);
  }
  return false;
}

/** GitHub's profile does not say whether the email is verified; `/user/emails` does. */
async function githubEmailVerified(userinfo: URL, accessToken: string, email: string): Promise<boolean> {
  const response = await fetch(`${userinfo.href.replace(/\/+$/, "")}/emails`, {
    headers: {
      Authorization: `Bearer ${accessToken}`,
      Accept: "application/vnd.github+json",
      "User-Agent": "convex-auth-kit",
    },
    signal: AbortSignal.timeout(OAUTH_REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) return false;
  const emails: unknown = await response.json();
  return (
    Array.isArray(emails) &&
    emails.some(
      (entry) =>
        typeof entry?.email === "string" && emailOrUndefined(entry.email) === email && entry.verified === true,
    )
  );
}

function stripped<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
