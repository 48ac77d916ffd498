import type { TokenStorage } from "./storage.js";

/** Runs `task` while no other tab (or caller) of this origin runs under `name`. */
export type Lock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

type LockManagerLike = { request<T>(name: string, callback: () => Promise<T>): Promise<T> };

/**
 * The Web Locks API where the browser has it; otherwise a lock kept in
 * `storage` (an owner id with an expiry of `ttlMs`, 10 s by default,
 * re-checked after writing). The storage lock is best effort: the server's
 * refresh reuse window covers a rare race. Its code (`storageLock.ts`) is
 * fetched here, ahead of the first refresh, only where there are no Web
 * Locks; should that fail (offline, a redeployed app), tasks run unlocked,
 * which that window covers too.
 */
export function crossTabLock(storage: TokenStorage, ttlMs?: number): Lock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks?.request) return (name, task) => locks.request(name, task);
  const loading: Promise<Lock> = import("./storageLock.js").then(
    (module) => module.storageLock(storage, ttlMs),
    () => (_name, task) => task(),
  );
  return async (name, task) => (await loading)(name, task);
}
