import type { SignInOutcome } from "convex-auth-kit/react";

/**
 * A line for the person about what `signIn` resolved to, for a form that has
 * nothing more specific to do with it: `undefined` for a finished sign-in.
 * The switch is exhaustive, so a new `status` fails the typecheck here.
 */
export function describeOutcome(outcome: SignInOutcome): string | undefined {
  switch (outcome.status) {
    case "signedIn":
      return undefined;
    case "codeSent":
      return "Sent: check your messages for the code or link.";
    case "confirmationRequired":
      return `This sign-in link is for ${outcome.account} and signs in only once you confirm it.`;
    case "redirecting":
      return "Taking you to the provider…";
    case "secondFactorRequired":
      return "This account also needs a second factor: finish with it above.";
    case "totpSetup":
      return "Unexpected: the server started setting up an authenticator.";
    case "failed":
      return "The server did not sign you in. Try again.";
    default: {
      const unknown: never = outcome;
      return `Unexpected outcome: ${(unknown as { status: string }).status}`;
    }
  }
}

/** An error saying `outcome` is not what the form waited for, for `useTask` to show. */
export function unexpectedOutcome(outcome: SignInOutcome): Error {
  return new Error(describeOutcome(outcome) ?? `Unexpected outcome: ${outcome.status}`);
}
