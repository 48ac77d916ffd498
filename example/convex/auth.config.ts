import { authConfig } from "convex-auth-kit/server";

// Trust the access tokens this deployment mints: signed with the deployment's
// own key (no setup), or with JWT_PRIVATE_KEY when it is set (served by
// auth.http.add in http.ts).
export default authConfig();
