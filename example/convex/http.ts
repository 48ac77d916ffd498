import { httpRouter } from "convex/server";
import { addApiKeyRoutes } from "./apiKeyRoutes";
import { auth } from "./auth";

const http = httpRouter();

// /.well-known/openid-configuration and /.well-known/jwks.json
auth.http.add(http);

// /api/profile: an endpoint protected by an API key
addApiKeyRoutes(http);

export default http;
