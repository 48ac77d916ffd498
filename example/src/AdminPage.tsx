import { useEffect, useState, type FormEvent } from "react";
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import type { FunctionReturnType } from "convex/server";
import { authErrorCode, useAuthActions } from "convex-auth-kit/react";
import { api } from "../convex/_generated/api";
import { AuthGate } from "./AuthGate";
import { ErrorBoundary } from "./ErrorBoundary";
import { ErrorMessage } from "./ErrorMessage";
import { ConfirmPassword, needsProof } from "./ConfirmPassword";
import { TaskResult, useTask } from "./useTask";

export function AdminPage() {
  return (
    <>
      <h1>Admin</h1>
      <p className="lead">
        Accounts administration with <code>auth.admin.user.*</code>: find users, look at one, ban or unban them, sign
        them out everywhere, mark their email verified, remove a factor, impersonate them for up to an hour, and watch
        the audit log live. Admins are the users whose verified email is listed in <code>ADMIN_EMAILS</code>{" "}
        (<code>convex/auth.ts</code>); everyone else is refused with <code>FORBIDDEN</code>.
      </p>
      <AuthGate
        signedOut={
          <section className="card narrow">
            <h2>Sign in first</h2>
            <p className="muted">
              Only admins may use this page. <a href="#/account">Sign in on the Account page</a>, then come back.
            </p>
          </section>
        }
      >
        <ErrorBoundary
          fallback={(error) =>
            authErrorCode(error) === "FORBIDDEN" ? (
              <NotAdmin />
            ) : authErrorCode(error) === "IMPERSONATING" ? (
              <Impersonating />
            ) : (
              <ErrorMessage error={error} />
            )
          }
        >
          <AdminUnlessImpersonating />
        </ErrorBoundary>
      </AuthGate>
    </>
  );
}

function NotAdmin() {
  return (
    <section className="card narrow" role="note">
      <h2>Not an admin</h2>
      <p>You are not an admin.</p>
      <p className="muted small">
        Admins are listed by email in the deployment's <code>ADMIN_EMAILS</code>, and their email must be verified (sign
        in with an email code on the <a href="#/sign-in">More sign-in</a> page to verify it).
      </p>
    </section>
  );
}

/** While impersonating, the admin is the user: no admin tools until they stop (the banner above). */
function Impersonating() {
  return (
    <section className="card narrow" role="note">
      <h2>Impersonating</h2>
      <p>You are acting as another user: the admin tools are refused (IMPERSONATING). Stop impersonating first.</p>
    </section>
  );
}

function AdminUnlessImpersonating() {
  const impersonation = useQuery(api.sessions.impersonation, {});
  if (impersonation === undefined) return <p className="muted">Loading…</p>;
  return impersonation !== null ? <Impersonating /> : <Admin />;
}

type Filter = "" | "banned" | "unverified" | "has2fa";
const FILTERS: { value: Filter; label: string }[] = [
  { value: "", label: "All users" },
  { value: "banned", label: "Banned" },
  { value: "unverified", label: "Email not verified" },
  { value: "has2fa", label: "Two-factor on" },
];

function Admin() {
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <div className="cards admin">
      <UserTable selected={selected} onSelect={setSelected} />
      {selected !== null && (
        // Keyed so an error about one user does not stick to the next.
        <ErrorBoundary key={selected}>
          <UserDetail userId={selected} onClose={() => setSelected(null)} />
        </ErrorBoundary>
      )}
      <ErrorBoundary>
        <EventFeed />
      </ErrorBoundary>
    </div>
  );
}

// ---------------------------------------------------------------------------
// The live event feed: a query subscription, so new events arrive by themselves.

