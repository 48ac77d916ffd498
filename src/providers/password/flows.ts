/**
 * The flows behind `Password(options)` (see Password.ts), loaded (`import()`)
 * when a password sign-in or change runs, with argon2id and the password
 * rules, so a function module that only imports `auth` bundles none of them.
 */
import { authError, rateLimited } from "../../server/errors.js";
import { normalizeEmail } from "../../server/email.js";
import type { ActionCtx, ProviderOutcome, SignInContext } from "../../server/provider.js";
import { hashCode, newNumericCode } from "../../server/tokens/oneTimeCode.js";
import type { CodeDelivery, PasswordOptions } from "../Password.js";
import { requireStepUp } from "../../server/stepUp.js";
import { DEFAULT_ARGON2ID, hashPassword, needsRehash, verifyPassword } from "./hash.js";
import { checkNewPassword, isPlausiblePassword } from "./rules.js";

const RESET = "password_reset";
const VERIFY_EMAIL = "email_verification";

/** The password flows for `options`. */
export function passwordFlows(options: PasswordOptions) {
  const id = options.id ?? "password";
  const hashParams = options.hash ?? DEFAULT_ARGON2ID;
  const codeLength = options.codeLength ?? 8;
  const codeTtlMs = options.codeTtlMs ?? 10 * 60 * 1000;
  const profile =
    options.profile ??
    ((params: Record<string, unknown>) => (typeof params.name === "string" ? { name: params.name } : {}));

  function emailOf(params: Record<string, unknown>): string {
    if (typeof params.email !== "string") throw authError("INVALID_ARGUMENT", "An email is required");
    return normalizeEmail(params.email);
  }

  /**
   * Sends a code for `purpose` if the address's send bucket allows
   * (`RATE_LIMITED` otherwise). A send that throws gives its token back:
   * only delivered codes count.
   */
  async function sendCode(
    sc: SignInContext,
    send: (ctx: ActionCtx, delivery: CodeDelivery) => Promise<void>,
    account: { accountId: string },
    email: string,
    purpose: string,
  ): Promise<void> {
    const limit = { ...sc.attemptLimit("code", email), key: `send:${id}:${email}` };
    const state = await sc.ctx.runMutation(sc.component.limits.consume, { limit });
    if (!state.ok) throw rateLimited(state.retryAfterMs);
    try {
      const code = newNumericCode(codeLength);
      const expiresAt = Date.now() + codeTtlMs;
      await sc.ctx.runMutation(sc.component.codes.create, {
        accountId: account.accountId,
        provider: id,
        purpose,
        codeHash: await hashCode(code, account.accountId, purpose),
        address: email,
        expirationTime: expiresAt,
      });
      await send(sc.ctx, { email, code, expiresAt });
    } catch (error) {
      await sc.ctx.runMutation(sc.component.limits.refund, { limit });
      throw error;
    }
  }

  async function signUp(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const email = emailOf(params);
    const password = await checkNewPassword(params.password, email, options.validatePassword, options.passwordPolicy);
    const secret = await hashPassword(password, hashParams);
    const verify = options.sendVerificationCode;
    const created = await sc.ctx.runMutation(sc.component.accounts.createWithUser, {
      provider: id,
      providerAccountId: email,
      secret,
      emailVerified: false,
      user: { email, ...profile(params) },
    });
    if (verify) {
      try {
        await sendCode(sc, verify, created, email, VERIFY_EMAIL);
      } catch (error) {
        // Nothing half-written: the person can sign up again.
        await sc.ctx.runMutation(sc.component.accounts.rollbackSignUp, { accountId: created.accountId });
        throw error;
      }
      return { started: true };
    }
    return { verdict: "firstFactor", userId: created.userId, provider: id };
  }

  async function signIn(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const email = emailOf(params);
    const limit = sc.attemptLimit("password", email);
    // The attempt token is taken here, in its own transaction, before the password is checked.
    const { account, limit: state } = await sc.ctx.runMutation(sc.component.accounts.beginSignIn, {
      provider: id,
      providerAccountId: email,
      limit,
    });
    if (!state.ok) throw rateLimited(state.retryAfterMs);
    const password = params.password;
    const matches =
      isPlausiblePassword(password) && account?.secret !== undefined
        ? await verifyPassword(password, account.secret)
        : await burnVerification(password);
    if (!matches || account === null) {
      await sc.ctx.runMutation(sc.component.limits.fail, { limit });
      throw authError("INVALID_CREDENTIALS", "Wrong email or password");
    }
    if (options.sendVerificationCode && !account.emailVerified) {
      await sendCode(sc, options.sendVerificationCode, account, email, VERIFY_EMAIL);
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

  async function requestReset(sc: SignInContext, params: Record<string, unknown>): Promise<ProviderOutcome> {
    const send = options.sendResetCode;
    if (!send) throw authError("INVALID_ARGUMENT", "Password reset is not enabled (no sendResetCode)");
    const email = emailOf(params);
    const account = await sc.ctx.runQuery(sc.component.accounts.getByProvider, {
      provider: id,
      providerAccountId: email,
    });
    if (account !== null) await sendCode(sc, send, { accountId: account._id }, email, RESET);
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
    purpose: string,
    newPassword?: string,
  ): Promise<ProviderOutcome> {
    const email = emailOf(params);
    const limit = sc.attemptLimit("code", email);
    const code = typeof params.code === "string" ? params.code.trim() : "";
    const account = await sc.ctx.runQuery(sc.component.accounts.getByProvider, {
      provider: id,
      providerAccountId: email,
    });
    if (account === null || code === "" || code.length > 64) {
      const state = await sc.ctx.runMutation(sc.component.limits.consume, { limit });
      if (!state.ok) throw rateLimited(state.retryAfterMs);
      throw authError("INVALID_CODE", "The code is wrong or has expired");
    }
    const common = {
      accountId: account._id,
      purpose,
      codeHash: await hashCode(code, account._id, purpose),
      limit,
    };
    const outcome =
      newPassword === undefined
        ? await sc.ctx.runMutation(sc.component.accounts.verifyEmailWithCode, common)
        : await sc.ctx.runMutation(sc.component.accounts.resetSecretWithCode, {
            ...common,
            secret: await hashPassword(newPassword, hashParams),
          });
    if (outcome.status === "rate_limited") throw rateLimited(outcome.retryAfterMs);
    if (outcome.status === "invalid") throw authError("INVALID_CODE", "The code is wrong or has expired");
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
        case "reset-verification": {
          const email = emailOf(params);
          const newPassword = await checkNewPassword(params.newPassword, email, options.validatePassword, options.passwordPolicy);
          return await redeemCode(sc, params, RESET, newPassword);
        }
        case "email-verification":
          return await redeemCode(sc, params, VERIFY_EMAIL);
        default:
          throw authError(
            "INVALID_ARGUMENT",
            'flow must be one of "signUp", "signIn", "reset", "reset-verification", "email-verification"',
          );
      }
    },
    async changePassword(
      sc: SignInContext,
      session: { userId: string; sessionId: string },
      { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      // A user with a second factor must have verified it in this session
      // within the last 10 minutes (STEP_UP_REQUIRED); the session must be live.
      await requireStepUp(sc.ctx, sc.component, session);
      const account = await sc.ctx.runQuery(sc.component.accounts.getSecretByUser, {
        userId: session.userId,
        provider: id,
      });
      if (account === null || account.secret === undefined) {
        throw authError("NOT_FOUND", "This user has no password");
      }
      // The attempt token is taken before the current password is checked.
      const limit = sc.attemptLimit("password", `user:${session.userId}`);
      const state = await sc.ctx.runMutation(sc.component.limits.take, { limit });
      if (!state.ok) throw rateLimited(state.retryAfterMs);
      if (!isPlausiblePassword(currentPassword) || !(await verifyPassword(currentPassword, account.secret))) {
        await sc.ctx.runMutation(sc.component.limits.fail, { limit });
        throw authError("INVALID_CREDENTIALS", "The current password is wrong");
      }
      const user = await sc.ctx.runQuery(sc.component.users.get, { userId: session.userId });
      const password = await checkNewPassword(newPassword, user?.email ?? "", options.validatePassword, options.passwordPolicy);
      await sc.ctx.runMutation(sc.component.accounts.changeSecret, {
        accountId: account.accountId,
        secret: await hashPassword(password, hashParams),
        exceptSessionId: session.sessionId,
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
