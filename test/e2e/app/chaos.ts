/**
 * The parts of the browser chaos test (test/e2e/chaos.browser.test.ts): a
 * seeded random source, the plan of each tab's chaos, the probe every page
 * of a chaos profile runs (what the page shows, its WebSocket), and a tab
 * that goes offline, reloads and reports what it shows.
 *
 * The probe is instrumentation, not part of the app: it watches the page
 * (the "Sign up" tab, the connection badge, the "Signed in" card's name,
 * whether localStorage holds the client's tokens) and keeps the page's
 * WebSockets, so that "offline" can also drop the open socket: Chromium's
 * offline emulation (`Network.emulateNetworkConditions`) refuses new
 * connections and requests but leaves an open WebSocket open, and holds
 * back the frames of a close handshake, so closing the socket offline is
 * heard only once back online. A dropped socket is closed and the page
 * hears the abnormal closure (1006) at once, as it would once a dead
 * network is detected; the real socket's later events are swallowed.
 */
import type { BrowserContext, CDPSession, Page } from "playwright-core";

/** A seeded random source (mulberry32): the same seed gives the same plan. */
export type Random = {
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
};

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** One planned chaos event of a tab, `at` ms after the chaos starts. */
export type ChaosEvent = { at: number; kind: "offline"; ms: number } | { at: number; kind: "reload" };

/**
 * A tab's chaos for `chaosMs`: reloads 10–25 s apart, offline periods of
 * 1–20 s with 5–25 s online between them; a reload never falls inside an
 * offline period (a page reloaded offline is the browser's error page, not
 * the app).
 */
export function planTab(random: Random, chaosMs: number): ChaosEvent[] {
  const events: ChaosEvent[] = [];
  let nextReload = random.int(10_000, 25_000);
  let nextOffline = random.int(2_000, 15_000);
  for (;;) {
    const at = Math.min(nextReload, nextOffline);
    if (at >= chaosMs) return events;
    if (nextOffline <= nextReload) {
      const ms = Math.min(random.int(1_000, 20_000), chaosMs - at);
      events.push({ at, kind: "offline", ms });
      const end = at + ms;
      nextOffline = end + random.int(5_000, 25_000);
      if (nextReload < end + 1_000) nextReload = end + random.int(1_000, 4_000);
    } else {
      events.push({ at, kind: "reload" });
      nextReload = at + random.int(10_000, 25_000);
      if (nextOffline < at + 2_000) nextOffline = at + random.int(2_000, 5_000);
    }
  }
}

/** What a page shows, as its probe reports it (on every change). */
export type Shown = {
  /** The Account page's "Sign up" tab is there: the page shows the user signed out. */
  signUp: boolean;
  /** localStorage holds the client's tokens (`convexAuth:<deployment>:tokens`). */
  tokens: boolean;
  /** The connection badge: "Connected", "Reconnecting…", ... (null before the app renders). */
  badge: string | null;
  /** The name in the "Signed in" card, or null when the card is not shown. */
  name: string | null;
};

/**
 * Runs in every page of a chaos profile before the app: keeps its
 * WebSockets (`__chaos.drop()` closes them; `__chaos.lastAuth()` is the
 * last access token the page's Convex client sent on one) and reports what
 * the page shows to `__chaosReport` (a binding) whenever it changes.
 */
