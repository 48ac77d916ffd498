import type { ReactNode } from "react";
import { authErrorCode } from "convex-auth-kit/react";
import { ErrorBoundary } from "./ErrorBoundary";
import { ErrorMessage } from "./ErrorMessage";

/**
 * Around a box that calls one of the example's development helpers
 * (`outbox.latest`, `users.byEmail`). They throw `FORBIDDEN` unless the
 * deployment has `EXAMPLE_DEV_TOOLS=1`; this shows that as a note in place
 * of the box instead of an error (any other error still shows as one).
 * Give it a `key` to try again (e.g. for another address); `card` when the
 * box it replaces is a card of its own.
 */
export function DevToolsBoundary({ children, card = false }: { children: ReactNode; card?: boolean }) {
  return (
    <ErrorBoundary
      fallback={(error) =>
        authErrorCode(error) === "FORBIDDEN" ? <DevToolsOff card={card} /> : <ErrorMessage error={error} />
      }
    >
      {children}
    </ErrorBoundary>
  );
}

/** The note for a deployment without the development helpers. */
export function DevToolsOff({ card = false }: { card?: boolean }) {
  return (
    <div className={`${card ? "card " : ""}mailcatcher devtools-off`} role="note">
      <p className="small">
        <strong>Development helpers are off</strong> <span className="badge">dev only</span>
      </p>
      <p className="muted small">
        Set <code>EXAMPLE_DEV_TOOLS=1</code> on the deployment (<code>npx convex env set EXAMPLE_DEV_TOOLS 1</code>, on a
        development deployment only) to see codes, links and users here. Without it, read them from wherever the
        deployment sends messages.
      </p>
    </div>
  );
}
