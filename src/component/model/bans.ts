import type { Doc } from "../_generated/dataModel.js";

/** Whether `user` is banned now (`users.ban`; a ban past its `expirationTime` has lapsed). */
export function isBanned(user: Doc<"users">, now = Date.now()): boolean {
  return user.ban !== undefined && (user.ban.expirationTime === undefined || user.ban.expirationTime > now);
}
