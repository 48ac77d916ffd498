import { v } from "convex/values";
import { authError } from "convex-auth-kit/server";
import { mutation, query } from "./_generated/server";
import { auth } from "./auth";

/** Notes one user may keep here. */
const MAX_NOTES = 50;
/** Longest note, in characters. */
const MAX_NOTE_LENGTH = 500;

/**
 * The signed-in user's notes, oldest first: the example's stand-in for an
 * app's own data, rows keyed by the user's id. A guest who creates an
 * account keeps them (the user keeps its id).
 */
export const list = query({
  args: {},
  handler: async (ctx) => {
    const userId = await auth.user.id(ctx);
    if (userId === null) return [];
    const notes = await ctx.db
      .query("notes")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .take(MAX_NOTES);
    return notes.map((note) => ({ id: note._id, text: note.text, createdAt: note._creationTime }));
  },
});

/** Adds a note for the signed-in user (1 to 500 characters, at most 50 notes). */
export const add = mutation({
  args: { text: v.string() },
  handler: async (ctx, { text }) => {
    const { userId } = await auth.session.require(ctx);
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.length > MAX_NOTE_LENGTH) {
      throw authError("INVALID_ARGUMENT", `A note has 1 to ${MAX_NOTE_LENGTH} characters`);
    }
    const notes = await ctx.db
      .query("notes")
      .withIndex("by_user", (q) => q.eq("userId", userId))
      .take(MAX_NOTES);
    if (notes.length >= MAX_NOTES) throw authError("INVALID_ARGUMENT", `At most ${MAX_NOTES} notes`);
    return await ctx.db.insert("notes", { userId, text: trimmed });
  },
});
