import type { TokenStorage } from "./storage.js";

/** Runs `task` while no other tab (or caller) of this origin runs under `name`. */
export type Lock = <T>(name: string, task: () => Promise<T>) => Promise<T>;

type LockManagerLike = { request<T>(name: string, callback: () => Promise<T>): Promise<T> };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Web Locks API where the browser has it; otherwise a lock kept in
 * `storage` (an owner id with an expiry, re-checked after writing). The
 * storage lock is best effort: the server's refresh reuse window covers a
 * rare race.
 */
export function crossTabLock(storage: TokenStorage, ttlMs = 10_000): Lock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks?.request) return (name, task) => locks.request(name, task);
  return async (name, task) => {
    const key = `${name}:lock`;
    const me = Math.random().toString(36).slice(2);
    for (;;) {
      const held = await storage.getItem(key);
      if (!held || Number(held.split("@")[1]) < Date.now()) {
        await storage.setItem(key, `${me}@${Date.now() + ttlMs}`);
        await sleep(0);
        if ((await storage.getItem(key))?.startsWith(`${me}@`)) break;
      }
      await sleep(25);
    }
    try {
      return await task();
    } finally {
      await storage.removeItem(key);
    }
  };
}
