import { useState, type FormEvent, type ReactNode } from "react";
import { useAction, useMutation, useQuery } from "convex/react";
import { api } from "../convex/_generated/api";
import { AuthGate } from "./AuthGate";
import { DevToolsBoundary } from "./DevTools";
import { useAuthActions } from "convex-auth-kit/react";
import { unexpectedOutcome } from "./outcomes";
import { useSession } from "./session";
import { EmailField, PasswordField, type EmailProps } from "./fields";
import { ConfirmPassword, needsProof } from "./ConfirmPassword";
import { TaskResult, useTask } from "./useTask";
import { LinkedAccounts } from "./LinkedAccounts";
import { Notes } from "./Notes";

export function AccountPage() {
  return (
    <>
      <h1>Account</h1>
      <p className="lead">
        Email and password sign-in with the <code>Password()</code> provider, with an optional username to sign
        in with instead of the email. The forms call the
        app's <code>auth.signIn</code> action through <code>useAuthActions()</code>; <code>ConvexAuthProvider</code> keeps the tokens in this browser and refreshes them.
      </p>
      <AuthGate signedOut={<SignedOut />}>
        <SignedIn />
      </AuthGate>
    </>
  );
}

// ---------------------------------------------------------------------------
// Signed out: sign up, sign in, forgot password.

type Tab = "signUp" | "signIn" | "reset";
const tabs: { id: Tab; label: string }[] = [
  { id: "signUp", label: "Sign up" },
  { id: "signIn", label: "Sign in" },
  { id: "reset", label: "Forgot password" },
];

function SignedOut() {
  const [tab, setTab] = useState<Tab>("signIn");
  // Shared by the tabs, so switching keeps what was typed.
  const [email, setEmail] = useState("");
  return (
    <>
      <div className="tabs" role="tablist" aria-label="Sign in or sign up">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="auth-panel"
            className="tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="auth-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === "signUp" && <SignUpForm email={email} onEmailChange={setEmail} />}
        {tab === "signIn" && <SignInForm email={email} onEmailChange={setEmail} onForgot={() => setTab("reset")} />}
        {tab === "reset" && <ResetPassword email={email} onEmailChange={setEmail} />}
      </div>
    </>
  );
}



/**
 * The password sign-up form. Signed in as a guest, the same call upgrades
 * the guest (the server sees the guest's session): the user keeps its id,
 * so everything of theirs stays.
 */
