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
  /**
   * The app's own data about a user, beside the auth component's: one row
   * per user, made by the `afterUserCreated` callback in the sign-up's
   * transaction (convex/auth.ts), deleted by `afterUserDeleted` with the
   * user. `devices` are the user agents the user signed in from (the last
   * 10), for the "new device" notice.
   */
  profiles: defineTable({
    userId: v.string(),
    /** The provider of the sign-up (`password`, `github`, ...), or `app` for a user made by the app's code. */
    signedUpWith: v.string(),
    devices: v.array(v.string()),
  }).index("by_user", ["userId"]),
  /**
   * What the app told a user about changes to how they sign in (the
   * `onSecurityNotice` callback, convex/auth.ts): the account page's
   * "Security notices"; each is also emailed (the dev outbox here).
   */
  notices: defineTable({
    userId: v.string(),
    /** The notice's kind (`password_changed`, `factor_added`, ...). */
    kind: v.string(),
    /** The text the email carried. */
    text: v.string(),
    /** Where it was sent. */
    sentTo: v.array(v.string()),
  }).index("by_user", ["userId"]),
});
