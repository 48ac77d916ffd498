import { useState, type FormEvent } from "react";
import { useQuery } from "convex/react";
import { api } from "../convex/_generated/api";
import { DevToolsBoundary } from "./DevTools";

export function DirectoryPage() {
  const [email, setEmail] = useState("");
  const [draft, setDraft] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setEmail(draft.trim());
  }

  return (
    <>
      <h1>Directory</h1>
      <p className="lead">
        Users live in the auth component. This form calls the example app's{" "}
        <code>users.byEmail</code> query, which calls into the component. It is a development helper: it lists any
        account, so it answers only on a deployment with <code>EXAMPLE_DEV_TOOLS=1</code>.
      </p>
      <section className="card narrow">
        <h2>Find a user by email</h2>
        <form onSubmit={submit}>
          <label>
            Email
            <input type="email" value={draft} onChange={(e) => setDraft(e.target.value)} required />
          </label>
          <button type="submit">Look up</button>
        </form>
        {email !== "" && (
          // Keyed so an error for one email does not stick to the next.
          <DevToolsBoundary key={email}>
            <UserByEmail email={email} />
          </DevToolsBoundary>
        )}
      </section>
    </>
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
