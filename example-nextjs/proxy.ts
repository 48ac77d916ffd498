// Before every page: refresh an expiring access token (the page renders with
// the new one), and send signed-out visitors of /protected to /signin.
import { convexAuthProxy } from "convex-auth-kit/nextjs/server";

export default convexAuthProxy({ protect: ["/protected"], signInPage: "/signin" });

export const config = {
  // Everything but Next's own files (the auth route passes through untouched).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
