import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  /**
   * The example's stand-in for an email provider: messages the auth
   * provider "sends" (reset codes) land here so the UI can show them in
   * development. A real app sends email instead and keeps no codes.
   */
  outbox: defineTable({
    to: v.string(),
    subject: v.string(),
    code: v.string(),
    expiresAt: v.number(),
  }).index("by_to", ["to"]),
  /**
   * The example's own data, keyed by the auth user's id: a guest's notes
   * stay theirs when the guest creates an account (the user keeps its id).
   */
  notes: defineTable({
    userId: v.string(),
    text: v.string(),
  }).index("by_user", ["userId"]),
});
