import { useState, type FormEvent, type ReactNode } from "react";
import { useMutation, useQuery } from "convex/react";
import { useAuthActions } from "convex-auth-kit/react";
import { api } from "../convex/_generated/api";
import { AuthGate } from "./AuthGate";
import { ConfirmPassword } from "./ConfirmPassword";
import { useSession } from "./session";
import { TaskResult, useTask } from "./useTask";
import { PasswordStep } from "./PasswordStep";

/**
 * Passkeys with the `Passkey()` provider: every button runs
 * `signIn("passkey", ...)` through `useAuthActions()`; the client runs the
 * browser's WebAuthn ceremony in between and sends its answer back.
 */
export function PasskeysPage() {
  const supported = typeof window !== "undefined" && "PublicKeyCredential" in window;
  return (
    <>
      <h1>Passkeys</h1>
      <p className="lead">
        Sign in with your device's screen lock or a security key instead of a password, with the{" "}
        <code>Passkey()</code> provider. The server checks every answer with <code>@simplewebauthn/server</code>: the
        site's origin, a single-use challenge, the signature and the signature counter.
      </p>
      {!supported && (
        <p className="error" role="alert">
          This browser has no WebAuthn support (or the page is not on https or localhost).
        </p>
      )}
      <AuthGate signedOut={<SignedOut />}>
        <SignedIn />
      </AuthGate>
    </>
  );
}

/** What a finished flow says; anything but "signedIn" is unexpected here. */
function expectSignedIn(outcome: { status: string }): string | undefined {
  if (outcome.status !== "signedIn") throw new Error(`Unexpected outcome: ${outcome.status}`);
  return undefined;
}

// ---------------------------------------------------------------------------
// Signed out: sign in, sign up, password then passkey.

function SignedOut() {
  return (
    <div className="cards">
      <SignInWithPasskey />
      <SignUpWithPasskey />
      <PasswordThenPasskey />
    </div>
  );
}

