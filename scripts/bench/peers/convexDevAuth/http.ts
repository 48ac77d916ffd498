/** The peer's HTTP routes (JWKS, OpenID configuration), as its docs add them. Not benchmarked. */
import { httpRouter } from "convex/server";
import { auth } from "./auth.js";

const http = httpRouter();

auth.addHttpRoutes(http);

export default http;
