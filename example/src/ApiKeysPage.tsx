import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useMutation, useQuery } from "convex/react";
import { api } from "../convex/_generated/api";
import { AuthGate } from "./AuthGate";
import { TaskResult, useTask } from "./useTask";
import { ConfirmPassword, needsProof } from "./ConfirmPassword";

export function ApiKeysPage() {
  return (
    <>
      <h1>API keys</h1>
      <p className="lead">
        Keys for scripts and other servers, made with <code>auth.key.create</code>. Only a hash of
        each key is stored: the key itself is shown once, when it is created. The example's{" "}
        <code>/api/profile</code> HTTP endpoint accepts them.
      </p>
      <AuthGate
        signedOut={
          <section className="card narrow">
            <h2>Sign in first</h2>
            <p className="muted">
              API keys belong to a user. <a href="#/account">Sign in on the Account page</a>, then come back.
            </p>
          </section>
        }
      >
        <SignedIn />
      </AuthGate>
    </>
  );
}

type NewKey = { keyId: string; raw: string; name: string };

function SignedIn() {
  // The raw key of the key just created or rotated; gone once dismissed.
  const [created, setCreated] = useState<NewKey | null>(null);
  return (
    <div className="cards">
      {created ? (
        <ShowOnce created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateKey onCreated={setCreated} />
      )}
      <TryIt raw={created?.raw ?? null} />
      <KeyList onRotated={setCreated} />
    </div>
  );
}

// ---------------------------------------------------------------------------
// Create.

const EXPIRIES = [
  { label: "Never", days: undefined },
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
] as const;

