import { httpRouter } from "convex/server";
import { auth } from "./auth";

const http = httpRouter();

// /.well-known/openid-configuration and /.well-known/jwks.json
auth.http.add(http);

export default http;
