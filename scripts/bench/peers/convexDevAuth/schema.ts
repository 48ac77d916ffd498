/** The peer's schema, as its docs set it up: only `authTables`. */
import { authTables } from "@convex-dev/auth/server";
import { defineSchema } from "convex/server";

export default defineSchema({
  ...authTables,
});