function EventFeed() {
  const events = useQuery(api.admin.recentEvents, { limit: 25 });
  return (
    <section className="card wide" aria-label="Live events">
      <h2>Live events</h2>
      <p className="muted small">
        The newest audit events, everyone's (<code>auth.admin.audit.list</code> with <code>all: true</code>): subject,
        and actor when someone else did it.
      </p>
      {events === undefined ? (
        <p className="muted">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <ul className="event-feed" aria-label="Events">
          {events.map((e) => (
            <li key={e.id}>
              <span className="muted small">{new Date(e.time).toLocaleTimeString()}</span> <code>{e.type}</code>
              {e.reason !== null && <span className="small"> ({e.reason})</span>}
              {e.user !== null && <span> · {e.user}</span>}
              {e.actor !== null && <span className="small"> · by {e.actor}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------
// The user table: search, filter, pages.

const PAGE = 25;

function UserTable({ selected, onSelect }: { selected: string | null; onSelect: (userId: string) => void }) {
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<Filter>("");
  // How many rows to show; "Show more" asks for another page.
  const [wanted, setWanted] = useState(PAGE);
  const trimmed = search.trim();
  const { results, status, loadMore } = usePaginatedQuery(
    api.admin.listUsers,
    { ...(trimmed !== "" ? { search: trimmed } : {}), ...(filter !== "" ? { filter } : {}) },
    { initialNumItems: PAGE },
  );
  // A page can come back short (where a search moves from emails to names, or
  // when a filter goes with a search): keep loading until there are enough rows.
  useEffect(() => {
    if (status === "CanLoadMore" && results.length < wanted) loadMore(PAGE);
  }, [status, results.length, wanted, loadMore]);

  function changeSearch(value: string) {
    setSearch(value);
    setWanted(PAGE);
  }

  return (
    <section className="card wide">
      <h2>Users</h2>
      <form className="admin-filters" role="search" onSubmit={(e: FormEvent) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={search}
            maxLength={320}
            placeholder="Email or name starts with…"
            onChange={(e) => changeSearch(e.target.value)}
          />
        </label>
        <label>
          Filter
          <select
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value as Filter);
              setWanted(PAGE);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <p className="muted small">
        Newest first; a search lists email matches first, then name matches. Every page is one index range.
      </p>
      <table className="admin-table" aria-label="Users">
        <thead>
          <tr>
            <th>Email</th>
            <th>Name</th>
            <th>Created</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {results.map((user) => (
            <tr key={user.id} aria-selected={user.id === selected}>
              <td>
                <button type="button" className="link" onClick={() => onSelect(user.id)}>
                  {user.email ?? (user.isAnonymous ? "(guest)" : "(no email)")}
                </button>
              </td>
              <td>{user.name ?? "—"}</td>
              <td className="small">{new Date(user.createdAt).toLocaleString()}</td>
              <td className="small">
                <StatusBadges user={user} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {status === "LoadingFirstPage" && <p className="muted">Loading…</p>}
      {status === "Exhausted" && results.length === 0 && <p className="muted">No users match.</p>}
      {status !== "Exhausted" && status !== "LoadingFirstPage" && results.length >= wanted && (
        <div className="actions spaced">
          <button type="button" className="secondary" onClick={() => setWanted(results.length + PAGE)}>
            Show more
          </button>
        </div>
      )}
    </section>
  );
}

type Row = FunctionReturnType<typeof api.admin.listUsers>["page"][number];

function StatusBadges({ user }: { user: Pick<Row, "ban" | "emailVerified" | "hasSecondFactor" | "email"> }) {
  const banned = user.ban !== null && (user.ban.expirationTime === undefined || user.ban.expirationTime > Date.now());
  return (
    <span className="actions">
      {banned && <span className="badge banned">banned</span>}
      {user.email !== null && (
        <span className={`badge${user.emailVerified ? " current" : ""}`}>{user.emailVerified ? "verified" : "unverified"}</span>
      )}
      {user.hasSecondFactor && <span className="badge">2FA</span>}
    </span>
  );
}

// ---------------------------------------------------------------------------
// One user.

type Detail = FunctionReturnType<typeof api.admin.userDetail>;

function UserDetail({ userId, onClose }: { userId: string; onClose: () => void }) {
  const detail = useQuery(api.admin.userDetail, { userId });
  if (detail === undefined) {
    return (
      <section className="card wide">
        <h2>User detail</h2>
        <p className="muted">Loading…</p>
      </section>
    );
  }
  const { user } = detail;
  return (
    <section className="card wide admin-detail" aria-label="User detail">
      <h2>User detail</h2>
      <dl className="details">
        <dt>Email</dt>
        <dd>{user.email ?? "—"}</dd>
        <dt>Name</dt>
        <dd>{user.name ?? "—"}</dd>
        <dt>Id</dt>
        <dd>
          <code>{user._id}</code>
        </dd>
        <dt>Created</dt>
        <dd>{new Date(user._creationTime).toLocaleString()}</dd>
        <dt>Email verified</dt>
        <dd>{user.emailVerificationTime !== undefined ? new Date(user.emailVerificationTime).toLocaleString() : "no"}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadges
            user={{
              ban: user.ban ?? null,
              emailVerified: user.emailVerificationTime !== undefined,
              hasSecondFactor: user.hasSecondFactor === true,
              email: user.email ?? null,
            }}
          />
          {user.ban !== undefined && (
            <span className="small">
              {" "}
              Banned {new Date(user.ban.time).toLocaleString()}: “{user.ban.reason}”
            </span>
          )}
        </dd>
      </dl>
      <Actions detail={detail} />
      <Sessions detail={detail} />
      <Accounts detail={detail} />
      <Factors detail={detail} />
      <KeysAndGroups detail={detail} />
      <div className="actions spaced">
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </section>
  );
}

function Actions({ detail }: { detail: Detail }) {
  const { user } = detail;
  const ban = useMutation(api.admin.ban);
  const unban = useMutation(api.admin.unban);
  const revokeSessions = useMutation(api.admin.revokeSessions);
  const markEmailVerified = useMutation(api.admin.markEmailVerified);
  const { impersonate } = useAuthActions();
  const task = useTask();
  const [reason, setReason] = useState("");

  function submitBan(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      await ban({ userId: user._id, reason: reason.trim() });
      setReason("");
      return "Banned: their sessions ended and sign-ins are refused.";
    });
  }

  return (
    <div className="card">
      <h3>Actions</h3>
      {user.ban === undefined ? (
        <form onSubmit={submitBan} className="admin-ban">
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} placeholder="Spam" />
          </label>
          <button type="submit" className="danger" disabled={task.pending}>
            Ban
          </button>
        </form>
      ) : (
        <div className="actions">
          <button
            type="button"
            disabled={task.pending}
            onClick={() =>
              void task.run(async () => {
                await unban({ userId: user._id });
                return "Unbanned: they may sign in again.";
              })
            }
          >
            Unban
          </button>
        </div>
      )}
      <div className="actions spaced">
        <button
          type="button"
          className="secondary"
          disabled={task.pending}
          onClick={() =>
            void task.run(async () => {
              const { ended } = await revokeSessions({ userId: user._id });
              return `Signed out everywhere: ${ended} session${ended === 1 ? "" : "s"} ended.`;
            })
          }
        >
          Sign out everywhere
        </button>
        <button
          type="button"
          className="secondary"
          disabled={task.pending || user.ban !== undefined}
          title="Act as this user for up to an hour (not an admin, not a banned user); the user's own sessions stay as they are"
          onClick={() =>
            void task.run(async () => {
              await impersonate(user._id);
              // Their data: the Account page, as they see it (the banner has the way back).
              window.location.hash = "#/account";
            })
          }
        >
          Impersonate
        </button>
        {user.email !== undefined && user.emailVerificationTime === undefined && (
          <button
            type="button"
            className="secondary"
            disabled={task.pending}
            onClick={() =>
              void task.run(async () => {
                await markEmailVerified({ userId: user._id });
                return "The email is marked verified.";
              })
            }
          >
            Mark email verified
          </button>
        )}
      </div>
      <TaskResult status={task.status} />
      {/* Impersonating needs a recent proof of the admin (STEP_UP_REQUIRED). */}
      {needsProof(task.status) && <ConfirmPassword />}
    </div>
  );
}

function Sessions({ detail }: { detail: Detail }) {
  return (
    <div className="card">
      <h3>Sessions ({detail.sessions.length}{detail.truncated.sessions ? "+, newest shown" : ""})</h3>
      {detail.sessions.length === 0 ? (
        <p className="muted small">No sessions: signed out everywhere.</p>
      ) : (
        <ul className="devices" aria-label="Sessions">
          {detail.sessions.map((s) => (
            <li key={s._id}>
              <span>
                <span className="small">{s.userAgent ?? "Unknown device"}</span>
                <br />
                <span className="muted small">
                  {s.ip !== undefined ? `IP ${s.ip} · ` : ""}started {new Date(s._creationTime).toLocaleString()} · last used{" "}
                  {new Date(s.lastUsedTime).toLocaleString()}
                  {s.live ? "" : " · inactive"}
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Accounts({ detail }: { detail: Detail }) {
  return (
    <div className="card">
      <h3>Accounts</h3>
      <ul className="devices" aria-label="Accounts">
        {detail.accounts.map((a) => (
          <li key={a._id}>
            <span>
              <code>{a.provider}</code> {a.providerAccountId}
              {a.hasSecret ? <span className="muted small"> · has a password</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function Factors({ detail }: { detail: Detail }) {
  const removeFactor = useMutation(api.admin.removeFactor);
  const task = useTask();
  const remove = (kind: "totp" | "passkey", id: string, label: string) =>
    void task.run(async () => {
      await removeFactor({ userId: detail.user._id, kind, id });
      return `Removed ${label}.`;
    });
  const none = detail.totpFactors.length === 0 && detail.passkeys.length === 0;
  return (
    <div className="card">
      <h3>Factors</h3>
      {none && <p className="muted small">No authenticator app or passkey.</p>}
      <ul className="devices" aria-label="Factors">
        {detail.totpFactors.map((f) => {
          const label = `authenticator ${f.name ?? "app"}`;
          return (
            <li key={f._id}>
              <span>
                Authenticator app <strong>{f.name ?? ""}</strong>
                <span className="muted small">{f.activatedTime !== undefined ? " · active" : " · not confirmed"}</span>
              </span>
              <button type="button" className="secondary" aria-label={`Remove ${label}`} disabled={task.pending} onClick={() => remove("totp", f._id, label)}>
                Remove
              </button>
            </li>
          );
        })}
        {detail.passkeys.map((p) => {
          const label = `passkey ${p.name}`;
          return (
            <li key={p._id}>
              <span>
                Passkey <strong>{p.name}</strong>
                <span className="muted small">{p.secondFactor ? " · for two-factor" : " · for sign-in"}</span>
              </span>
              <button type="button" className="secondary" aria-label={`Remove ${label}`} disabled={task.pending} onClick={() => remove("passkey", p._id, label)}>
                Remove
              </button>
            </li>
          );
        })}
      </ul>
      <p className="muted small">Recovery codes left: {detail.recoveryCodesLeft}</p>
      <TaskResult status={task.status} />
    </div>
  );
}

function KeysAndGroups({ detail }: { detail: Detail }) {
  return (
    <div className="card">
      <h3>API keys and groups</h3>
      {detail.apiKeys.length === 0 ? (
        <p className="muted small">No API keys.</p>
      ) : (
        <ul className="devices" aria-label="API keys">
          {detail.apiKeys.map((k) => (
            <li key={k._id}>
              <span>
                {k.name} <code>{k.displayPrefix}…</code>
                <span className="muted small">{k.revokedTime !== undefined ? " · revoked" : ""}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {detail.groups.length === 0 ? (
        <p className="muted small">In no group.</p>
      ) : (
        <ul className="devices" aria-label="Groups">
          {detail.groups.map((m) => (
            <li key={m._id}>
              <span>
                {m.group.name} <span className="badge">{m.role}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
