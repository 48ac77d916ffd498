import { useState } from "react";
import { ErrorMessage } from "./ErrorMessage";

export type TaskStatus =
  | { kind: "idle" }
  | { kind: "pending" }
  | { kind: "done"; message: string | null }
  | { kind: "failed"; error: unknown };

/**
 * The state of one button's work: `run(task)` marks it pending, then done
 * (with the message the task returns, if any) or failed (with the error).
 */
export function useTask() {
  const [status, setStatus] = useState<TaskStatus>({ kind: "idle" });
  async function run(task: () => Promise<string | void>): Promise<void> {
    setStatus({ kind: "pending" });
    try {
      const message = await task();
      setStatus({ kind: "done", message: message ?? null });
    } catch (error) {
      setStatus({ kind: "failed", error });
    }
  }
  return { status, pending: status.kind === "pending", run, reset: () => setStatus({ kind: "idle" }) };
}

/** The outcome of a task: its success message or its error. */
export function TaskResult({ status }: { status: TaskStatus }) {
  if (status.kind === "failed") return <ErrorMessage error={status.error} />;
  if (status.kind === "done" && status.message !== null) {
    return (
      <p className="success" role="status">
        {status.message}
      </p>
    );
  }
  return null;
}
