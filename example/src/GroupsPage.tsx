import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useMutation, usePaginatedQuery, useQuery } from "convex/react";
import { api } from "../convex/_generated/api";
import { ErrorBoundary } from "./ErrorBoundary";
import { useSession } from "./session";
import { TaskResult, useTask } from "./useTask";

/** Where an invite link points: `#/invite/<token>`. */
const INVITE_HASH = /^#\/?invite\/([A-Za-z0-9_-]+)$/;
/** The invite being looked at survives a detour to the Account page to sign in. */
const PENDING_INVITE_KEY = "convex-auth-kit-example:invite";

/** The link that opens an invite in this app. */
function inviteLink(token: string): string {
  return `${window.location.origin}${window.location.pathname}#/invite/${token}`;
}

/**
 * The invite token from the URL (`#/invite/<token>`), remembered for this tab
 * until it is accepted or dismissed.
 */
function usePendingInvite(): [string | null, () => void] {
  const read = () => {
    const match = INVITE_HASH.exec(window.location.hash);
    if (match) sessionStorage.setItem(PENDING_INVITE_KEY, match[1]!);
    return sessionStorage.getItem(PENDING_INVITE_KEY);
  };
  const [token, setToken] = useState(read);
  useEffect(() => {
    const onChange = () => setToken(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const clear = () => {
    sessionStorage.removeItem(PENDING_INVITE_KEY);
    setToken(null);
    if (INVITE_HASH.test(window.location.hash)) window.location.hash = "#/groups";
  };
  return [token, clear];
}

export function GroupsPage() {
  const { status } = useSession();
  const [inviteToken, clearInvite] = usePendingInvite();
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <h1>Groups</h1>
      <p className="lead">
        Groups, members with roles and invite links, through the app's <code>groups.*</code> functions
        (<code>auth.group</code>, <code>auth.member</code>, <code>auth.invite</code>). Whoever creates a
        group owns it; owners and admins invite by link; anyone signed in with the link can join.
      </p>
      {inviteToken !== null && (
        <ErrorBoundary key={inviteToken}>
          <InviteCard
            token={inviteToken}
            signedIn={status === "signedIn"}
            onDone={(groupId) => {
              clearInvite();
              if (groupId !== null) setSelected(groupId);
            }}
          />
        </ErrorBoundary>
      )}
      {status === "signedOut" && (
        <section className="card narrow">
          <h2>Not signed in</h2>
          <p className="muted">
            Sign in on the <a href="#/account">Account</a> page to create groups and accept invites.
          </p>
        </section>
      )}
      {status === "loading" && <p className="muted">Signing you in…</p>}
      {status === "signedIn" && (
        <ErrorBoundary>
          <div className="cards">
            <CreateGroup onCreated={setSelected} />
            <MyGroups selected={selected} onSelect={setSelected} />
            {selected !== null && (
              <ErrorBoundary key={selected}>
                <GroupDetail groupId={selected} onGone={() => setSelected(null)} />
              </ErrorBoundary>
            )}
          </div>
        </ErrorBoundary>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------
// Accepting an invite link.

function InviteCard({
  token,
  signedIn,
  onDone,
}: {
  token: string;
  signedIn: boolean;
  onDone: (groupId: string | null) => void;
}) {
  const preview = useQuery(api.groups.invitePreview, { token });
  const accept = useMutation(api.groups.acceptInvite);
  const task = useTask();

  let body: ReactNode;
  if (preview === undefined) body = <p className="muted">Loading the invite…</p>;
  else if (preview === null) body = <p className="muted">This invite link does not work: it is unknown or its group is gone.</p>;
  else if (preview.status !== "pending") body = <p className="muted">This invite was already {preview.status}.</p>;
  else {
    body = (
      <>
        <p>
          {preview.invitedBy ?? "Someone"} invited you to join <strong>{preview.groupName ?? "a group"}</strong> as{" "}
          <strong>{preview.role}</strong>.
        </p>
        {preview.expirationTime !== null && <p className="muted small">The link works until {formatTime(preview.expirationTime)}.</p>}
        {!signedIn && (
          <p className="muted">
            Sign in on the <a href="#/account">Account</a> page as the person invited, then come back here.
          </p>
        )}
      </>
    );
  }
  const canAccept = signedIn && preview?.status === "pending";

  return (
    <section className="card narrow" aria-label="Invite" style={{ marginBottom: "1.25rem" }}>
      <h2>You have an invite</h2>
      {body}
      <div className="actions spaced">
        {canAccept && (
          <button
            type="button"
            disabled={task.pending}
            onClick={() =>
              void task.run(async () => {
                const { groupId } = await accept({ token });
                onDone(groupId);
              })
            }
          >
            {task.pending ? "Joining…" : "Accept and join"}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Dismiss
        </button>
      </div>
      <TaskResult status={task.status} />
    </section>
  );
}

// ---------------------------------------------------------------------------
// My groups.

function CreateGroup({ onCreated }: { onCreated: (groupId: string) => void }) {
  const create = useMutation(api.groups.create);
  const task = useTask();
  const [name, setName] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      const groupId = await create({ name: name.trim() });
      setName("");
      onCreated(groupId);
      return "Created. You are its owner.";
    });
  }

  return (
    <section className="card">
      <h2>Create a group</h2>
      <form onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Creating…" : "Create group"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}

function MyGroups({ selected, onSelect }: { selected: string | null; onSelect: (groupId: string) => void }) {
  const { results, status, loadMore } = usePaginatedQuery(api.groups.mine, {}, { initialNumItems: 10 });
  return (
    <section className="card">
      <h2>Your groups</h2>
      {status === "LoadingFirstPage" ? (
        <p className="muted">Loading…</p>
      ) : results.length === 0 ? (
        <p className="muted">None yet: create one, or open an invite link.</p>
      ) : (
        <ul className="devices">
          {results.map((group) => (
            <li key={group.id}>
              <div>
                <strong>{group.name}</strong>
                <span className="badge">{group.role}</span>
              </div>
              <button
                type="button"
                className="secondary"
                aria-pressed={group.id === selected}
                disabled={group.id === selected}
                onClick={() => onSelect(group.id)}
              >
                Open
              </button>
            </li>
          ))}
        </ul>
      )}
      {status === "CanLoadMore" && (
        <div className="actions spaced">
          <button type="button" className="secondary" onClick={() => loadMore(10)}>
            Show more
          </button>
        </div>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------
// One group: members, invite links, deletion.

function GroupDetail({ groupId, onGone }: { groupId: string; onGone: () => void }) {
  const group = useQuery(api.groups.get, { groupId });
  if (group === undefined) return <p className="muted">Loading…</p>;
  return (
    <>
      <Members groupId={groupId} groupName={group.name} canManage={group.canManage} onLeft={onGone} />
      {group.canManage && <InviteByLink groupId={groupId} isOwner={group.myRole === "owner"} />}
      {group.canManage && <PendingInvites groupId={groupId} />}
      {group.myRole === "owner" && <DeleteGroup groupId={groupId} name={group.name} onDeleted={onGone} />}
    </>
  );
}

function Members({
  groupId,
  groupName,
  canManage,
  onLeft,
}: {
  groupId: string;
  groupName: string;
  canManage: boolean;
  onLeft: () => void;
}) {
  const { results, status, loadMore } = usePaginatedQuery(api.groups.members, { groupId }, { initialNumItems: 20 });
  const removeMember = useMutation(api.groups.removeMember);
  const task = useTask();

  return (
    <section className="card wide">
      <h2>Members of {groupName}</h2>
      {status === "LoadingFirstPage" ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="devices">
          {results.map((m) => (
            <li key={m.userId}>
              <div>
                <strong>{m.name ?? m.email ?? m.userId}</strong>
                <span className="badge">{m.role}</span>
                {m.isMe && <span className="badge current">You</span>}
                {m.name !== null && m.email !== null && <div className="muted small">{m.email}</div>}
              </div>
              {(m.isMe || canManage) && (
                <button
                  type="button"
                  className="secondary"
                  disabled={task.pending}
                  onClick={() =>
                    void task.run(async () => {
                      await removeMember({ groupId, userId: m.userId });
                      if (m.isMe) onLeft();
                      return m.isMe ? "You left the group." : "Removed.";
                    })
                  }
                >
                  {m.isMe ? "Leave" : "Remove"}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {status === "CanLoadMore" && (
        <div className="actions spaced">
          <button type="button" className="secondary" onClick={() => loadMore(20)}>
            Show more
          </button>
        </div>
      )}
      <TaskResult status={task.status} />
    </section>
  );
}

function InviteByLink({ groupId, isOwner }: { groupId: string; isOwner: boolean }) {
  const createLink = useMutation(api.groups.createInviteLink);
  const task = useTask();
  const [role, setRole] = useState("member");
  // The raw token exists only here, once: the deployment keeps its hash.
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setLink(null);
    setCopied(false);
    void task.run(async () => {
      const { token } = await createLink({ groupId, role });
      setLink(inviteLink(token));
    });
  }

  return (
    <section className="card">
      <h2>Invite by link</h2>
      <form onSubmit={submit}>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="member">member</option>
            <option value="admin">admin</option>
            {isOwner && <option value="owner">owner</option>}
          </select>
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Creating…" : "Create invite link"}
        </button>
      </form>
      <TaskResult status={task.status} />
      {link !== null && (
        <div role="status">
          <p className="small">
            Send this link to the person you invite. It is shown <strong>only now</strong>, works once and
            for 7 days.
          </p>
          <p>
            <code style={{ wordBreak: "break-all" }}>{link}</code>
          </p>
          <div className="actions">
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void navigator.clipboard.writeText(link).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? "Copied" : "Copy link"}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function PendingInvites({ groupId }: { groupId: string }) {
  const invites = useQuery(api.groups.pendingInvites, { groupId });
  const revoke = useMutation(api.groups.revokeInvite);
  const task = useTask();
  return (
    <section className="card">
      <h2>Pending invites</h2>
      {invites === undefined ? (
        <p className="muted">Loading…</p>
      ) : invites.length === 0 ? (
        <p className="muted">No link waiting to be used.</p>
      ) : (
        <ul className="devices">
          {invites.map((invite) => (
            <li key={invite.id}>
              <div>
                <strong>Link</strong>
                <span className="badge">{invite.role}</span>
                <div className="muted small">
                  Created {formatTime(invite.creationTime)}
                  {invite.expirationTime !== null && <> · expires {formatTime(invite.expirationTime)}</>}
                </div>
              </div>
              <button
                type="button"
                className="secondary"
                disabled={task.pending}
                onClick={() =>
                  void task.run(async () => {
                    await revoke({ groupId, inviteId: invite.id });
                    return "Revoked: that link no longer works.";
                  })
                }
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <TaskResult status={task.status} />
    </section>
  );
}

function DeleteGroup({ groupId, name, onDeleted }: { groupId: string; name: string; onDeleted: () => void }) {
  const remove = useMutation(api.groups.remove);
  const task = useTask();
  function run() {
    if (!window.confirm(`Delete ${name}, its members and its invites? This cannot be undone.`)) return;
    void task.run(async () => {
      onDeleted();
      await remove({ groupId });
    });
  }
  return (
    <section className="card wide danger-zone">
      <h2>Delete group</h2>
      <p className="muted">Removes the group, every membership and every invite link.</p>
      <button type="button" className="danger" disabled={task.pending} onClick={run}>
        {task.pending ? "Deleting…" : "Delete group"}
      </button>
      <TaskResult status={task.status} />
    </section>
  );
}

function formatTime(ms: number): ReactNode {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleString()}</time>;
}
