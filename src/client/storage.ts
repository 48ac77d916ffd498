/**
 * Where the client keeps its tokens. `localStorage` by default; any
 * async key-value store (React Native's AsyncStorage, a test double) fits.
 */

/** A key-value store. Methods may be sync or async. */
export interface TokenStorage {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
  /**
   * Optional: calls `listener` when another tab changes a key, so sign-in and
   * sign-out propagate. The localStorage adapter uses the `storage` event.
   */
  subscribe?(listener: (key: string | null) => void): () => void;
}

/**
 * `localStorage` with cross-tab change events, or `undefined` where there is
 * none (then `AuthClient` keeps tokens in memory).
 */
export function browserStorage(): TokenStorage | undefined {
  try {
    const store = window.localStorage;
    if (store) {
      return {
        getItem: (key) => store.getItem(key),
        setItem: (key, value) => store.setItem(key, value),
        removeItem: (key) => store.removeItem(key),
        subscribe(listener) {
          const onStorage = (event: StorageEvent) => {
            if (event.storageArea === store || event.storageArea === null) listener(event.key);
          };
          window.addEventListener("storage", onStorage);
          return () => window.removeEventListener("storage", onStorage);
        },
      };
    }
  } catch {
    // No page, or storage refused (a privacy setting): none.
  }
}

/**
 * An in-memory store. Every subscriber hears every change, as tabs sharing
 * one origin would; used when no persistent storage exists, and in tests.
 */
export function memoryStorage(): TokenStorage {
  const items = new Map<string, string>();
  const listeners = new Set<(key: string | null) => void>();
  const changed = (key: string) => {
    for (const listener of [...listeners]) listener(key);
  };
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem(key, value) {
      items.set(key, value);
      changed(key);
    },
    removeItem(key) {
      items.delete(key);
      changed(key);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
