import { authError } from "convex-auth-kit/server";

/**
 * The switch for the example's development helpers (`users.byEmail`,
 * `outbox.latest`): they show any account and any code sent, so they answer
 * only on a deployment where `EXAMPLE_DEV_TOOLS` is exactly `"1"`
 * (`npx convex env set EXAMPLE_DEV_TOOLS 1`, on a development deployment
 * only). Everywhere else they throw `FORBIDDEN`.
 */
export const DEV_TOOLS_ENV = "EXAMPLE_DEV_TOOLS";

/** Whether this deployment turned the development helpers on. */
export function devToolsEnabled(): boolean {
  return process.env[DEV_TOOLS_ENV] === "1";
}

/** Throws `FORBIDDEN` unless the development helpers are on; `what` names the helper. */
export function requireDevTools(what: string): void {
  if (!devToolsEnabled()) {
    throw authError(
      "FORBIDDEN",
      `${what} is a development helper: it is off unless ${DEV_TOOLS_ENV}=1 is set on the deployment`,
    );
  }
}
