import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { useAction, useMutation, useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { authErrorCode, useAuthActions, usePendingStep } from "convex-auth-kit/react";
import qrcode from "qrcode-generator";
import { api } from "../convex/_generated/api";
import { AuthGate } from "./AuthGate";
import { TaskResult, useTask } from "./useTask";
import { PasswordStep } from "./PasswordStep";

/**
 * Two-factor authentication with the `TOTP()` provider: enroll an
 * authenticator app from a QR code, sign in with a code (or a recovery code)
 * after the password, step up before sensitive changes, remove it.
 */
export function TotpPage() {
  return (
    <>
      <h1>Two-factor</h1>
      <p className="lead">
        Codes from an authenticator app (Google Authenticator, 1Password, Authy…) as a second factor, with the{" "}
        <code>TOTP()</code> provider. Once set up, a password alone no longer signs in: the server asks for a code. Removing
        an authenticator, new recovery codes and a new password need a code from the last 10 minutes in this session.
      </p>
      <AuthGate signedOut={<PasswordThenCode />}>
        <SignedIn />
      </AuthGate>
    </>
  );
}

// ---------------------------------------------------------------------------
// Signed out: password, then the code.

/** The password step; App's prompt then asks for the code (or a recovery code). */
function PasswordThenCode() {
  return <PasswordStep title="Sign in" />;
}

// ---------------------------------------------------------------------------
// Signed in: authenticators, set-up, step-up, recovery codes.

type Status = NonNullable<FunctionReturnType<typeof api.totp.status>>;

function SignedIn() {
  const status = useQuery(api.totp.status);
  const userId = useQuery(api.users.viewerId);
  // Confirming an authenticator replaces the session: the old one ends and a
  // new one of the same user starts, and `status` is null in between. Showing
  // the user's last status meanwhile keeps the cards mounted, so the set-up
  // keeps its state (its "Authenticator added" message). Keyed by the user:
  // another user's session starts afresh.
  const [last, setLast] = useState<{ userId: string; status: Status } | null>(null);
  if (status && userId && (last?.status !== status || last.userId !== userId)) setLast({ userId, status });
  const sameUser = last !== null && (userId === null || userId === undefined || userId === last.userId);
  const shown = (status === null || status === undefined) && sameUser ? last.status : status;
  const user = userId ?? last?.userId;
  if (shown === undefined) return <p className="muted">Loading…</p>;
  if (shown === null) return <p className="muted">Switching sessions…</p>;
  if (user === undefined) return <p className="muted">Loading…</p>;
  return <TwoFactor key={user} status={shown} />;
}

function TwoFactor({ status }: { status: Status }) {
  return (
    <div className="cards">
      <Authenticators factors={status.factors} />
      <StepUp verifiedUntil={status.verifiedUntil} hasFactor={status.factors.length > 0} />
      <Enroll hasFactor={status.factors.length > 0} />
      {status.factors.length > 0 && <RecoveryCodes left={status.recoveryCodesLeft} />}
    </div>
  );
}

type Factor = { totpId: string; name: string | null; activatedTime: number; lastUsedTime: number | null };

function Authenticators({ factors }: { factors: Factor[] }) {
  const remove = useMutation(api.totp.remove);
  const task = useTask();
  return (
    <section className="card wide">
      <h2>Your authenticators</h2>
      {factors.length === 0 ? (
        <p className="muted">None yet: a password alone signs you in. Set one up below.</p>
      ) : (
        <ul className="devices">
          {factors.map((f) => (
            <li key={f.totpId}>
              <div>
                <strong>{f.name ?? "Authenticator app"}</strong>
                <div className="muted small">
                  Added {formatTime(f.activatedTime)}
                  {f.lastUsedTime !== null && <> · last code {formatTime(f.lastUsedTime)}</>}
                </div>
              </div>
              <button
                type="button"
                className="secondary"
                disabled={task.pending}
                onClick={() =>
                  void task.run(async () => {
                    await remove({ totpId: f.totpId });
                    return "Removed.";
                  })
                }
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <TaskResult status={task.status} />
      {task.status.kind === "failed" && authErrorCode(task.status.error) === "STEP_UP_REQUIRED" && (
        <p className="muted">Confirm it's you with a code (below), then remove it.</p>
      )}
    </section>
  );
}

function StepUp({ verifiedUntil, hasFactor }: { verifiedUntil: number | null; hasFactor: boolean }) {
  const verify = useAction(api.totp.verify);
  const task = useTask();
  const [value, setValue] = useState("");
  const [useRecovery, setUseRecovery] = useState(false);
  if (!hasFactor) return null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      await verify(useRecovery ? { recoveryCode: value } : { code: value.replace(/\s+/g, "") });
      setValue("");
      return "Confirmed for 10 minutes.";
    });
  }

  return (
    <section className="card">
      <h2>Confirm it's you</h2>
      <p className="muted">
        {verifiedUntil === null ? (
          "Needed before removing an authenticator, new recovery codes or a new password."
        ) : (
          <>Confirmed in this session until {formatTime(verifiedUntil)}.</>
        )}
      </p>
      <form onSubmit={submit}>
        <label>
          {useRecovery ? "Recovery code" : "Code from your app"}
          <input
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            autoComplete="one-time-code"
            inputMode={useRecovery ? "text" : "numeric"}
          />
        </label>
        <div className="actions">
          <button type="submit" disabled={task.pending}>
            {task.pending ? "Checking…" : "Confirm"}
          </button>
          <button type="button" className="link" onClick={() => setUseRecovery(!useRecovery)}>
            {useRecovery ? "Use a code from the app" : "Use a recovery code"}
          </button>
        </div>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

/** What a set-up shows once: the QR code's URI and the key to type in. */
type Shown = { uri: string; secret: string };

/**
 * Set-up, then a confirming code. The client keeps the set-up's verifier as
 * the pending step, so `signIn("totp", { flow: "confirm", code })` needs none;
 * after a reload the step is still pending (`usePendingStep()`) and the code
 * can still be entered, but the key is not shown again.
 */
function Enroll({ hasFactor }: { hasFactor: boolean }) {
  const { signIn, cancelSignIn } = useAuthActions();
  const step = usePendingStep();
  const start = useTask();
  const confirm = useTask();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [shown, setShown] = useState<Shown | null>(null);
  const confirming = step?.kind === "totpSetup";

  function begin(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void start.run(async () => {
      const outcome = await signIn("totp", { flow: "setup", ...(name.trim() ? { name: name.trim() } : {}) });
      if (outcome.status !== "totpSetup") return `Unexpected outcome: ${outcome.status}`;
      setShown({ uri: outcome.uri, secret: outcome.secret });
      setCode("");
      confirm.reset();
    });
  }

  function finish(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void confirm.run(async () => {
      const outcome = await signIn("totp", { flow: "confirm", code: code.replace(/\s+/g, "") });
      if (outcome.status !== "signedIn") return `Unexpected outcome: ${outcome.status}`;
      setShown(null);
      setName("");
      return "Authenticator added. Now create your recovery codes.";
    });
  }

  function cancel() {
    setShown(null);
    confirm.reset();
    void cancelSignIn();
  }

  if (confirming) {
    return (
      <section className="card wide">
        <h2>{shown !== null ? "Scan this code" : "Finish setting up your authenticator"}</h2>
        {shown !== null ? (
          <>
            <p className="muted">
              Scan it with your authenticator app, or type the key in. Then enter the code the app shows. The key is
              shown only now.
            </p>
            <div className="actions">
              <QrCode value={shown.uri} />
              <dl className="details">
                <dt>Key</dt>
                <dd>
                  <code>{shown.secret.match(/.{1,4}/g)?.join(" ")}</code>
                </dd>
              </dl>
            </div>
          </>
        ) : (
          <p className="muted">
            A set-up started before this page loaded is waiting for a code. If you did not add the key to your app,
            cancel and set up again.
          </p>
        )}
        <form onSubmit={finish}>
          <label>
            Code from the app
            <input
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              autoComplete="one-time-code"
              inputMode="numeric"
            />
          </label>
          <div className="actions">
            <button type="submit" disabled={confirm.pending}>
              {confirm.pending ? "Checking…" : "Confirm"}
            </button>
            <button type="button" className="link" onClick={cancel}>
              Cancel
            </button>
          </div>
        </form>
        <TaskResult status={confirm.status} />
      </section>
    );
  }

  return (
    <section className="card">
      <h2>{hasFactor ? "Add another authenticator" : "Set up an authenticator"}</h2>
      <form onSubmit={begin}>
        <label>
          Name <span className="muted">(optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Phone" maxLength={100} />
        </label>
        <button type="submit" disabled={start.pending}>
          {start.pending ? "Starting…" : "Set up"}
        </button>
      </form>
      <TaskResult status={start.status} />
      <TaskResult status={confirm.status} />
    </section>
  );
}

function RecoveryCodes({ left }: { left: number }) {
  const regenerate = useMutation(api.totp.regenerateRecoveryCodes);
  const task = useTask();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <section className="card">
      <h2>Recovery codes</h2>
      <p className="muted">
        {left === 0
          ? "You have none: without your authenticator you could not sign in."
          : `${left} unused. Each signs in once in place of a code.`}
      </p>
      {codes !== null && (
        <>
          <p role="status">Save these now: they are not shown again, and the earlier ones no longer work.</p>
          <ul className="details">
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <button
        type="button"
        disabled={task.pending}
        onClick={() =>
          void task.run(async () => {
            setCodes(await regenerate());
          })
        }
      >
        {task.pending ? "Creating…" : left === 0 ? "Create recovery codes" : "Create new codes"}
      </button>
      <TaskResult status={task.status} />
    </section>
  );
}

/** A QR code drawn in the browser (`qrcode-generator`), as one SVG path. */
function QrCode({ value, size = 200 }: { value: string; size?: number }) {
  const { path, count } = useMemo(() => {
    const qr = qrcode(0, "M");
    qr.addData(value);
    qr.make();
    const count = qr.getModuleCount();
    let path = "";
    for (let row = 0; row < count; row++) {
      for (let col = 0; col < count; col++) if (qr.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
    return { path, count };
  }, [value]);
  return (
    <svg
      role="img"
      aria-label="QR code to scan with an authenticator app"
      width={size}
      height={size}
      viewBox={`0 0 ${count + 8} ${count + 8}`}
      shapeRendering="crispEdges"
    >
      <rect width="100%" height="100%" fill="white" />
      <path d={path} fill="black" />
    </svg>
  );
}

function formatTime(ms: number): ReactNode {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleString()}</time>;
}
