/**
 * The flows behind `Password(options)` (see Password.ts), loaded (`import()`)
 * when a password sign-in or change runs, with argon2id and the password
 * rules, so a function module that only imports `auth` bundles none of them.
 */
import { authError, rateLimited } from "../../server/errors.js";
import { normalizeEmail } from "../../server/email.js";
import { normalizeUsername } from "../../shared/username.js";
import type { ActionCtx, ProviderOutcome, SignInContext } from "../../server/provider.js";
import { hashCode, newNumericCode } from "../../server/tokens/oneTimeCode.js";
import { EMAIL_VERIFICATION, PASSWORD_RESET } from "../../shared/codePurposes.js";
import type { CodeDelivery, PasswordOptions } from "../Password.js";
import { requireSecondFactorStepUp } from "../../server/stepUp.js";
import { deliver } from "../../server/delivery.js";
import { DEFAULT_ARGON2ID, hashPassword, needsRehash, verifyPassword } from "./hash.js";
import { checkNewPassword, isPlausiblePassword } from "./rules.js";
import { resolveCodeOptions } from "../codes/codeOptions.js";


/** The password flows for `options`. */
export function passwordFlows(options: PasswordOptions) {
  const id = options.id ?? "password";
  const hashParams = options.hash ?? DEFAULT_ARGON2ID;
  const { codeLength, ttlMs: codeTtlMs } = resolveCodeOptions("Password", options);
  const profile =
    options.profile ??
    ((params: Record<string, unknown>) => (typeof params.name === "string" ? { name: params.name } : {}));

  function emailOf(params: Record<string, unknown>): string {
    if (typeof params.email !== "string") throw authError("INVALID_ARGUMENT", "An email is required");
    return normalizeEmail(params.email);
  }

  /**
   * `params.username` normalised, `undefined` without one; `INVALID_USERNAME`
   * when it breaks the rules, `INVALID_ARGUMENT` when it is no string or
   * usernames are off.
   */
  function usernameOf(params: Record<string, unknown>): string | undefined {
    if (params.username === undefined) return undefined;
    if (options.usernames === false) throw authError("INVALID_ARGUMENT", "Usernames are not enabled");
    if (typeof params.username !== "string") throw authError("INVALID_ARGUMENT", "username must be a string");
    return normalizeUsername(params.username);
  }

  /**
   * Sends a code for `purpose` if the address's send bucket allows
   * (`RATE_LIMITED` otherwise) and the account exists (nothing is sent, and
   * nothing said, otherwise). The send's token is leased with the code and
   * settled by `deliver`: a send that throws does not count.
   */
  async function sendCode(
    sc: SignInContext,
    send: (ctx: ActionCtx, delivery: CodeDelivery) => Promise<void>,
    email: string,
    purpose: typeof EMAIL_VERIFICATION | typeof PASSWORD_RESET,
  ): Promise<void> {
    const limit = { ...sc.attemptLimit("code", email), key: `send:${id}:${email}` };
    const code = newNumericCode(codeLength);
    const expiresAt = Date.now() + codeTtlMs;
    const target = { provider: id, address: email, purpose };
    const stored = await sc.ctx.runMutation(sc.component.codes.create, {
      ...target,
      codeHash: await hashCode(code, target),
      expirationTime: expiresAt,
      limit,
    });
    if (stored.status === "rate_limited") throw rateLimited(stored.retryAfterMs);
    if (stored.status === "no_account") return;
    await deliver(sc, limit, () => send(sc.ctx, { email, code, expiresAt }));
  }

  async function signUp(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const email = emailOf(params);
    const username = usernameOf(params);
    if (username === undefined && options.usernames && options.usernames.required) {
      throw authError("INVALID_USERNAME", "A username is required");
    }
    const password = await checkNewPassword(params.password, email, options.validatePassword, options.passwordPolicy, username);
    const secret = await hashPassword(password, hashParams);
    const verify = options.sendVerificationCode;
    // Signed in as a guest: the sign-up attaches to the guest (its id and data stay); anyone
    // else signed in gets a new user, as signed out. The component decides, in its transaction.
    const caller = await sc.signedIn();
    // The username's uniqueness is decided in this transaction (USERNAME_TAKEN, nothing written).
    const userId = await sc.ctx.runMutation(sc.component.users.create, {
      email,
      ...profile(params),
      ...(username !== undefined ? { username } : {}),
      account: { provider: id, providerAccountId: email, secret, emailVerified: false },
      ...(caller !== null ? { caller } : {}),
      audit: sc.options.audit,
    });
    if (verify) {
      try {
        await sendCode(sc, verify, email, EMAIL_VERIFICATION);
      } catch (error) {
        // Nothing half-written: the person can sign up again. (An upgraded guest is no unused
        // sign-up and stays: signing in with the password sends a new code.)
        await sc.ctx.runMutation(sc.component.users.delete, { userId, onlyUnusedSignUp: true, audit: sc.options.audit });
        throw error;
      }
      return { started: true };
    }
    // An upgraded guest's sessions ended with the upgrade: a new one, as for a new user.
    return { verdict: "firstFactor", userId, provider: id };
  }

  /**
   * Who signs in: `email` or `username`, exactly one, with its own bucket
   * of failed attempts (a username never has an `@`, so the two never share
   * a key; sharing one would let anyone lock an email and then probe which
   * username goes with it).
   */
  function signInIdentifier(params: Record<string, unknown>) {
    if (params.username !== undefined && params.email !== undefined) {
      throw authError("INVALID_ARGUMENT", "Give either email or username");
    }
    const username = usernameOf(params);
    if (username !== undefined) {
      return { identifier: username, lookup: { username }, wrong: "Wrong username or password" };
    }
    const email = emailOf(params);
    return { identifier: email, lookup: { providerAccountId: email }, wrong: "Wrong email or password" };
  }

  async function signIn(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const { identifier, lookup, wrong } = signInIdentifier(params);
    const limit = sc.attemptLimit("password", identifier);
    // The attempt token is taken here, in its own transaction, before the password is checked.
    const { account, limit: state } = await sc.ctx.runMutation(sc.component.accounts.beginSignIn, {
      provider: id,
      ...lookup,
      limit,
    });
    if (!state.ok) throw rateLimited(state.retryAfterMs);
    const password = params.password;
    const matches =
      isPlausiblePassword(password) && account?.secret !== undefined
        ? await verifyPassword(password, account.secret)
        : await burnVerification(password);
    if (!matches || account === null) {
      await sc.ctx.runMutation(sc.component.limits.settle, { limit, counts: true });
      throw authError("INVALID_CREDENTIALS", wrong);
    }
    if (options.sendVerificationCode && !account.emailVerified) {
      // The account's email (its provider identity), whichever name signed in.
      await sendCode(sc, options.sendVerificationCode, account.providerAccountId, EMAIL_VERIFICATION);
      return { started: true };
    }
    const upgraded = needsRehash(account.secret!, hashParams)
      ? await hashPassword(password as string, hashParams)
      : undefined;
    return {
      verdict: "firstFactor",
      userId: account.userId,
      provider: id,
      accountId: account.accountId,
      ...(upgraded ? { upgradedSecret: upgraded } : {}),
    };
  }

  /**
   * Checks the signed-in user's current password: the attempt token (their
   * own bucket, `user:<id>`) is taken first, in its own transaction.
   * `NOT_FOUND` without a password, `INVALID_CREDENTIALS` when it is wrong.
   */
  async function checkOwnPassword(sc: SignInContext, userId: string, password: unknown) {
    const limit = sc.attemptLimit("password", `user:${userId}`);
    const { account, limit: state } = await sc.ctx.runMutation(sc.component.accounts.beginSignIn, { provider: id, userId, limit });
    if (!state.ok) throw rateLimited(state.retryAfterMs);
    if (account === null || account.secret === undefined) {
      throw authError("NOT_FOUND", "This user has no password");
    }
    if (!isPlausiblePassword(password) || !(await verifyPassword(password, account.secret))) {
      await sc.ctx.runMutation(sc.component.limits.settle, { limit, counts: true });
      throw authError("INVALID_CREDENTIALS", "The current password is wrong");
    }
    return { ...account, secret: account.secret };
  }

  /**
   * The signed-in user proves their password again (step-up for users
   * without a second factor): their session goes on with fresh tokens and
   * a re-authentication time. `NOT_SIGNED_IN` when signed out.
   */
  async function reauthenticate(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const who = await sc.signedIn();
    if (who === null) throw authError("NOT_SIGNED_IN", "Sign in first");
    await checkOwnPassword(sc, who.userId, params.password);
    return { verdict: "continue", userId: who.userId, sessionId: who.sessionId, provider: id, reauthenticated: true };
  }

  async function requestReset(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const send = options.sendResetCode;
    if (!send) throw authError("INVALID_ARGUMENT", "Password reset is not enabled (no sendResetCode)");
    await sendCode(sc, send, emailOf(params), PASSWORD_RESET);
    return { started: true };
  }

  /**
   * Checks a code for `purpose` in one all-or-nothing mutation (a wrong code
   * takes a token from the address's code bucket in that transaction), then
   * reports the first factor: the code proved the mailbox. A user with a
   * second factor still has to pass it.
   */
  async function redeemCode(
    sc: SignInContext,
    params: Record<string, unknown>,
    newPassword?: string,
  ): Promise<ProviderOutcome> {
    const email = emailOf(params);
    const code = typeof params.code === "string" ? params.code.trim().slice(0, 64) : "";
    const common = { provider: id, address: email, limit: sc.attemptLimit("code", email) };
    const outcome =
      newPassword === undefined
        ? await sc.ctx.runMutation(sc.component.codes.redeem, {
            ...common,
            purpose: EMAIL_VERIFICATION,
            codeHash: await hashCode(code, { ...common, purpose: EMAIL_VERIFICATION }),
            audit: sc.options.audit,
          })
        : await sc.ctx.runMutation(sc.component.codes.redeem, {
            ...common,
            purpose: PASSWORD_RESET,
            codeHash: await hashCode(code, { ...common, purpose: PASSWORD_RESET }),
            newSecret: await hashPassword(newPassword, hashParams),
            audit: sc.options.audit,
          });
    if (outcome.status === "rate_limited") throw rateLimited(outcome.retryAfterMs);
    if (outcome.status !== "ok") throw authError("INVALID_CODE", "The code is wrong or has expired");
    return { verdict: "firstFactor", userId: outcome.userId, provider: id };
  }

  return {
    async signIn(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
      switch (params.flow) {
        case "signUp":
          return await signUp(sc, params);
        case "signIn":
          return await signIn(sc, params);
        case "reset":
          return await requestReset(sc, params);
        case "resetVerification": {
          const email = emailOf(params);
          const newPassword = await checkNewPassword(params.newPassword, email, options.validatePassword, options.passwordPolicy);
          return await redeemCode(sc, params, newPassword);
        }
        case "emailVerification":
          return await redeemCode(sc, params);
        case "reauthenticate":
          return await reauthenticate(sc, params);
        default:
          throw authError(
            "INVALID_ARGUMENT",
            'flow must be one of "signUp", "signIn", "reset", "resetVerification", "emailVerification", "reauthenticate"',
          );
      }
    },
    async changePassword(
      sc: SignInContext,
      session: { userId: string; sessionId: string },
      { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      // A user with a second factor must have verified it in this session
      // within the last 10 minutes (STEP_UP_REQUIRED); the session must be
      // live. The current password is this change's own first-factor proof.
      await requireSecondFactorStepUp(sc.ctx, sc.component, session);
      const account = await checkOwnPassword(sc, session.userId, currentPassword);
      const user = await sc.ctx.runQuery(sc.component.users.get, { userId: session.userId });
      const password = await checkNewPassword(
        newPassword,
        user?.email ?? "",
        options.validatePassword,
        options.passwordPolicy,
        user?.username,
      );
      await sc.ctx.runMutation(sc.component.accounts.changeSecret, {
        accountId: account.accountId,
        secret: await hashPassword(password, hashParams),
        exceptSessionId: session.sessionId,
        audit: sc.options.audit,
      });
    },
  };
}

/** A stored hash to verify against when there is no account, so both paths take as long. */
let decoyHash: string | undefined;

/** Spends the time of a verification and returns false. */
async function burnVerification(password: unknown): Promise<false> {
  decoyHash ??= await hashPassword("decoy password for unknown accounts");
  await verifyPassword(typeof password === "string" && password !== "" ? password.slice(0, 256) : "x", decoyHash);
  return false;
}
