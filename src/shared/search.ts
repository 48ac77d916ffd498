/**
 * Searching users by a prefix of their email or name (the admin user list).
 * Text is compared normalised the way emails are stored (`normalizeEmail`
 * in email.ts: trimmed, lower case), so `Ada`, ` ada` and `ADA` find the
 * same users.
 */

/** Longest search text accepted: the longest email address (names are shorter). */
export const MAX_SEARCH_LENGTH = 320;

/** `text` trimmed and in lower case, as emails are stored and names are keyed for search. */
export function normalizeSearchText(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * The smallest string greater than every string starting with `prefix`
 * (its last character moved one code point on), for a half-open index range
 * `[prefix, prefixEnd(prefix))`. `null` when there is none that is safe in
 * every string ordering (a prefix ending in a surrogate or in U+FFFF): then
 * the range is `[prefix, ...)` and the caller stops at the first string
 * without the prefix.
 */
export function prefixEnd(prefix: string): string | null {
  const chars = [...prefix];
  const last = chars.pop();
  if (last === undefined) return null;
  const code = last.codePointAt(0)!;
  if (code >= 0xd7ff && code <= 0xdfff) return null;
  if (code >= 0xffff) return null;
  return chars.join("") + String.fromCodePoint(code + 1);
}