function SignInWithPasskey() {
  const { signIn } = useAuthActions();
  const task = useTask();
  const [email, setEmail] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const hint = email.trim();
    void task.run(async () => expectSignedIn(await signIn("passkey", hint === "" ? {} : { email: hint })));
  }

  return (
    <section className="card narrow">
      <h2>Sign in with a passkey</h2>
      <form onSubmit={submit}>
        <label>
          Email <span className="muted">(optional: leave empty to pick any passkey of this site)</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username webauthn" />
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Waiting for your passkey…" : "Sign in with a passkey"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function SignUpWithPasskey() {
  const { signIn } = useAuthActions();
  const task = useTask();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params: Record<string, unknown> = { flow: "signUp" };
    if (email.trim() !== "") params.email = email.trim();
    if (name.trim() !== "") params.name = name.trim();
    void task.run(async () => expectSignedIn(await signIn("passkey", params)));
  }

  return (
    <section className="card narrow">
      <h2>New account with a passkey</h2>
      <p className="muted small">No password: the account's first way to sign in is the passkey made now.</p>
      <form onSubmit={submit}>
        <label>
          Name <span className="muted">(optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={100} />
        </label>
        <label>
          Email <span className="muted">(optional)</span>
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Creating your passkey…" : "Create account"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

/** A password sign-in that asks for a second factor: "Use a passkey" in App's prompt finishes it. */
function PasswordThenPasskey() {
  return (
    <PasswordStep title="Password, then passkey">
      <p className="muted small">
        For accounts with a passkey registered as a second factor (see “Add a passkey” once signed in).
      </p>
    </PasswordStep>
  );
}

// ---------------------------------------------------------------------------
// Signed in: add, list, rename, two-factor, remove.

function SignedIn() {
  const { session } = useSession();
  return (
    <div className="cards">
      <AddPasskey />
      <StepUp />
      <PasskeyList />
      <section className="card narrow">
        <h2>Try it</h2>
        <p className="muted small">Sign out, then sign back in with one of your passkeys.</p>
        <button type="button" className="secondary" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </section>
    </div>
  );
}

/**
 * Step-up: with a second factor, adding or removing a passkey (and turning
 * two-factor off) needs one verified in this session in the last 10 minutes.
 */
function StepUp() {
  const { signIn } = useAuthActions();
  const task = useTask();
  return (
    <section className="card narrow">
      <h2>Confirm it's you</h2>
      <p className="muted small">
        If your account has a second factor, changing your passkeys asks for one verified in the last 10
        minutes (<code>STEP_UP_REQUIRED</code>). A passkey does it:
      </p>
      <button
        type="button"
        className="secondary"
        disabled={task.pending}
        onClick={() =>
          void task.run(async () => {
            expectSignedIn(await signIn("passkey", { flow: "stepUp" }));
            return "Verified for the next 10 minutes.";
          })
        }
      >
        {task.pending ? "Waiting for your passkey…" : "Verify with a passkey"}
      </button>
      <TaskResult status={task.status} />
      <p className="muted small">
        Without a second factor, adding a passkey more than 10 minutes after signing in asks for your
        password again:
      </p>
      <ConfirmPassword />
    </section>
  );
}

function AddPasskey() {
  const { signIn } = useAuthActions();
  const task = useTask();
  const [name, setName] = useState("");
  const [secondFactor, setSecondFactor] = useState(false);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params: Record<string, unknown> = { flow: "register", secondFactor };
    if (name.trim() !== "") params.passkeyName = name.trim();
    void task.run(async () => {
      expectSignedIn(await signIn("passkey", params));
      setName("");
      return "Passkey added.";
    });
  }

  return (
    <section className="card narrow">
      <h2>Add a passkey</h2>
      <form onSubmit={submit}>
        <label>
          Name <span className="muted">(optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder="MacBook, YubiKey…" />
        </label>
        <label style={{ flexDirection: "row", alignItems: "center", fontWeight: 400 }}>
          <input type="checkbox" checked={secondFactor} onChange={(e) => setSecondFactor(e.target.checked)} />
          Also ask for it after my password (two-factor)
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Waiting for your device…" : "Add a passkey"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

type PasskeyRow = {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  synced: boolean;
  secondFactor: boolean;
};

function PasskeyList() {
  const passkeys = useQuery(api.passkeys.list);
  const task = useTask();
  return (
    <section className="card wide">
      <h2>Your passkeys</h2>
      {passkeys === undefined ? (
        <p className="muted">Loading…</p>
      ) : passkeys.length === 0 ? (
        <p className="muted">No passkeys yet.</p>
      ) : (
        <ul className="devices">
          {passkeys.map((passkey) => (
            <PasskeyItem key={passkey.id} passkey={passkey} task={task} />
          ))}
        </ul>
      )}
      <TaskResult status={task.status} />
    </section>
  );
}

function PasskeyItem({ passkey, task }: { passkey: PasskeyRow; task: ReturnType<typeof useTask> }) {
  const rename = useMutation(api.passkeys.rename);
  const remove = useMutation(api.passkeys.remove);
  const setSecondFactor = useMutation(api.passkeys.setSecondFactor);
  const [editing, setEditing] = useState<string | null>(null);

  function saveName(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = editing?.trim() ?? "";
    void task.run(async () => {
      await rename({ passkeyId: passkey.id, name });
      setEditing(null);
      return `Renamed to "${name}".`;
    });
  }

  return (
    <li>
      <div>
        {editing === null ? (
          <div>
            <strong>{passkey.name}</strong>
            {passkey.synced && <span className="badge">synced</span>}
            {passkey.secondFactor && <span className="badge current">two-factor</span>}
          </div>
        ) : (
          <form onSubmit={saveName} className="actions">
            <input value={editing} onChange={(e) => setEditing(e.target.value)} maxLength={100} required autoFocus />
            <button type="submit" disabled={task.pending}>
              Save
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </form>
        )}
        <div className="muted small">
          Added {formatTime(passkey.createdAt)} · last used{" "}
          {passkey.lastUsedAt === null ? "never" : formatTime(passkey.lastUsedAt)}
        </div>
      </div>
      {editing === null && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setEditing(passkey.name)}>
            Rename
          </button>
          <button
            type="button"
            className="secondary"
            disabled={task.pending}
            onClick={() =>
              void task.run(async () => {
                await setSecondFactor({ passkeyId: passkey.id, enabled: !passkey.secondFactor });
                return passkey.secondFactor
                  ? `"${passkey.name}" is no longer asked for after your password.`
                  : `"${passkey.name}" is now asked for after your password.`;
              })
            }
          >
            {passkey.secondFactor ? "Stop two-factor" : "Use for two-factor"}
          </button>
          <button
            type="button"
            className="danger"
            disabled={task.pending}
            onClick={() => {
              if (!window.confirm(`Remove "${passkey.name}"? It will no longer sign you in.`)) return;
              void task.run(async () => {
                await remove({ passkeyId: passkey.id });
                return `Removed "${passkey.name}".`;
              });
            }}
          >
            Remove
          </button>
        </div>
      )}
    </li>
  );
}

function formatTime(ms: number): ReactNode {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleString()}</time>;
}
