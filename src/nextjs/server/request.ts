/**
 * The request a Server Component, Route Handler or Server Action runs for,
 * as a Fetch `Request` with its cookies, rebuilt from `next/headers`: its
 * scheme decides the cookies' names (`__Host-` on https), as in the proxy.
 */
import { headers } from "next/headers";

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The current request's URL (its origin only) and `Cookie` header. */
export async function currentRequest(): Promise<Request> {
  const incoming = await headers();
  const host = incoming.get("x-forwarded-host")?.split(",")[0]?.trim() || incoming.get("host") || "localhost";
  const scheme = incoming.get("x-forwarded-proto")?.split(",")[0]?.trim() || (LOOPBACK.test(host) ? "http" : "https");
  let url: string;
  try {
    url = new URL(`${scheme === "http" ? "http" : "https"}://${host}/`).href;
  } catch {
    // A Host header that is no host: judge it as https, where only `__Host-` cookies count.
    url = "https://invalid.host/";
  }
  return new Request(url, { headers: { cookie: incoming.get("cookie") ?? "" } });
}
