/** Hand-made stand-in for `convex codegen`'s api.js: untyped references. */
import { anyApi } from "convex/server";

export const api = anyApi;
export const internal = anyApi;
