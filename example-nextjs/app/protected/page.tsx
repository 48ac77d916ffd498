// Only for signed-in users (the proxy sends others to /signin). The session is
// checked live here (one query), so a device signed out from elsewhere stops
// seeing this page at once; the user is in the first HTML, and the client
// component continues from the same data.
import { fetchQuery, preloadQuery } from "convex/nextjs";
import { redirect } from "next/navigation";
import { convexAuthToken } from "convex-auth-kit/nextjs/server";
import { api } from "../../../example/convex/_generated/api";
import { convexUrl } from "../convexUrl";
import { Account } from "./Account";

export default async function ProtectedPage() {
  const token = await convexAuthToken({ live: true });
  if (token === null) redirect("/signin?redirectTo=/protected");
  const options = { token, url: convexUrl() };
  const [viewer, preloaded] = await Promise.all([fetchQuery(api.users.viewer, {}, options), preloadQuery(api.users.viewer, {}, options)]);
  return (
    <main>
      <h1>Protected</h1>
      <p id="server-viewer">Signed in as {viewer?.email}</p>
      <Account preloaded={preloaded} />
    </main>
  );
}
