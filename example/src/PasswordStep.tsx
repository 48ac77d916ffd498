import { useState, type FormEvent, type ReactNode } from "react";
import { useAuthActions } from "convex-auth-kit/react";
import { EmailField, PasswordField } from "./fields";
import { TaskResult, useTask } from "./useTask";

/**
 * The password step of a two-factor sign-in. For an account with a second
 * factor, the client keeps the pending step and App's prompt
 * (SecondFactor.tsx) takes this page's place, offering the methods the
 * server named: no verifier passes through the UI.
 */
export function PasswordStep({ title, children }: { title: string; children?: ReactNode }) {
  const { signIn } = useAuthActions();
  const task = useTask();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      const outcome = await signIn("password", { flow: "signIn", email: email.trim(), password });
      if (outcome.status === "secondFactorRequired") return;
      if (outcome.status === "signedIn") return "Signed in: this account has no second factor.";
      throw new Error(`Unexpected outcome: ${outcome.status}`);
    });
  }

  return (
    <section className="card narrow">
      <h2>{title}</h2>
      {children}
      <form onSubmit={submit}>
        <EmailField email={email} onEmailChange={setEmail} />
        <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="current-password" />
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Checking…" : "Continue"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}
