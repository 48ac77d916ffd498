/**
 * The admin list of users (`users.list`): a page at a time, every page one
 * index range, so a page of 50 costs the same with 10 users or 10 million.
 *
 * - No search, no filter: every user, newest first (the creation-time index).
 * - `filter` alone, each through its own index:
 *   `banned` (`ban.time`: most recently banned first; a ban that lapsed by
 *   its end is left out of the page), `unverified` (no
 *   `emailVerificationTime`: newest first; users without an email, guests
 *   and phone-only users, count too), `has2fa` (the `hasSecondFactor` flag:
 *   newest first).
 * - `search` (normalised as emails are: trimmed, lower case): users whose
 *   email starts with it, in email order, then users whose name does (the
 *   `nameKey` index, case-insensitive), in name order, leaving out those the
 *   email part listed. A prefix range cannot also be in creation order.
 *   The page that ends the email part may hold fewer users; `isDone` is
 *   what ends the list.
 * - `search` and `filter` together: the search's range, its page kept to the
 *   users the filter takes. The cost stays one page of the range, but a page
 *   may hold fewer users than asked, or none, before the end (no index
 *   holds both a prefix and a filter).
 *
 * The cursor names the part it belongs to (`<part>|<index cursor>`); a
 * cursor of another list (other search or filter) is `INVALID_ARGUMENT`.
 */
import type { PaginationOptions, PaginationResult } from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import type { Doc } from "../_generated/dataModel.js";
import type { QueryCtx } from "../_generated/server.js";
import { authError } from "../../shared/errors.js";
import { MAX_SEARCH_LENGTH, normalizeSearchText, prefixEnd } from "../../shared/search.js";
import { isBanned } from "./bans.js";

/** What `users.list` can filter on. */
export const userListFilter = v.union(v.literal("banned"), v.literal("unverified"), v.literal("has2fa"));
export type UserListFilter = Infer<typeof userListFilter>;

/** Most users one page may ask for. */
export const MAX_USERS_PAGE = 200;

type Part = "all" | UserListFilter | "email" | "name";
const PARTS: readonly string[] = ["all", "banned", "unverified", "has2fa", "email", "name"];

type Cursor = { part: Part; inner: string | null };

function parseCursor(cursor: string | null | undefined): Cursor | null {
  if (cursor === null || cursor === undefined) return null;
  const bar = cursor.indexOf("|");
  const part = bar < 0 ? "" : cursor.slice(0, bar);
  if (!PARTS.includes(part)) throw authError("INVALID_ARGUMENT", "Not a cursor of the user list");
  const inner = cursor.slice(bar + 1);
  return { part: part as Part, inner: inner === "" ? null : inner };
}

const tag = (part: Part, inner: string | null) => `${part}|${inner ?? ""}`;

/** Whether `user` passes `filter` (the same test the filter's index makes). */
function passes(user: Doc<"users">, filter: UserListFilter, now: number): boolean {
  switch (filter) {
    case "banned":
      return isBanned(user, now);
    case "unverified":
      return user.emailVerificationTime === undefined;
    case "has2fa":
      return user.hasSecondFactor === true;
  }
}

type UsersPage = { page: Doc<"users">[]; isDone: boolean; continueCursor: string };

/** Lists users (see the module docs). `INVALID_ARGUMENT` for a long search, a page size out of 1..200 or a foreign cursor. */
export async function listUsers(
  ctx: QueryCtx,
  args: { search?: string; filter?: UserListFilter; paginationOpts: PaginationOptions },
): Promise<UsersPage> {
  const { paginationOpts, filter } = args;
  const { numItems } = paginationOpts;
  if (!Number.isInteger(numItems) || numItems < 1 || numItems > MAX_USERS_PAGE) {
    throw authError("INVALID_ARGUMENT", `A page holds 1 to ${MAX_USERS_PAGE} users`);
  }
  if (args.search !== undefined && args.search.length > MAX_SEARCH_LENGTH) {
    throw authError("INVALID_ARGUMENT", `A search has at most ${MAX_SEARCH_LENGTH} characters`);
  }
  const search = args.search === undefined ? "" : normalizeSearchText(args.search);
  const cursor = parseCursor(paginationOpts.cursor);
  const end = parseCursor(paginationOpts.endCursor);
  const now = Date.now();

  const part: Part = cursor?.part ?? (search !== "" ? "email" : (filter ?? "all"));
  const expected = search !== "" ? ["email", "name"] : [filter ?? "all"];
  if (!expected.includes(part)) throw authError("INVALID_ARGUMENT", "This cursor is of another search or filter");
  const opts: PaginationOptions = {
    ...paginationOpts,
    cursor: cursor?.inner ?? null,
    endCursor: end !== null && end.part === part && end.inner !== null ? end.inner : undefined,
  };
  if (opts.endCursor === undefined) delete opts.endCursor;

  if (search === "") {
    const result = await paginate(byFilter(ctx, filter), opts);
    const page = filter === "banned" ? result.page.filter((user) => isBanned(user, now)) : result.page;
    return { page, isDone: result.isDone, continueCursor: tag(part, result.continueCursor) };
  }

  const field = part === "email" ? "email" : "nameKey";
  const result = await paginate(byPrefix(ctx, part === "email" ? "email" : "name", search), opts);
  let page = result.page;
  let isDone = result.isDone;
  // Only without a safe upper bound does the range run past the prefix: stop there.
  const past = page.findIndex((user) => !(user[field] ?? "").startsWith(search));
  if (past >= 0) {
    page = page.slice(0, past);
    isDone = true;
  }
  // Listed by the email part already.
  if (part === "name") page = page.filter((user) => !(user.email ?? "").startsWith(search));
  if (filter !== undefined) page = page.filter((user) => passes(user, filter, now));
  if (part === "email" && isDone) return { page, isDone: false, continueCursor: tag("name", null) };
  return { page, isDone, continueCursor: tag(part, result.continueCursor) };
}

/** The index range of a filter (or of every user), in its order. */
function byFilter(ctx: QueryCtx, filter: UserListFilter | undefined) {
  const users = ctx.db.query("users");
  switch (filter) {
    case undefined:
      return users.order("desc");
    case "banned":
      return users.withIndex("by_ban_time", (q) => q.gte("ban.time", 0)).order("desc");
    case "unverified":
      return users.withIndex("by_email_verification", (q) => q.eq("emailVerificationTime", undefined)).order("desc");
    case "has2fa":
      return users.withIndex("by_second_factor", (q) => q.eq("hasSecondFactor", true)).order("desc");
  }
}

/** The index range of the users whose email (or name key) starts with `prefix`. */
function byPrefix(ctx: QueryCtx, by: "email" | "name", prefix: string) {
  const upper = prefixEnd(prefix);
  const users = ctx.db.query("users");
  if (by === "email") {
    return users.withIndex("by_email", (q) => (upper === null ? q.gte("email", prefix) : q.gte("email", prefix).lt("email", upper)));
  }
  return users.withIndex("by_name_key", (q) => (upper === null ? q.gte("nameKey", prefix) : q.gte("nameKey", prefix).lt("nameKey", upper)));
}

/** `paginate`, with a cursor the index does not take turned into `INVALID_ARGUMENT`. */
async function paginate(
  query: { paginate(opts: PaginationOptions): Promise<PaginationResult<Doc<"users">>> },
  opts: PaginationOptions,
): Promise<PaginationResult<Doc<"users">>> {
  try {
    return await query.paginate(opts);
  } catch (error) {
    if (opts.cursor === null || error instanceof ConvexError) throw error;
    throw authError("INVALID_ARGUMENT", "Not a cursor of the user list");
  }
}