const PAGE_PROBE = `(() => {
  if (window.__chaos) return;
  const Native = window.WebSocket;
  const sockets = new Set();
  let lastAuth = null;
  class ChaosWebSocket extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.dropped = false;
      sockets.add(this);
      // Registered before the app's handlers: once dropped, the real socket's late events are not the app's.
      for (const type of ["open", "message", "error", "close"]) {
        this.addEventListener(type, (event) => {
          if (this.dropped && event.isTrusted) event.stopImmediatePropagation();
        });
      }
      this.addEventListener("close", () => sockets.delete(this));
    }
    /** The connection died: the page hears an abnormal closure (1006) now, as after a dead network. */
    drop() {
      if (this.dropped) return;
      this.dropped = true;
      sockets.delete(this);
      try {
        this.close(4000, "chaos: connection dropped");
      } catch {}
      this.dispatchEvent(new CloseEvent("close", { code: 1006, reason: "", wasClean: false }));
    }
    send(data) {
      if (typeof data === "string" && data.includes('"Authenticate"')) {
        try {
          const message = JSON.parse(data);
          if (message.type === "Authenticate") lastAuth = message.tokenType === "User" ? message.value : null;
        } catch {}
      }
      return super.send(data);
    }
  }
  window.WebSocket = ChaosWebSocket;
  window.__chaos = {
    drop() {
      const open = [...sockets];
      for (const socket of open) socket.drop();
      return open.length;
    },
    lastAuth: () => lastAuth,
  };
  const shown = () => {
    const tabs = [...document.querySelectorAll('[role="tab"]')].map((tab) => tab.textContent.trim());
    const badge = document.querySelector(".topbar .status");
    let name = null;
    for (const heading of document.querySelectorAll("section h2")) {
      if (heading.textContent.trim() !== "Signed in") continue;
      for (const term of heading.closest("section").querySelectorAll("dt")) {
        if (term.textContent.trim() === "Name") name = term.nextElementSibling ? term.nextElementSibling.textContent : null;
      }
    }
    let tokens = false;
    for (let i = 0; i < localStorage.length; i++) {
      if (/^convexAuth:.*:tokens$/.test(localStorage.key(i) || "")) tokens = true;
    }
    return {
      signUp: tabs.includes("Sign up"),
      tokens,
      badge: badge && badge.firstChild ? badge.firstChild.textContent.trim() : null,
      name,
    };
  };
  let last = "";
  setInterval(() => {
    const now = shown();
    const json = JSON.stringify(now);
    if (json === last || typeof window.__chaosReport !== "function") return;
    last = json;
    window.__chaosReport(now).catch(() => {});
  }, 100);
})();`;

/** Removes the Web Locks API before the app loads, so the client falls back to its storage lock. */
const NO_WEB_LOCKS = `Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined, configurable: true });`;

/** Puts the probe (and, for `lock: "storage"`, the removal of Web Locks) in every page of `context`. */
export async function instrument(
  context: BrowserContext,
  lock: "webLocks" | "storage",
  onShown: (page: Page, shown: Shown) => void,
): Promise<void> {
  await context.exposeBinding("__chaosReport", ({ page }, shown: Shown) => onShown(page, shown));
  if (lock === "storage") await context.addInitScript({ content: NO_WEB_LOCKS });
  await context.addInitScript({ content: PAGE_PROBE });
}

const ONLINE = { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
const OFFLINE = { ...ONLINE, offline: true };

/** One tab of a chaos profile. */
export class ChaosTab {
  shown: Shown = { signUp: false, tokens: false, badge: null, name: null };
  offline = false;
  /** When it last came online (or was opened). */
  onlineSince = Date.now();
  offlineEpisodes = 0;
  reloads = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = false;

  constructor(
    readonly label: string,
    readonly profile: string,
    readonly page: Page,
    readonly cdp: CDPSession,
  ) {}

  /** Runs `task` after this tab's other chaos (one thing at a time per tab). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      this.#busy = true;
      try {
        return await task();
      } finally {
        this.#busy = false;
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** Cuts the tab off: no requests, no new connections, and its open WebSocket dropped. Resolves to the sockets dropped. */
  async goOffline(): Promise<number> {
    this.offline = true;
    this.offlineEpisodes++;
    await this.cdp.send("Network.emulateNetworkConditions", OFFLINE);
    return Number(await this.page.evaluate("window.__chaos ? window.__chaos.drop() : 0").catch(() => 0));
  }

  async goOnline(): Promise<void> {
    await this.cdp.send("Network.emulateNetworkConditions", ONLINE);
    this.offline = false;
    this.onlineSince = Date.now();
  }

  async reload(): Promise<void> {
    this.reloads++;
    await this.page.reload({ waitUntil: "load", timeout: 30_000 });
  }

  /** The access token the page's Convex client last sent on its WebSocket (its in-memory view). */
  async lastAuth(): Promise<string | null> {
    return (await this.page.evaluate("window.__chaos ? window.__chaos.lastAuth() : null")) as string | null;
  }

  /** The client's stored tokens (raw JSON), as this tab reads localStorage. */
  async storedTokens(): Promise<string | null> {
    return (await this.page.evaluate(
      `(() => { for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i); if (/^convexAuth:.*:tokens$/.test(k)) return localStorage.getItem(k); } return null; })()`,
    )) as string | null;
  }
}

/** The claims of a JWT (not verified), or null. */
export function claimsOf(token: string | null | undefined): { sub?: string; exp?: number; iat?: number } | null {
  try {
    return JSON.parse(Buffer.from(token!.split(".")[1], "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

/** The session id of an access token (`sub` = `userId|sessionId`), or null. */
export function sessionIdOf(token: string | null | undefined): string | null {
  return claimsOf(token)?.sub?.split("|")[1] ?? null;
}