function SignUpForm({ email, onEmailChange, guest = false }: EmailProps & { guest?: boolean }) {
  const { session } = useSession();
  const task = useTask();
  const [name, setName] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params: Record<string, unknown> = { flow: "signUp", email: email.trim(), password };
    if (name.trim() !== "") params.name = name.trim();
    // Optional: a second name to sign in with (the server normalises it and refuses a taken one).
    if (username.trim() !== "") params.username = username.trim();
    void task.run(async () => {
      await session.signIn(params);
    });
  }

  return (
    <section className="card narrow">
      <h2>Create an account</h2>
      {guest && (
        <p className="muted small">
          You are a guest: create an account with a password to keep this user, its id and your notes. Signed out, a guest
          is gone for good.
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          Name <span className="muted">(optional)</span>
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </label>
        <EmailField email={email} onEmailChange={onEmailChange} />
        {/* "Handle", not "Username": a label containing "name" would also answer to the Name field's label. */}
        <label>
          Handle <span className="muted">(optional)</span>
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            aria-describedby="sign-up-username-rule"
          />
        </label>
        <p id="sign-up-username-rule" className="muted small">
          A username to sign in with instead of your email: 3 to 32 of a–z, 0–9, “.”, “_”, “-”.
        </p>
        <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="new-password" />
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Creating account…" : "Sign up"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function SignInForm({ email, onEmailChange, onForgot }: EmailProps & { onForgot: () => void }) {
  const { signIn } = useAuthActions();
  const task = useTask();
  const [password, setPassword] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // One field for both: an email has an "@", a username never does.
    const identifier = email.trim();
    const who = identifier.includes("@") ? { email: identifier } : { username: identifier };
    void task.run(async () => {
      const outcome = await signIn("password", { flow: "signIn", ...who, password });
      // A second factor is needed: the client keeps the step, and App shows its prompt.
      if (outcome.status === "secondFactorRequired") return;
      // Anything but a finished sign-in (a password never needs a link confirmed, but say so if it does).
      if (outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
    });
  }

  return (
    <section className="card narrow">
      <h2>Sign in</h2>
      <form onSubmit={submit}>
        <label>
          Email or username
          <input value={email} onChange={(e) => onEmailChange(e.target.value)} required autoComplete="username" />
        </label>
        <PasswordField label="Password" value={password} onChange={setPassword} autoComplete="current-password" />
        <div className="actions">
          <button type="submit" disabled={task.pending}>
            {task.pending ? "Signing in…" : "Sign in"}
          </button>
          <button type="button" className="link" onClick={onForgot}>
            Forgot your password?
          </button>
        </div>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function ResetPassword({ email, onEmailChange }: EmailProps) {
  const { session } = useSession();
  const request = useTask();
  const verify = useTask();
  // The address the code went to; null until one was sent.
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [newPassword, setNewPassword] = useState("");

  function requestCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const to = email.trim();
    void request.run(async () => {
      await session.signIn({ flow: "reset", email: to });
      setSentTo(to);
      verify.reset();
    });
  }

  function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sentTo === null) return;
    void verify.run(async () => {
      // "secondFactor": the password is reset, but the account has a second
      // factor; the client keeps the step and App shows its prompt.
      await session.signIn({ flow: "resetVerification", email: sentTo, code: code.trim(), newPassword });
    });
  }

  if (sentTo === null) {
    return (
      <section className="card narrow">
        <h2>Reset your password</h2>
        <p className="muted">We send a code to your email. Enter it with a new password.</p>
        <form onSubmit={requestCode}>
          <EmailField email={email} onEmailChange={onEmailChange} />
          <button type="submit" disabled={request.pending}>
            {request.pending ? "Sending…" : "Send code"}
          </button>
        </form>
        <TaskResult status={request.status} />
      </section>
    );
  }

  return (
    <div className="cards">
      <section className="card">
        <h2>Enter the code</h2>
        <p role="status">
          If <strong>{sentTo}</strong> has an account, a code is on its way.
        </p>
        <form onSubmit={submitCode}>
          <label>
            Code
            <input
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
              autoComplete="one-time-code"
              inputMode="numeric"
            />
          </label>
          <PasswordField label="New password" value={newPassword} onChange={setNewPassword} autoComplete="new-password" />
          <div className="actions">
            <button type="submit" disabled={verify.pending}>
              {verify.pending ? "Resetting…" : "Reset password and sign in"}
            </button>
            <button
              type="button"
              className="link"
              onClick={() => {
                setSentTo(null);
                setCode("");
              }}
            >
              Use another email
            </button>
          </div>
        </form>
        <TaskResult status={verify.status} />
      </section>
      <DevToolsBoundary key={sentTo} card>
        <MailCatcher to={sentTo} />
      </DevToolsBoundary>
    </div>
  );
}

/** Development only: shows the newest message the example "sent" (the outbox table). */
function MailCatcher({ to }: { to: string }) {
  const message = useQuery(api.outbox.latest, { to });
  return (
    <section className="card mailcatcher" aria-label="Development mail catcher">
      <h2>
        Development mail catcher <span className="badge">dev only</span>
      </h2>
      <p className="muted small">
        The example does not send email: the reset code is stored in the <code>outbox</code> table
        and shown here. A real app sends it and has no such query.
      </p>
      {message === undefined ? (
        <p className="muted">Loading…</p>
      ) : message === null ? (
        <p className="muted">No message to {to} (yet). Unknown emails get none.</p>
      ) : (
        <dl className="details">
          <dt>To</dt>
          <dd>{to}</dd>
          <dt>Subject</dt>
          <dd>{message.subject}</dd>
          <dt>Code</dt>
          <dd>
            <code className="code-big">{message.code}</code>
          </dd>
          <dt>Expires</dt>
          <dd>{formatTime(message.expiresAt)}</dd>
        </dl>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------
// Signed in: profile, password, devices, sign out, delete.

function SignedIn() {
  const viewer = useQuery(api.users.viewer);
  const { session } = useSession();
  if (viewer === undefined) return <p className="muted">Loading…</p>;
  if (viewer === null) {
    return (
      <section className="card narrow">
        <h2>No user</h2>
        <p className="muted">This session no longer belongs to a user.</p>
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </section>
    );
  }
  return (
    <div className="cards">
      <Profile viewer={viewer} />
      {viewer.isGuest && <GuestSignUp />}
      <AppProfile />
      <Notes />
      <RenameForm current={viewer.name} />
      {!viewer.isGuest && <UsernameForm current={viewer.username} />}
      {!viewer.isGuest && <ChangePasswordForm />}
      <LinkedAccounts />
      {!viewer.isGuest && <SecurityNotices />}
      <Devices />
      <DeleteAccount />
    </div>
  );
}

/** A guest's way to keep their user: the password sign-up, sent with the guest's session. */
function GuestSignUp() {
  const [email, setEmail] = useState("");
  return <SignUpForm email={email} onEmailChange={setEmail} guest />;
}

type Viewer = { id: string; name: string | null; email: string | null; username: string | null; isGuest: boolean };

function Profile({ viewer }: { viewer: Viewer }) {
  const { session } = useSession();
  const task = useTask();
  return (
    <section className="card wide">
      <h2>Signed in</h2>
      {viewer.isGuest && <p className="muted small">A guest: no email, password or other way to sign in yet.</p>}
      <dl className="details">
        <dt>Name</dt>
        <dd>{viewer.name ?? "—"}</dd>
        <dt>Email</dt>
        <dd>{viewer.email ?? "—"}</dd>
        <dt>Id</dt>
        <dd>
          <code>{viewer.id}</code>
        </dd>
      </dl>
      <div className="actions spaced">
        <button type="button" disabled={task.pending} onClick={() => void task.run(() => session.signOut())}>
          {task.pending ? "Signing out…" : "Sign out"}
        </button>
      </div>
      <TaskResult status={task.status} />
    </section>
  );
}

/** The app's own row for the user, made by the `afterUserCreated` callback (convex/auth.ts). */
function AppProfile() {
  const profile = useQuery(api.profiles.mine);
  return (
    <section className="card">
      <h2>Your app profile</h2>
      <p className="muted small">
        The app's own <code>profiles</code> row, made by its <code>afterUserCreated</code> callback in the sign-up's
        transaction. A sign-in from a device not seen before sends a notice to your email (the dev outbox here).
      </p>
      {profile === undefined ? (
        <p className="muted">Loading…</p>
      ) : profile === null ? (
        <p className="muted">No profile row: the app's callbacks are off.</p>
      ) : (
        <dl className="details">
          <dt>Signed up with</dt>
          <dd>{profile.signedUpWith}</dd>
          <dt>Since</dt>
          <dd>{formatTime(profile.createdAt)}</dd>
          <dt>Devices seen</dt>
          <dd>{profile.devices.length === 0 ? "—" : profile.devices.map(describeUserAgent).join(", ")}</dd>
        </dl>
      )}
    </section>
  );
}

/** What the app told the user about changes to how they sign in (the `onSecurityNotice` callback, convex/auth.ts). */
function SecurityNotices() {
  const notices = useQuery(api.notices.mine);
  return (
    <section className="card" aria-label="Security notices">
      <h2>Security notices</h2>
      <p className="muted small">
        Sent by the app's <code>onSecurityNotice</code> callback when your password, email or ways to sign in change,
        in the transaction of the change (emailed to the dev outbox here).
      </p>
      {notices === undefined ? (
        <p className="muted">Loading…</p>
      ) : notices.length === 0 ? (
        <p className="muted">No notices yet.</p>
      ) : (
        <ul className="event-feed">
          {notices.map((notice) => (
            <li key={notice.id} data-kind={notice.kind}>
              <span>{notice.text}</span> <span className="muted small">{formatTime(notice.time)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RenameForm({ current }: { current: string | null }) {
  const rename = useMutation(api.users.rename);
  const task = useTask();
  const [name, setName] = useState(current ?? "");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      await rename({ name: name.trim() });
      return "Saved.";
    });
  }

  return (
    <section className="card">
      <h2>Your name</h2>
      <form onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Saving…" : "Rename"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function UsernameForm({ current }: { current: string | null }) {
  const setUsername = useMutation(api.users.setUsername);
  const task = useTask();
  const [username, setValue] = useState(current ?? "");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      await setUsername({ username: username.trim() });
      return "Saved. Sign in with it or with your email.";
    });
  }

  return (
    <section className="card">
      <h2>Your username</h2>
      <p className="muted small">
        {current === null ? "None yet." : <>Now <strong>{current}</strong>.</>} 3 to 32 of a–z, 0–9, “.”, “_”, “-”.
      </p>
      <form onSubmit={submit}>
        <label>
          Username
          <input value={username} onChange={(e) => setValue(e.target.value)} required autoComplete="username" />
        </label>
        <div className="actions">
          <button type="submit" disabled={task.pending}>
            {task.pending ? "Saving…" : current === null ? "Set username" : "Change username"}
          </button>
          {current !== null && (
            <button
              type="button"
              className="secondary"
              disabled={task.pending}
              onClick={() =>
                void task.run(async () => {
                  await setUsername({ username: null });
                  setValue("");
                  return "Removed. Sign in with your email.";
                })
              }
            >
              Remove
            </button>
          )}
        </div>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function ChangePasswordForm() {
  const changePassword = useAction(api.users.changePassword);
  const task = useTask();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      await changePassword({ currentPassword, newPassword });
      setCurrentPassword("");
      setNewPassword("");
      return "Password changed. Your other devices were signed out.";
    });
  }

  return (
    <section className="card">
      <h2>Change password</h2>
      <form onSubmit={submit}>
        <PasswordField
          label="Current password"
          value={currentPassword}
          onChange={setCurrentPassword}
          autoComplete="current-password"
        />
        <PasswordField label="New password" value={newPassword} onChange={setNewPassword} autoComplete="new-password" />
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Changing…" : "Change password"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function Devices() {
  const sessions = useQuery(api.sessions.list);
  const revoke = useMutation(api.sessions.revoke);
  const revokeOthers = useMutation(api.sessions.revokeOthers);
  const task = useTask();
  const others = sessions?.filter((s) => !s.current).length ?? 0;

  return (
    <section className="card wide">
      <h2>Your devices</h2>
      {sessions === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="devices">
          {sessions.map((s) => (
            <li key={s.id}>
              <div>
                <div title={s.userAgent ?? undefined}>
                  <strong>{describeUserAgent(s.userAgent)}</strong>
                  {s.current && <span className="badge current">This device</span>}
                </div>
                <div className="muted small">
                  Signed in {formatTime(s.createdAt)} · expires {formatTime(s.expiresAt)}
                </div>
              </div>
              {!s.current && (
                <button
                  type="button"
                  className="secondary"
                  disabled={task.pending}
                  onClick={() =>
                    void task.run(async () => {
                      await revoke({ sessionId: s.id });
                      return "Signed that device out.";
                    })
                  }
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="actions spaced">
        <button
          type="button"
          className="secondary"
          disabled={task.pending || others === 0}
          onClick={() =>
            void task.run(async () => {
              await revokeOthers();
              return "Signed out your other devices.";
            })
          }
        >
          Sign out other devices
        </button>
      </div>
      <TaskResult status={task.status} />
      {/* Signing out another device needs a recent proof (a stolen token cannot sign you out everywhere). */}
      {needsProof(task.status) && <ConfirmPassword />}
    </section>
  );
}

function DeleteAccount() {
  const deleteMe = useMutation(api.users.deleteMe);
  const { session } = useSession();
  const task = useTask();

  function remove() {
    if (!window.confirm("Delete your account, its sessions and its password? This cannot be undone.")) return;
    void task.run(async () => {
      await deleteMe();
      void session.signOut();
    });
  }

  return (
    <section className="card wide danger-zone">
      <h2>Delete account</h2>
      <p className="muted">Removes your user, every session and your password.</p>
      <button type="button" className="danger" disabled={task.pending} onClick={remove}>
        {task.pending ? "Deleting…" : "Delete my account"}
      </button>
      <TaskResult status={task.status} />
    </section>
  );
}

// ---------------------------------------------------------------------------

function formatTime(ms: number): ReactNode {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleString()}</time>;
}

/** "Chrome on Linux" from a user agent string; good enough for a device list. */
function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /OPR\//.test(userAgent)
      ? "Opera"
      : /HeadlessChrome\//.test(userAgent)
        ? "Headless Chrome"
        : /Chrome\//.test(userAgent)
          ? "Chrome"
          : /Firefox\//.test(userAgent)
            ? "Firefox"
            : /Safari\//.test(userAgent)
              ? "Safari"
              : /node/i.test(userAgent)
                ? "Node.js"
                : null;
  const os = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  if (browser === null) return userAgent.length > 60 ? `${userAgent.slice(0, 60)}…` : userAgent;
  return os === null ? browser : `${browser} on ${os}`;
}
