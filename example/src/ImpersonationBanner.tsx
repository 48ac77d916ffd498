import { useQuery } from "convex/react";
import { useAuthActions } from "convex-auth-kit/react";
import { api } from "../convex/_generated/api";
import { TaskResult, useTask } from "./useTask";

/**
 * Shown on every page while an admin impersonates a user: who, as which
 * admin, until when (at most an hour), and the way back. "Stop
 * impersonating" ends the impersonation and gives the admin their own
 * session back (`useAuthActions().stopImpersonating()`).
 */
export function ImpersonationBanner() {
  const impersonation = useQuery(api.sessions.impersonation, {});
  const { stopImpersonating } = useAuthActions();
  const task = useTask();
  if (!impersonation) return null;
  return (
    <section className="impersonation" aria-label="Impersonation">
      <p>
        You are impersonating <strong>{impersonation.user}</strong> (signed in as the admin {impersonation.admin}) until{" "}
        {new Date(impersonation.expiresAt).toLocaleTimeString()}. What you do is recorded as the admin's.
      </p>
      <button
        type="button"
        disabled={task.pending}
        onClick={() =>
          void task.run(async () => {
            await stopImpersonating();
            window.location.hash = "#/admin";
          })
        }
      >
        Stop impersonating
      </button>
      <TaskResult status={task.status} />
    </section>
  );
}
