// Home: who is signed in, rendered on the server (in the first HTML).
import Link from "next/link";
import { fetchQuery } from "convex/nextjs";
import { convexAuthToken } from "convex-auth-kit/nextjs/server";
import { api } from "../../example/convex/_generated/api";
import { convexUrl } from "./convexUrl";

export default async function Home() {
  const token = await convexAuthToken();
  const viewer = token ? await fetchQuery(api.users.viewer, {}, { token, url: convexUrl() }) : null;
  return (
    <main>
      <h1>convex-auth-kit on Next.js</h1>
      <p id="server-viewer">{viewer ? `Signed in as ${viewer.email}` : "Signed out"}</p>
      <nav style={{ display: "flex", gap: "1rem" }}>
        <Link href="/protected">Protected page</Link>
        <Link href="/signin">Sign in</Link>
      </nav>
    </main>
  );
}
