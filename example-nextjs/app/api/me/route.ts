// A Route Handler calling Convex as the signed-in user.
import { fetchQuery } from "convex/nextjs";
import { convexAuthToken } from "convex-auth-kit/nextjs/server";
import { api } from "../../../../example/convex/_generated/api";
import { convexUrl } from "../../convexUrl";

export async function GET() {
  const token = await convexAuthToken({ refresh: true });
  const viewer = token ? await fetchQuery(api.users.viewer, {}, { token, url: convexUrl() }) : null;
  return Response.json({ viewer }, { headers: { "cache-control": "no-store" } });
}
