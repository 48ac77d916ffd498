// The auth route the browser signs in, refreshes and signs out through.
import { convexAuthRoute } from "convex-auth-kit/nextjs/server";

export const { POST } = convexAuthRoute();
