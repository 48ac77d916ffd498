import { useState, type FormEvent } from "react";
import { authErrorCode, useAuthActions } from "convex-auth-kit/react";
import { PasswordField } from "./fields";
import { TaskResult, useTask, type TaskStatus } from "./useTask";

/** Whether a task failed because the change needs a recent proof in this session. */
export const needsProof = (status: TaskStatus) =>
  status.kind === "failed" && authErrorCode(status.error) === "STEP_UP_REQUIRED";

/**
 * Re-authentication with the password (`flow: "reauthenticate"`): the
 * session stays, and may make sensitive changes for the next 10 minutes.
 * For users without a second factor; those with one confirm with it.
 */
export function ConfirmPassword() {
  const { signIn } = useAuthActions();
  const task = useTask();
  const [password, setPassword] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      const outcome = await signIn("password", { flow: "reauthenticate", password });
      if (outcome.status !== "signedIn") throw new Error(`Unexpected outcome: ${outcome.status}`);
      setPassword("");
      return "Confirmed for the next 10 minutes. Try again.";
    });
  }

  return (
    <form onSubmit={submit} aria-label="Confirm your password">
      <p className="muted small">
        This change needs a recent proof that it's you (<code>STEP_UP_REQUIRED</code>). Enter your password
        again (or, with a second factor, confirm with it):
      </p>
      <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="current-password" />
      <button type="submit" disabled={task.pending}>
        {task.pending ? "Checking…" : "Confirm"}
      </button>
      <TaskResult status={task.status} />
    </form>
  );
}
