/** The deployment's URL, read on the server at run time (so one build serves any deployment). */
export function convexUrl(): string {
  const url = process.env.CONVEX_URL ?? process.env.NEXT_PUBLIC_CONVEX_URL;
  if (!url) throw new Error("Set CONVEX_URL to the Convex deployment's URL");
  return url;
}
