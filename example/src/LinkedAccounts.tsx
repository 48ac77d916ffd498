/**
 * The Account page's "Linked accounts" card: the ways this user signs in by
 * a provider (`auth.account.list`), "Connect GitHub" (a sign-in in link
 * mode: the GitHub account is attached to this user, whatever its email),
 * and "Disconnect" (`auth.account.unlink`: never the last way in).
 */
import { useMutation, useQuery } from "convex/react";
import { useAuthActions } from "convex-auth-kit/react";
import type { ReactNode } from "react";
import { api } from "../convex/_generated/api";
import { unexpectedOutcome } from "./outcomes";
import { TaskResult, useTask } from "./useTask";

/** What the list calls each kind of provider. */
const PROVIDER_NAMES: Record<string, string> = {
  password: "Password",
  github: "GitHub",
  email: "Email code or link",
  phone: "Phone code",
};

export function LinkedAccounts() {
  const accounts = useQuery(api.accounts.list);
  const unlink = useMutation(api.accounts.unlink);
  const { signIn } = useAuthActions();
  const connect = useTask();
  const disconnect = useTask();
  const hasGitHub = accounts?.some((account) => account.provider === "github") ?? false;

  return (
    <section className="card wide">
      <h2>Linked accounts</h2>
      <p className="muted small">
        The ways you sign in. Connect another while signed in: it is added to this user, whatever email it has. Disconnecting
        the last one is refused.
      </p>
      {accounts === undefined ? (
        <p className="muted">Loading…</p>
      ) : accounts.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="devices" aria-label="Linked accounts">
          {accounts.map((account) => (
            <li key={account.accountId}>
              <div>
                <strong>{PROVIDER_NAMES[account.provider] ?? account.provider}</strong>
                {(account.email ?? account.phone) !== null && <> · {account.email ?? account.phone}</>}
                <div className="muted small">Linked {formatTime(account.linkedTime)}</div>
              </div>
              <button
                type="button"
                className="secondary"
                disabled={disconnect.pending}
                onClick={() =>
                  void disconnect.run(async () => {
                    await unlink({ accountId: account.accountId });
                    return `Disconnected ${PROVIDER_NAMES[account.provider] ?? account.provider}.`;
                  })
                }
              >
                Disconnect
              </button>
            </li>
          ))}
        </ul>
      )}
      <TaskResult status={disconnect.status} />
      {!hasGitHub && (
        <div className="actions spaced">
          <button
            type="button"
            disabled={connect.pending}
            onClick={() =>
              void connect.run(async () => {
                // Link mode: back to this page with ?code=, and the client finishes in this session.
                const outcome = await signIn("github", { link: true, redirectTo: `/${window.location.hash}` });
                if (outcome.status !== "redirecting" && outcome.status !== "signedIn") throw unexpectedOutcome(outcome);
              })
            }
          >
            {connect.pending ? "Going to GitHub…" : "Connect GitHub"}
          </button>
        </div>
      )}
      <TaskResult status={connect.status} />
    </section>
  );
}

function formatTime(ms: number): ReactNode {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleString()}</time>;
}
