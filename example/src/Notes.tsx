/**
 * The Account page's "Your notes" card: the example's own data, rows keyed
 * by the user's id (example/convex/notes.ts). A guest who creates an
 * account keeps them: the user keeps its id.
 */
import { useMutation, useQuery } from "convex/react";
import { useState, type FormEvent } from "react";
import { api } from "../convex/_generated/api";
import { TaskResult, useTask } from "./useTask";

export function Notes() {
  const notes = useQuery(api.notes.list);
  const add = useMutation(api.notes.add);
  const task = useTask();
  const [text, setText] = useState("");

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void task.run(async () => {
      await add({ text });
      setText("");
    });
  }

  return (
    <section className="card">
      <h2>Your notes</h2>
      {notes === undefined ? (
        <p className="muted">Loading…</p>
      ) : notes.length === 0 ? (
        <p className="muted">No notes yet.</p>
      ) : (
        <ul aria-label="Your notes">
          {notes.map((note) => (
            <li key={note.id}>{note.text}</li>
          ))}
        </ul>
      )}
      <form onSubmit={submit}>
        <label>
          New note
          <input value={text} onChange={(e) => setText(e.target.value)} required maxLength={500} />
        </label>
        <button type="submit" disabled={task.pending}>
          {task.pending ? "Saving…" : "Add note"}
        </button>
      </form>
      <TaskResult status={task.status} />
    </section>
  );
}
