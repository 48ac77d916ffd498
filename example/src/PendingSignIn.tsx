import { useEffect, useRef, useState } from "react";
import { useAuthActions, usePendingSignIn } from "convex-auth-kit/react";
import { unexpectedOutcome } from "./outcomes";
import { useSession } from "./session";
import { TaskResult, useTask } from "./useTask";

/**
 * A magic link opened in a browser that did not ask for it (another
 * browser, another device, or a link someone else sent) does not sign in by
 * itself: `ConvexAuthProvider` keeps it and `usePendingSignIn()` names its
 * account until the person confirms (`confirmSignIn`) or cancels
 * (`cancelSignIn`). Rendered above every page; nothing while no link waits.
 */
export function PendingSignInPrompt() {
  const pending = usePendingSignIn();
  const pendingAccount = pending?.account ?? null;
  const { confirmSignIn, cancelSignIn } = useAuthActions();
  const { status } = useSession();
  const task = useTask();
  // `confirmSignIn()` drops the waiting link at once; the panel stays up (for
  // this account) until the attempt settles, to show progress or an error.
  const [attempt, setAttempt] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { reset } = task;

  // A (new) link waiting: start afresh and move focus here, so it is noticed and announced.
  useEffect(() => {
    if (pendingAccount === null) return;
    setAttempt(null);
    reset();
    headingRef.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pendingAccount]);

  const account = pendingAccount ?? attempt;
  if (account === null) return null;

  function close() {
    setAttempt(null);
    task.reset();
  }

  function confirm() {
    if (account === null) return;
    setAttempt(account);
    void task.run(async () => {
      const outcome = await confirmSignIn();
      // Signed in, or the account also needs a second factor: the client keeps
      // that step and App shows its prompt (SecondFactor.tsx) in this panel's place.
      if (outcome.status === "signedIn" || outcome.status === "secondFactorRequired") {
        close();
        return;
      }
      throw unexpectedOutcome(outcome);
    });
  }

  function cancel() {
    void cancelSignIn();
    close();
  }

  // Only a link still waiting can be confirmed; after a failed attempt it is gone.
  const canConfirm = pendingAccount !== null && !task.pending;

  return (
    <section
      className="card confirm-signin"
      aria-labelledby="confirm-signin-title"
      aria-describedby="confirm-signin-question"
    >
      <h2 id="confirm-signin-title" ref={headingRef} tabIndex={-1}>
        Confirm sign-in
      </h2>
      <p id="confirm-signin-question">
        A sign-in link for <strong>{account}</strong> was opened in this browser, which did not ask for it. Sign in as{" "}
        <strong>{account}</strong>?
      </p>
      <p className="muted small">
        Choose Cancel unless you asked for this link yourself (from another browser or device): a link someone else
        sent you would sign this browser into their account.
        {status === "signedIn" && " You are signed in now; signing in switches this browser to that account."}
      </p>
      <div className="actions">
        <button type="button" disabled={!canConfirm} onClick={confirm}>
          {task.pending ? "Signing in…" : "Sign in"}
        </button>
        <button type="button" className="secondary" disabled={task.pending} onClick={cancel}>
          {pendingAccount === null ? "Close" : "Cancel"}
        </button>
      </div>
      <TaskResult status={task.status} />
      {task.status.kind === "failed" && (
        <p className="muted small">This link cannot be used again here: ask for a new one.</p>
      )}
    </section>
  );
}
