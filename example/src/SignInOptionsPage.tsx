import { useState, type FormEvent } from "react";
import { useQuery } from "convex/react";
import { useAuthActions } from "convex-auth-kit/react";
import { api } from "../convex/_generated/api";
import { DevToolsBoundary } from "./DevTools";
import { unexpectedOutcome } from "./outcomes";
import { useSession } from "./session";
import { TaskResult, useTask } from "./useTask";

/**
 * Sign-in without a password: GitHub (OAuth), a code or a magic link by
 * email, a code by "SMS", or as a guest. Signed in as a guest, each of them
 * upgrades the guest instead of making a new user.
 */
export function SignInOptionsPage() {
  const { status, session } = useSession();
  const viewer = useQuery(api.users.viewer, status === "signedIn" ? {} : "skip");
  const isGuest = viewer?.isGuest === true;
  return (
    <>
      <h1>More ways to sign in</h1>
      <p className="lead">
        OAuth with <code>GitHub</code> from <code>@auth/core</code>, one-time codes and magic links with{" "}
        <code>Email()</code>, codes by text with <code>Phone()</code>, and guests with <code>Anonymous()</code>.
      </p>
      {status === "loading" && <p className="muted">Signing you in…</p>}
      {status === "signedIn" && (
        <section className="card narrow">
          <h2>Signed in</h2>
          <p>
            {viewer === undefined
              ? "…"
              : isGuest
                ? "You are a guest. Sign in below with GitHub, an email or a phone number to keep this account. Or create an account with a password on the Account page."
                : `As ${viewer?.email ?? viewer?.name ?? "a user"}.`}
          </p>
          <button type="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </section>
      )}
      {(status === "signedOut" || isGuest) && (
        <div className="cards">
          <GitHubButton />
          <EmailForm />
          <PhoneForm />
          {!isGuest && <GuestButton />}
        </div>
      )}
    </>
  );
}

function GitHubButton() {
  const { signIn } = useAuthActions();
  const task = useTask();
  return (
    <section className="card narrow">
      <h2>GitHub</h2>
      <p className="muted small">
        Needs <code>AUTH_GITHUB_ID</code>, <code>AUTH_GITHUB_SECRET</code> and <code>SITE_URL</code> on the deployment.
      </p>
      <button
        type="button"
        disabled={task.pending}
        onClick={() =>
          void task.run(async () => {
            // Come back to this page; the provider returns with ?code= and the client finishes.
            const outcome = await signIn("github", { redirectTo: `/${window.location.hash}` });
            if (outcome.status !== "redirecting" && outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
          })
        }
      >
        {task.pending ? "Going to GitHub…" : "Sign in with GitHub"}
      </button>
      <TaskResult status={task.status} />
    </section>
  );
}

function EmailForm() {
  const { signIn } = useAuthActions();
  const send = useTask();
  const verify = useTask();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<{ to: string; method: "code" | "link" } | null>(null);
  const [code, setCode] = useState("");

  function request(method: "code" | "link") {
    const to = email.trim();
    void send.run(async () => {
      const outcome = await signIn("email", { email: to, method, redirectTo: `/${window.location.hash}` });
      if (outcome.status === "signedIn") return;
      if (outcome.status !== "codeSent") throw unexpectedOutcome(outcome);
      setSent({ to, method });
      verify.reset();
      if (method === "link") {
        // The link is bound to this browser: opened anywhere else, it asks before signing in.
        return `If ${to} can sign in, a link is on its way. Open it in this browser to sign in here.`;
      }
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sent === null) return;
    void verify.run(async () => {
      const outcome = await signIn("email", { email: sent.to, code: code.trim() });
      // The account also needs a second factor: the client keeps the step, and App shows its prompt.
      if (outcome.status === "secondFactorRequired") return;
      if (outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
    });
  }

  return (
    <section className="card narrow">
      <h2>Email</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          request("code");
        }}
      >
        <label>
          Email
          <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
        </label>
        <div className="actions">
          <button type="submit" disabled={send.pending}>
            Email me a code
          </button>
          <button type="button" disabled={send.pending || email.trim() === ""} onClick={() => request("link")}>
            Email me a link
          </button>
        </div>
      </form>
      <TaskResult status={send.status} />
      {sent?.method === "code" && (
        <form onSubmit={submit}>
          <label>
            Code sent to {sent.to}
            <input value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="one-time-code" required />
          </label>
          <button type="submit" disabled={verify.pending}>
            {verify.pending ? "Checking…" : "Sign in"}
          </button>
          <TaskResult status={verify.status} />
        </form>
      )}
      {sent !== null && (
        <DevToolsBoundary key={sent.to}>
          <Outbox to={sent.to} />
        </DevToolsBoundary>
      )}
    </section>
  );
}

function PhoneForm() {
  const { signIn } = useAuthActions();
  const send = useTask();
  const verify = useTask();
  const [phone, setPhone] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState("");
  return (
    <section className="card narrow">
      <h2>Phone</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          // The server keeps E.164: the outbox is addressed to the number without spaces.
          const to = phone.trim().replace(/[\s().-]/g, "");
          void send.run(async () => {
            const outcome = await signIn("phone", { phone: to });
            if (outcome.status === "signedIn") return;
            if (outcome.status !== "codeSent") throw unexpectedOutcome(outcome);
            setSentTo(to);
            verify.reset();
          });
        }}
      >
        <label>
          Phone number <span className="muted">(international, e.g. +15551234567)</span>
          <input type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required autoComplete="tel" />
        </label>
        <button type="submit" disabled={send.pending}>
          Text me a code
        </button>
      </form>
      <TaskResult status={send.status} />
      {sentTo !== null && (
        <>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void verify.run(async () => {
                const outcome = await signIn("phone", { phone: sentTo, code: code.trim() });
                // A second factor is needed: App shows the prompt for the step the client keeps.
                if (outcome.status === "secondFactorRequired") return;
                if (outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
              });
            }}
          >
            <label>
              Code sent to {sentTo}
              <input value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="one-time-code" required />
            </label>
            <button type="submit" disabled={verify.pending}>
              Sign in
            </button>
            <TaskResult status={verify.status} />
          </form>
          <DevToolsBoundary key={sentTo}>
            <Outbox to={sentTo} />
          </DevToolsBoundary>
        </>
      )}
    </section>
  );
}

function GuestButton() {
  const { signIn } = useAuthActions();
  const task = useTask();
  return (
    <section className="card narrow">
      <h2>Guest</h2>
      <p className="muted small">A user without credentials; sign in with anything else later to keep it.</p>
      <button type="button" disabled={task.pending} onClick={() =>
          void task.run(async () => {
            const outcome = await signIn("anonymous");
            if (outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
          })
        }>
        Continue as guest
      </button>
      <TaskResult status={task.status} />
    </section>
  );
}

/** Development only: the newest message the example "sent" to `to` (the outbox table). */
function Outbox({ to }: { to: string }) {
  const message = useQuery(api.outbox.latest, { to });
  if (message === undefined) return <p className="muted">Loading…</p>;
  if (message === null) return <p className="muted">Nothing sent to {to} yet.</p>;
  const isLink = /^https?:\/\//.test(message.code);
  return (
    <div className="mailcatcher" aria-label="Development mail catcher">
      <p className="muted small">
        Development mail catcher <span className="badge">dev only</span>: a real app sends this and has no such query.
      </p>
      <p>
        {message.subject}:{" "}
        {isLink ? <a href={message.code}>open the sign-in link</a> : <code className="code-big">{message.code}</code>}
      </p>
    </div>
  );
}
