/** Shown instead of the app when there is no usable deployment URL. */
export function MissingConvexUrl({ problem }: { problem: string }) {
  return (
    <main className="setup">
      <h1>No Convex deployment configured</h1>
      <p className="error">{problem}</p>
      <p>
        Start the example from the repository root with <code>npm run dev</code>.
        It runs <code>convex dev</code>, which sets up a deployment and writes{" "}
        <code>VITE_CONVEX_URL</code> to <code>.env.local</code>, and then starts
        this UI.
      </p>
      <p>
        To point the UI at an existing deployment instead, put{" "}
        <code>VITE_CONVEX_URL=https://…</code> in the repo-root{" "}
        <code>.env.local</code> and restart Vite (or rebuild).
      </p>
    </main>
  );
}
