/**
 * The cross-tab lock where the browser has no Web Locks (and in React
 * Native): loaded only there, by `crossTabLock`.
 */
import type { Lock } from "./lock.js";
import type { TokenStorage } from "./storage.js";

/** Resolves after `ms`. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lock kept in `storage`: an owner id with an expiry (`ttlMs` from taking
 * it, 10 s by default), re-checked after writing. Best effort: the server's
 * refresh reuse window covers a rare race.
 */
export function storageLock(storage: TokenStorage, ttlMs = 10_000): Lock {
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
