import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "convex/react";
import { api } from "../convex/_generated/api";
import { ErrorBoundary } from "./ErrorBoundary";
import { ErrorMessage } from "./ErrorMessage";

export function UsersPage() {
  const [lookupEmail, setLookupEmail] = useState("");
  return (
    <>
      <h1>Users</h1>
      <p className="lead">
        Users live in the auth component. These forms call the example app's{" "}
        <code>users.create</code> mutation and <code>users.byEmail</code> query,
        which call into the component.
      </p>
      <div className="cards">
        <CreateUser onCreated={setLookupEmail} />
        {/* Keyed so the form restarts from the email set after creating a user. */}
        <FindUser key={lookupEmail} email={lookupEmail} onEmailChange={setLookupEmail} />
      </div>
    </>
  );
}

type CreateStatus =
  | { kind: "idle" }
  | { kind: "pending" }
  | { kind: "created"; id: string; email: string }
  | { kind: "failed"; error: unknown };

function CreateUser({ onCreated }: { onCreated: (email: string) => void }) {
  const createUser = useMutation(api.users.create);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [status, setStatus] = useState<CreateStatus>({ kind: "idle" });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setStatus({ kind: "pending" });
    try {
      const id = await createUser({ name: name.trim(), email: email.trim() });
      setStatus({ kind: "created", id: String(id), email: email.trim() });
      setName("");
      setEmail("");
      onCreated(email.trim());
    } catch (error) {
      setStatus({ kind: "failed", error });
    }
  }

  return (
    <section className="card">
      <h2>Create a user</h2>
      <form onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
        </label>
        <label>
          Email
          <input
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoComplete="email"
          />
        </label>
        <button type="submit" disabled={status.kind === "pending"}>
          {status.kind === "pending" ? "Creating…" : "Create user"}
        </button>
      </form>
      {status.kind === "created" && (
        <p className="success">
          Created user <code>{status.id}</code> ({status.email}).
        </p>
      )}
      {status.kind === "failed" && <ErrorMessage error={status.error} />}
    </section>
  );
}

function FindUser({ email, onEmailChange }: { email: string; onEmailChange: (email: string) => void }) {
  const [draft, setDraft] = useState(email);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onEmailChange(draft.trim());
  }

  return (
    <section className="card">
      <h2>Find a user by email</h2>
      <form onSubmit={submit}>
        <label>
          Email
          <input type="email" value={draft} onChange={(e) => setDraft(e.target.value)} required />
        </label>
        <button type="submit">Look up</button>
      </form>
      {email !== "" && (
        <ErrorBoundary>
          <UserByEmail email={email} />
        </ErrorBoundary>
      )}
    </section>
  );
}

/** Live result: re-renders whenever the user changes on the server. */
function UserByEmail({ email }: { email: string }) {
  const user = useQuery(api.users.byEmail, { email });
  if (user === undefined) return <p className="muted">Loading…</p>;
  if (user === null) return <p className="muted">No user has the email {email}.</p>;
  return (
    <dl className="details">
      <dt>Id</dt>
      <dd>
        <code>{user.id}</code>
      </dd>
      <dt>Name</dt>
      <dd>{user.name ?? "—"}</dd>
      <dt>Email</dt>
      <dd>{user.email ?? "—"}</dd>
    </dl>
  );
}
