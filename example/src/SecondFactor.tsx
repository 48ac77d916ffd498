import { useState, type FormEvent } from "react";
import { authErrorCode, useAuthActions, usePendingStep, type SecondFactorMethod } from "convex-auth-kit/react";
import { unexpectedOutcome } from "./outcomes";
import { TaskResult, useTask } from "./useTask";

type CodeMethod = Exclude<SecondFactorMethod, "passkey">;

/**
 * The second step of a sign-in whose first factor passed (a password, an
 * email or phone code, an OAuth return, a magic link) for a user with a
 * second factor. `usePendingStep()` names the methods this user can finish
 * with, and only those are offered: a code from the authenticator app
 * (`"totp"`), a recovery code (`"recoveryCode"`), a two-factor passkey
 * (`"passkey"`). The client keeps the step's verifier itself, so a reload
 * shows this prompt again and no verifier passes through the UI. Rendered
 * above every page (App.tsx); nothing while no second factor is pending.
 */
export function SecondFactorPrompt() {
  const step = usePendingStep();
  const { signIn, cancelSignIn } = useAuthActions();
  const task = useTask();
  const [chosen, setChosen] = useState<CodeMethod | null>(null);
  const [value, setValue] = useState("");
  // The server no longer knows the step (5 minutes passed): the client forgot it; say so.
  const [expired, setExpired] = useState(false);
  const [shownStep, setShownStep] = useState(step);

  if (step?.kind !== "secondFactor") {
    if (!expired) return null;
    return (
      <section className="card narrow" role="alert">
        <h2>Sign in again</h2>
        <p>The second step of that sign-in expired before it was finished: sign in again from the start.</p>
        <button type="button" className="secondary" onClick={() => setExpired(false)}>
          OK
        </button>
      </section>
    );
  }

  // A new step (signed in again): the old notice no longer applies, and the
  // prompt starts again from the first method (the app's code), not the one
  // the last sign-in ended with (a recovery code, which each use burns).
  if (expired) setExpired(false);
  if (step !== shownStep) {
    setShownStep(step);
    setChosen(null);
  }

  const codeMethods = step.methods.filter((m): m is CodeMethod => m !== "passkey");
  const method = chosen !== null && codeMethods.includes(chosen) ? chosen : (codeMethods[0] ?? null);
  const other = codeMethods.find((m) => m !== method) ?? null;

  function finish(params: Record<string, unknown>, provider: "totp" | "passkey") {
    void task.run(async () => {
      try {
        const outcome = await signIn(provider, params);
        if (outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
        setValue("");
      } catch (error) {
        if (authErrorCode(error) === "NOT_FOUND") setExpired(true);
        throw error;
      }
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    finish(method === "recoveryCode" ? { recoveryCode: value.trim() } : { code: value.replace(/\s+/g, "") }, "totp");
  }

  return (
    <section className="card narrow" aria-labelledby="second-factor-title">
      <h2 id="second-factor-title">{method === "recoveryCode" ? "Enter a recovery code" : "Second step"}</h2>
      {method !== null && (
        <form onSubmit={submit}>
          <p className="muted">
            {method === "recoveryCode"
              ? "Each of your recovery codes works once."
              : "Open your authenticator app and type the 6-digit code it shows for this site."}
          </p>
          <label>
            {method === "recoveryCode" ? "Recovery code" : "Code"}
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              required
              autoFocus
              autoComplete="one-time-code"
              inputMode={method === "recoveryCode" ? "text" : "numeric"}
              placeholder={method === "recoveryCode" ? "xxxx-xxxx-xxxx-xxxx" : "123456"}
            />
          </label>
          <div className="actions">
            <button type="submit" disabled={task.pending}>
              {task.pending ? "Checking…" : "Sign in"}
            </button>
            {other !== null && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setChosen(other);
                  setValue("");
                  task.reset();
                }}
              >
                {other === "recoveryCode" ? "Use a recovery code" : "Use a code from the app"}
              </button>
            )}
          </div>
        </form>
      )}
      <div className="actions">
        {step.methods.includes("passkey") && (
          <button
            type="button"
            className={method === null ? undefined : "secondary"}
            disabled={task.pending}
            onClick={() => finish({ flow: "secondFactor" }, "passkey")}
          >
            Use a passkey
          </button>
        )}
        <button
          type="button"
          className="link"
          disabled={task.pending}
          onClick={() => {
            task.reset();
            setValue("");
            void cancelSignIn();
          }}
        >
          Start over
        </button>
      </div>
      <TaskResult status={task.status} />
    </section>
  );
}