function CreateKey({ onCreated }: { onCreated: (key: NewKey) => void }) {
  const scopeSet = useQuery(api.apiKeys.scopeSet);
  const create = useMutation(api.apiKeys.create);
  const task = useTask();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState(0);
  // Chosen scopes as "resource:action".
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(["profile:read"]));

  function toggle(scope: string) {
    setChosen((previous) => {
      const next = new Set(previous);
      if (next.has(scope)) next.delete(scope);
      else next.add(scope);
      return next;
    });
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const byResource = new Map<string, string[]>();
    for (const scope of chosen) {
      const [resource, action] = scope.split(":") as [string, string];
      byResource.set(resource, [...(byResource.get(resource) ?? []), action]);
    }
    const scopes = [...byResource].map(([resource, actions]) => ({ resource, actions }));
    const days = EXPIRIES[expiry]?.days;
    void task.run(async () => {
      const { keyId, raw } = await create({
        name: name.trim(),
        scopes,
        ...(days !== undefined ? { expiresInDays: days } : {}),
      });
      setName("");
      onCreated({ keyId, raw, name: name.trim() });
    });
  }

  return (
    <section className="card">
      <h2>Create a key</h2>
      <form onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="CI deploys" />
        </label>
        <fieldset style={{ border: "none", margin: 0, padding: 0 }}>
          <legend className="small" style={{ fontWeight: 500, marginBottom: "0.25rem" }}>
            Scopes
          </legend>
          {scopeSet === undefined ? (
            <p className="muted small">Loading…</p>
          ) : (
            Object.entries(scopeSet).map(([resource, actions]) => (
              <div key={resource} className="actions small" role="group" aria-label={resource}>
                <code>{resource}</code>
                {actions.map((action) => {
                  const scope = `${resource}:${action}`;
                  return (
                    <label key={scope} style={{ flexDirection: "row", alignItems: "center", fontWeight: 400 }}>
                      <input type="checkbox" checked={chosen.has(scope)} onChange={() => toggle(scope)} />
                      {action}
                    </label>
                  );
                })}
              </div>
            ))
          )}
        </fieldset>
        <label>
          Expires
          <select
            value={expiry}
            onChange={(e) => setExpiry(Number(e.target.value))}
            style={{ font: "inherit", padding: "0.4rem", borderRadius: 6, border: "1px solid var(--border)" }}
          >
            {EXPIRIES.map((choice, i) => (
              <option key={choice.label} value={i}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Creating…" : "Create key"}
        </button>
      </form>
      <TaskResult status={task.status} />
      {needsProof(task.status) && <ConfirmPassword />}
    </section>
  );
}

/** The raw key, once: after "Done" it cannot be shown again. */
function ShowOnce({ created, onDone }: { created: NewKey; onDone: () => void }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.raw);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <section className="card mailcatcher" aria-live="polite">
      <h2>
        Your new key <span className="badge">shown once</span>
      </h2>
      <p className="small">
        Copy <strong>{created.name}</strong> now and keep it somewhere safe. Only its hash is stored, so it
        cannot be shown again; if you lose it, rotate or revoke it and create another.
      </p>
      <p>
        <code className="code-big" style={{ letterSpacing: "normal", fontSize: "1rem", userSelect: "all" }}>
          {created.raw}
        </code>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void copy()}>
          {copied === "copied" ? "Copied" : "Copy"}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === "failed" && (
        <p className="error" role="alert">
          The browser refused the clipboard: select the key and copy it by hand.
        </p>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------
// Try it.

/**
 * The deployment's HTTP actions URL: `VITE_CONVEX_SITE_URL` when set (the dev
 * backend sets it), else from the client URL (`.convex.cloud` -> `.convex.site`).
 */
function siteUrl(): string {
  const site = import.meta.env.VITE_CONVEX_SITE_URL?.trim();
  if (site) return site.replace(/\/+$/, "");
  const url = import.meta.env.VITE_CONVEX_URL?.trim() ?? "";
  if (/\.convex\.cloud\/?$/.test(url)) return url.replace(/\.convex\.cloud\/?$/, ".convex.site");
  try {
    // A local deployment serves HTTP actions on the next port.
    const parsed = new URL(url);
    if (parsed.port !== "") parsed.port = String(Number(parsed.port) + 1);
    return parsed.origin;
  } catch {
    return "https://<deployment>.convex.site";
  }
}

function TryIt({ raw }: { raw: string | null }) {
  const key = raw ?? "sk_test_…";
  return (
    <section className="card">
      <h2>Call the API with a key</h2>
      <p className="muted small">
        <code>GET /api/profile</code> needs <code>profile:read</code>; <code>POST</code> with{" "}
        <code>{'{"name": "…"}'}</code> needs <code>profile:write</code>. Without a valid key: 401; without the
        scope: 403; over the key's rate limit (60 a minute here): 429.
      </p>
      <pre className="small" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", margin: 0 }}>
        <code>{`curl -H "Authorization: Bearer ${key}" \\\n  ${siteUrl()}/api/profile`}</code>
      </pre>
    </section>
  );
}

// ---------------------------------------------------------------------------
// List, revoke, rotate.

function KeyList({ onRotated }: { onRotated: (key: NewKey) => void }) {
  const keys = useQuery(api.apiKeys.list);
  const revoke = useMutation(api.apiKeys.revoke);
  const rotate = useMutation(api.apiKeys.rotate);
  const task = useTask();
  const now = useNow(30_000);

  return (
    <section className="card wide">
      <h2>Your keys</h2>
      {keys === undefined ? (
        <p className="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <p className="muted">No keys yet.</p>
      ) : (
        <ul className="devices">
          {keys.map((key) => {
            const state =
              key.revokedTime !== null ? "revoked" : key.expirationTime !== null && key.expirationTime <= now ? "expired" : "active";
            return (
              <li key={key.id} style={state === "active" ? undefined : { opacity: 0.65 }}>
                <div>
                  <div>
                    <strong>{key.name}</strong> <code>{key.displayPrefix}…</code>
                    {state === "active" ? (
                      <span className="badge current">active</span>
                    ) : (
                      <span className="badge">{state}</span>
                    )}
                  </div>
                  <div className="muted small">
                    {key.scopes.length === 0
                      ? "no scopes"
                      : key.scopes.map((s) => `${s.resource}:${s.actions.join(",")}`).join(" · ")}
                    {key.rateLimit &&
                      ` · ${key.rateLimit.max} requests / ${formatDuration(key.rateLimit.periodMs)}`}
                  </div>
                  <div className="muted small">
                    Created {formatTime(key.creationTime)} · last used{" "}
                    {key.lastUsedTime === null ? "never" : formatTime(key.lastUsedTime)}
                    {key.revokedTime !== null && <> · revoked {formatTime(key.revokedTime)}</>}
                    {key.revokedTime === null && key.expirationTime !== null && (
                      <>
                        {" "}
                        · {state === "expired" ? "expired" : "expires"} {formatTime(key.expirationTime)}
                      </>
                    )}
                  </div>
                </div>
                {state !== "revoked" && (
                  <div className="actions">
                    {state === "active" && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={task.pending}
                        onClick={() =>
                          void task.run(async () => {
                            const { keyId, raw } = await rotate({ keyId: key.id });
                            onRotated({ keyId, raw, name: key.name });
                            return `Rotated "${key.name}": the old key no longer works.`;
                          })
                        }
                      >
                        Rotate
                      </button>
                    )}
                    <button
                      type="button"
                      className="danger"
                      disabled={task.pending}
                      onClick={() => {
                        if (!window.confirm(`Revoke "${key.name}"? Programs using it will stop working.`)) return;
                        void task.run(async () => {
                          await revoke({ keyId: key.id });
                          return `Revoked "${key.name}".`;
                        });
                      }}
                    >
                      Revoke
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <TaskResult status={task.status} />
    </section>
  );
}

// ---------------------------------------------------------------------------

/** The current time, updated every `intervalMs` (expiry is decided in the browser). */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function formatTime(ms: number): ReactNode {
  return <time dateTime={new Date(ms).toISOString()}>{new Date(ms).toLocaleString()}</time>;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? "hour" : `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return ms === 60_000 ? "minute" : `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
