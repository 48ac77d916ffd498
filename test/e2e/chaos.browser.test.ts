// @vitest-environment node
/**
 * "Never signed out by mistake", under chaos, in Chromium against the
 * embedded dev backend with the unmodified example UI and 15 s access
 * tokens (EXAMPLE_ACCESS_TOKEN_TTL_MS, example/convex/auth.ts):
 *
 * - user A: three tabs of one browser profile (one localStorage, one Web
 *   Locks lock manager: the client's default lock);
 * - user B: one tab of another profile without Web Locks (removed before
 *   the app loads), so the client takes its storage lock (storageLock.ts);
 * - user C: three tabs of a third profile, also on the storage lock, where
 *   that lock has tabs to race.
 *
 * For CHAOS_MS (default 150 s), seeded by CHAOS_SEED (printed; the same seed
 * gives the same plan, the timing is the machine's), every tab goes offline
 * for 1–20 s at random (Chromium's offline emulation, which refuses new
 * requests and connections, plus its open WebSocket dropped: the emulation
 * leaves an open socket open) and reloads every 10–25 s; A renames
 * themself from a random tab through "Your name"; and three refresh
 * responses are lost (the request reaches the server, which rotates; the
 * page gets a connection reset instead of the answer): one in A, retried at
 * once; one in B with the tab then offline for 12 s, so its retry comes
 * after the server's 10 s reuse window (the server's lost-response
 * re-rotation); one in A or C, also followed by 12 s offline, while the
 * profile's other tabs may send the same refresh token sooner.
 *
 * It fails on: a tab showing its user signed out (the "Sign up" tab) or the
 * stored tokens gone; any session ended on the server (`refresh_reuse` or
 * any other reason: nobody signs out here), read from the audit log through
 * the dev-only example/convex/chaosProbe.ts; a refresh answered with
 * `{ tokens: null }`; an offline tab whose page never showed the
 * disconnect; a rename not shown in every A tab within STALE_BOUND_MS of
 * the tab being online; and, once every tab is back online and quiet, tabs
 * of one profile on different stored tokens, a tab whose Convex client
 * uses another session than the stored one, or a devices list that is not
 * the one session marked "This device".
 *
 * Figures (refreshes, offline episodes, reloads, lost responses, false
 * sign-outs, reuse events, longest stale period) are printed; the full event
 * log goes to test-results/chaos/seed-<seed>.log.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import type { Page, Request, Route } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ChaosTab, instrument, planTab, seededRandom, sessionIdOf, type ChaosEvent, type Shown } from "./app/chaos.js";
import { startDevApp, type DevApp, type Device } from "./app/devApp.js";
import { card, signUpWithPassword, signedInCard } from "./app/pages.js";

const SEED = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : 20_240_611;
const CHAOS_MS = process.env.CHAOS_MS ? Number(process.env.CHAOS_MS) : 150_000;
const ACCESS_TOKEN_TTL_MS = 15_000;
/** A rename must show in every A tab within this long of the tab being online (measured on a loaded 2-core machine, with margin). */
const STALE_BOUND_MS = 10_000;
/** How long a tab stays offline after a lost response that should be retried late (past the server's 10 s reuse window). */
const LATE_RETRY_OFFLINE_MS = 12_000;
const PASSWORD = "correct horse battery";

let app: DevApp;
beforeAll(async () => {
  app = await startDevApp({ env: { EXAMPLE_ACCESS_TOKEN_TTL_MS: String(ACCESS_TOKEN_TTL_MS) } });
});
afterAll(async () => {
  await app?.stop();
});

type ProfileName = "A" | "B" | "C";
type LostPlan = { n: number; profile: ProfileName; offlineMs: number };
type Profile = {
  name: ProfileName;
  lock: "webLocks" | "storage";
  device: Device;
  tabs: ChaosTab[];
  email: string;
  /** The name every tab should show. */
  displayName: string;
  /** The session signed up at the start: the one it must still be at the end. */
  sessionId: string | null;
  /** Whether the page fetched the client's storage-lock chunk (it does only without Web Locks). */
  storageLockLoaded: boolean;
  refreshes: number;
  /** The next refresh response of this profile to lose. */
  lose: LostPlan | null;
};
type Episode = { tab: string; startedConnected: boolean; sawDisconnect: boolean; dropped: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

async function waitUntil(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

test(
  "three tabs of A (Web Locks), B and three tabs of C (storage lock) under offline periods, reloads, renames and lost refresh responses: never signed out, no reuse, one session each",
  async () => {
    const t0 = Date.now();
    const log: string[] = [];
    const note = (message: string) => log.push(`${((Date.now() - t0) / 1000).toFixed(2).padStart(7)}s ${message}`);
    console.log(`chaos: seed ${SEED} (CHAOS_SEED to replay), ${CHAOS_MS} ms of chaos (CHAOS_MS), access tokens ${ACCESS_TOKEN_TTL_MS} ms`);
    note(`seed ${SEED}, chaos ${CHAOS_MS} ms`);

    const figures = {
      refreshAttempts: 0,
      refreshesReachingServer: 0,
      refreshesAnswered: 0,
      refreshesRefused: 0,
      refreshesFailed: 0,
      lostResponses: 0,
      offlineEpisodes: 0,
      socketsDropped: 0,
      reloads: 0,
      renames: 0,
      falseSignOuts: 0,
      sessionEnds: 0,
      reuseEvents: 0,
      longestStaleMs: 0,
      longestStaleOnlineMs: 0,
    };
    const failures: string[] = [];
    const fail = (message: string) => {
      failures.push(message);
      note(`FAILURE: ${message}`);
    };

    const tabOfPage = new Map<Page, ChaosTab>();
    const profiles = new Map<ProfileName, Profile>();
    const episodes = new Map<ChaosTab, Episode>();
    const allEpisodes: Episode[] = [];
    /** The refresh tokens whose response was lost, and when a page sent one again. */
    const lostTokens = new Map<string, { n: number; at: number; retriedAfterMs: number | null }>();
    let armed = false;
    let inflight = 0;
    let lastRefreshActivity = Date.now();

    const onShown = (page: Page, shown: Shown) => {
      const tab = tabOfPage.get(page);
      if (!tab) return;
      const before = tab.shown;
      tab.shown = shown;
      if (before.badge !== shown.badge) note(`${tab.label} badge ${shown.badge}`);
      if (!armed) return;
      const signedOut = shown.signUp || !shown.tokens;
      if (signedOut && !(before.signUp || !before.tokens)) {
        figures.falseSignOuts++;
        fail(`${tab.label} signed out (${JSON.stringify(shown)}) while its session is alive`);
      }
      const episode = episodes.get(tab);
      if (episode && shown.badge !== null && shown.badge !== "Connected") episode.sawDisconnect = true;
    };

    const isRefresh = (request: Request): string | null => {
      // The one-call `refresh` mutation, or `signIn({ refreshToken })` on a server without it.
      if (request.method() !== "POST" || !/\/api\/(mutation|action)$/.test(request.url())) return null;
      try {
        const token = (request.postDataJSON() as { args?: { refreshToken?: unknown }[] }).args?.[0]?.refreshToken;
        return typeof token === "string" ? token : null;
      } catch {
        return null;
      }
    };

    /** Loses a refresh response (the server rotated, the page never hears), or lets the request through. */
    const onAction = async (profile: Profile, route: Route) => {
      const request = route.request();
      if (isRefresh(request) === null) return await route.continue();
      const tab = tabOfPage.get(request.frame().page());
      if (tab?.offline) return await route.abort("internetdisconnected");
      figures.refreshesReachingServer++;
      profile.refreshes++;
      const refreshToken = isRefresh(request)!;
      const retried = lostTokens.get(refreshToken);
      if (retried && retried.retriedAfterMs === null) {
        retried.retriedAfterMs = Date.now() - retried.at;
        note(`${tab?.label} retries lost response #${retried.n}'s refresh token after ${retried.retriedAfterMs} ms`);
      }
      const plan = profile.lose;
      // A late retry needs the tab offline right after; a tab busy reloading cannot be, so wait for another refresh.
      if (plan === null || tab === undefined || (plan.offlineMs > 0 && tab.busy)) return await route.continue();
      profile.lose = null;
      const response = await route.fetch({ timeout: 30_000 }).catch((error: Error) => error);
      const body = response instanceof Error ? null : ((await response.json().catch(() => null)) as { value?: { tokens?: unknown } } | null);
      if (body?.value?.tokens === null) {
        figures.refreshesRefused++;
        fail(`${tab.label}'s refresh was answered { tokens: null }: the server refused a live session's refresh token`);
      }
      if (!body?.value?.tokens) {
        // Not a rotation: try again with the next refresh.
        profile.lose = plan;
        note(`lost response #${plan.n} (${tab.label}): server did not rotate (${response instanceof Error ? response.message : JSON.stringify(body)}), re-armed`);
        return await route.abort("connectionreset");
      }
      figures.lostResponses++;
      lostTokens.set(refreshToken, { n: plan.n, at: Date.now(), retriedAfterMs: null });
      note(`lost response #${plan.n} (${tab.label}): the server rotated, the page gets a connection reset${plan.offlineMs ? `, then ${plan.offlineMs} ms offline` : ""}`);
      if (plan.offlineMs > 0) {
        let offline!: () => void;
        const wentOffline = new Promise<void>((resolve) => (offline = resolve));
        void tab.exclusive(async () => {
          const episode: Episode = { tab: tab.label, startedConnected: tab.shown.badge === "Connected", sawDisconnect: false, dropped: 0 };
          episodes.set(tab, episode);
          allEpisodes.push(episode);
          figures.offlineEpisodes++;
          episode.dropped = await tab.goOffline();
          figures.socketsDropped += episode.dropped;
          offline();
          note(`${tab.label} offline ${plan.offlineMs} ms (after lost response #${plan.n})`);
          await sleep(plan.offlineMs);
          await tab.goOnline();
          episodes.delete(tab);
          note(`${tab.label} online${episode.sawDisconnect ? "" : " (no disconnect shown)"}`);
        });
        await wentOffline;
      }
      await route.abort("connectionreset");
    };

    async function addTab(profile: Profile, page: Page, cdp: ChaosTab["cdp"]): Promise<ChaosTab> {
      const tab = new ChaosTab(`${profile.name}${profile.tabs.length + 1}`, profile.name, page, cdp);
      await cdp.send("Network.enable");
      tabOfPage.set(page, tab);
      profile.tabs.push(tab);
      return tab;
    }

    async function openProfile(name: ProfileName, lock: Profile["lock"], tabs: number): Promise<Profile> {
      const device = await app.device();
      const profile: Profile = {
        name,
        lock,
        device,
        tabs: [],
        email: `${name.toLowerCase()}@example.com`,
        displayName: { A: "Ann", B: "Bea", C: "Cy" }[name],
        sessionId: null,
        storageLockLoaded: false,
        refreshes: 0,
        lose: null,
      };
      profiles.set(name, profile);
      const { context } = device;
      context.on("request", (request) => {
        if (/\/assets\/storageLock[-.][^/]*\.js$/.test(request.url())) profile.storageLockLoaded = true;
        if (isRefresh(request) === null) return;
        figures.refreshAttempts++;
        inflight++;
        lastRefreshActivity = Date.now();
      });
      context.on("requestfailed", (request) => {
        if (isRefresh(request) === null) return;
        inflight--;
        lastRefreshActivity = Date.now();
        figures.refreshesFailed++;
        note(`${tabOfPage.get(request.frame().page())?.label ?? name} refresh failed: ${request.failure()?.errorText}`);
      });
      context.on("requestfinished", (request) => {
        if (isRefresh(request) === null) return;
        inflight--;
        lastRefreshActivity = Date.now();
        const label = tabOfPage.get(request.frame().page())?.label ?? name;
        void request
          .response()
          .then((response) => response?.json())
          .then((body: { status?: string; value?: { tokens?: unknown } } | undefined) => {
            if (body?.status === "success" && body.value?.tokens) {
              figures.refreshesAnswered++;
              note(`${label} refreshed`);
            } else if (body?.status === "success" && body.value?.tokens === null) {
              figures.refreshesRefused++;
              fail(`${label}'s refresh was answered { tokens: null }: the server refused a live session's refresh token`);
            } else {
              note(`${label} refresh answered ${JSON.stringify(body)}`);
            }
          })
          .catch(() => undefined);
      });
      await context.route((url) => url.href.startsWith(app.convexUrl) && /\/api\/(mutation|action)$/.test(url.pathname), (route) =>
        onAction(profile, route).catch((error: Error) => note(`${name}: route handler: ${error.message}`)),
      );
      await instrument(context, lock, onShown);
      const first = await addTab(profile, device.page, device.cdp);
      // The probe (and the removal of Web Locks) apply from this load on.
      await first.page.reload();
      await signUpWithPassword(first.page, { email: profile.email, password: PASSWORD, name: profile.displayName });
      await expect.poll(() => signedInCard(first.page).innerText(), { timeout: 20_000 }).toContain(profile.email);
      for (let i = 1; i < tabs; i++) {
        const page = await context.newPage();
        await addTab(profile, page, await context.newCDPSession(page));
        await page.goto(`${app.appUrl}/#/account`);
        await expect.poll(() => signedInCard(page).innerText(), { timeout: 20_000 }).toContain(profile.email);
      }
      const stored = await first.storedTokens();
      profile.sessionId = sessionIdOf(stored ? (JSON.parse(stored) as { token: string }).token : null);
      expect(profile.sessionId).toBeTruthy();
      // The lock the client took: Web Locks in A, the storage lock (its chunk fetched) without them.
      const hasWebLocks = await first.page.evaluate("typeof navigator.locks?.request === 'function'");
      expect(hasWebLocks).toBe(lock === "webLocks");
      if (lock === "storage") await expect.poll(() => profile.storageLockLoaded, { timeout: 10_000 }).toBe(true);
      else expect(profile.storageLockLoaded).toBe(false);
      note(`${name}: ${tabs} tab(s), ${lock} lock, session ${profile.sessionId}`);
      return profile;
    }

    const A = await openProfile("A", "webLocks", 3);
    const B = await openProfile("B", "storage", 1);
    const C = await openProfile("C", "storage", 3);
    const everyTab = [...A.tabs, ...B.tabs, ...C.tabs];

    // The plan: each tab's chaos, the lost responses, the renames, all from the seed.
    const random = seededRandom(SEED);
    const plans = new Map<ChaosTab, ChaosEvent[]>(everyTab.map((tab) => [tab, planTab(random, CHAOS_MS)]));
    const lostPlans: (LostPlan & { at: number })[] = [
      // A (Web Locks), retried at once, inside the reuse window.
      { n: 1, at: CHAOS_MS * 0.2, profile: "A", offlineMs: 0 },
      // B (one tab): retried only after 12 s offline, past the window: the server's lost-response re-rotation.
      { n: 2, at: CHAOS_MS * 0.45, profile: "B", offlineMs: LATE_RETRY_OFFLINE_MS },
      // A or C, late too, while the profile's other tabs go on refreshing.
      { n: 3, at: CHAOS_MS * 0.7, profile: random.pick(["A", "C"] as const), offlineMs: LATE_RETRY_OFFLINE_MS },
    ];
    const renameRandom = seededRandom(SEED ^ 0x5bd1e995);
    // The longest time the plan has every A tab offline at once (then no A tab refreshes: the stored tokens age).
    const allAOffline = (() => {
      let longest = 0;
      for (let at = 0; at < CHAOS_MS; at += 100) {
        let run = 0;
        while (at + run < CHAOS_MS && A.tabs.every((tab) => plans.get(tab)!.some((e) => e.kind === "offline" && e.at <= at + run && at + run < e.at + e.ms))) run += 100;
        longest = Math.max(longest, run);
        at += run;
      }
      return longest;
    })();
    note(`plan: every A tab offline at once for at most ${allAOffline} ms`);
    for (const [tab, plan] of plans) {
      const offline = plan.filter((event) => event.kind === "offline");
      note(`plan ${tab.label}: ${offline.length} offline (${offline.map((event) => event.ms).join(", ")} ms), ${plan.length - offline.length} reloads`);
    }

    // Chaos.
    const chaosStart = Date.now();
    let stopAt = chaosStart + CHAOS_MS;
    const stopSoon = () => (stopAt = Math.min(stopAt, Date.now() + 2_000));
    armed = true;
    let offlineShot = false;

    const runTab = async (tab: ChaosTab, plan: ChaosEvent[]) => {
      for (const event of plan) {
        await sleep(chaosStart + event.at - Date.now());
        if (Date.now() >= stopAt) return;
        await tab.exclusive(async () => {
          if (Date.now() >= stopAt) return;
          if (event.kind === "reload") {
            figures.reloads++;
            note(`${tab.label} reload`);
            await tab.reload();
            return;
          }
          const until = Math.min(Date.now() + event.ms, stopAt);
          const episode: Episode = { tab: tab.label, startedConnected: tab.shown.badge === "Connected", sawDisconnect: false, dropped: 0 };
          episodes.set(tab, episode);
          allEpisodes.push(episode);
          figures.offlineEpisodes++;
          episode.dropped = await tab.goOffline();
          figures.socketsDropped += episode.dropped;
          note(`${tab.label} offline ${until - Date.now()} ms (${episode.dropped} socket(s) dropped)`);
          if (!offlineShot && tab.profile === "A" && until - Date.now() > 3_000) {
            offlineShot = true;
            await sleep(1_500);
            await app.screenshot(tab.page, "chaos-account-offline");
          }
          await sleep(until - Date.now());
          await tab.goOnline();
          episodes.delete(tab);
          note(`${tab.label} online${episode.sawDisconnect ? "" : " (no disconnect shown)"}`);
        });
      }
    };

    const runLost = async () => {
      for (const plan of lostPlans) {
        await sleep(chaosStart + plan.at - Date.now());
        if (Date.now() >= stopAt) return;
        profiles.get(plan.profile)!.lose = plan;
        note(`lost response #${plan.n} armed for ${plan.profile}`);
      }
    };

    /** A renames themself in a random tab; every A tab must show it within the bound of being online. */
    const runRenames = async () => {
      for (let k = 1; ; k++) {
        await sleep(renameRandom.int(5_000, 15_000));
        if (Date.now() > stopAt - 10_000) return;
        const tab = renameRandom.pick(A.tabs);
        const name = `Ann ${k}`;
        const resolvedAt = await tab.exclusive(async () => {
          await waitUntil(`${tab.label} connected and signed in`, () => tab.shown.badge === "Connected" && tab.shown.name !== null, 30_000);
          const form = card(tab.page, "Your name");
          await form.getByLabel("Name").fill(name);
          await form.getByRole("button", { name: "Rename" }).click();
          await form.getByRole("button", { name: "Rename" }).waitFor({ timeout: 30_000 });
          await expect.poll(() => form.getByRole("status").innerText(), { timeout: 5_000 }).toBe("Saved.");
          return Date.now();
        });
        figures.renames++;
        A.displayName = name;
        note(`rename to "${name}" in ${tab.label} resolved`);
        const shownAt = new Map<ChaosTab, number>();
        const late = new Set<ChaosTab>();
        let staleOnline = 0;
        for (;;) {
          const now = Date.now();
          for (const other of A.tabs) {
            if (shownAt.has(other)) continue;
            const onlineFrom = Math.max(resolvedAt, other.onlineSince);
            if (other.shown.name === name) {
              shownAt.set(other, now);
              staleOnline = Math.max(staleOnline, now - onlineFrom);
            } else if (!other.offline && now - onlineFrom > STALE_BOUND_MS && !late.has(other)) {
              late.add(other);
              fail(`${other.label} did not show the rename to "${name}" within ${STALE_BOUND_MS} ms of being online (it shows "${other.shown.name}", badge ${other.shown.badge})`);
            }
          }
          if (shownAt.size === A.tabs.length || now - resolvedAt > 120_000) break;
          await sleep(100);
        }
        const stale = Math.max(0, ...[...shownAt.values()].map((at) => at - resolvedAt));
        figures.longestStaleMs = Math.max(figures.longestStaleMs, stale);
        figures.longestStaleOnlineMs = Math.max(figures.longestStaleOnlineMs, staleOnline);
        note(`rename to "${name}" shown in every A tab: stale ${stale} ms (${staleOnline} ms online)`);
      }
    };

    // Session ends on the server, as the audit log records them (none are expected: nobody signs out).
    const probe = new ConvexHttpClient(app.convexUrl);
    const sessionEnds = makeFunctionReference<"query", { since: number }, { time: number; userId: string | null; sessionId: string | null; reason: string | null }[]>(
      "chaosProbe:sessionEnds",
    );
    const seenEnds = new Set<string>();
    const checkEnds = async () => {
      const ends = await probe.query(sessionEnds, { since: t0 });
      for (const end of ends) {
        const key = `${end.sessionId}@${end.time}`;
        if (seenEnds.has(key)) continue;
        seenEnds.add(key);
        figures.sessionEnds++;
        if (end.reason === "refresh_reuse") figures.reuseEvents++;
        const owner = [...profiles.values()].find((profile) => profile.sessionId === end.sessionId)?.name ?? "?";
        fail(`session ${end.sessionId} (user ${owner}) ended on the server: ${end.reason}`);
        stopSoon();
      }
    };
    const runProbe = async () => {
      while (Date.now() < stopAt) {
        await sleep(3_000);
        await checkEnds().catch((error: Error) => note(`probe failed: ${error.message}`));
      }
    };
    const watchSignOuts = async () => {
      while (Date.now() < stopAt) {
        if (figures.falseSignOuts > 0) stopSoon();
        await sleep(250);
      }
    };

    /** A chaos loop that throws (a tab that never connects, a rename that never resolves) fails the test and ends the chaos. */
    const guard = (what: string, loop: Promise<void>) =>
      loop.catch((error: Error) => {
        fail(`${what}: ${error.message}`);
        stopSoon();
      });
    const chaos = Promise.all([
      ...everyTab.map((tab) => guard(`${tab.label}'s chaos`, runTab(tab, plans.get(tab)!))),
      guard("the lost responses", runLost()),
      guard("the renames", runRenames()),
      guard("the session probe", runProbe()),
      guard("the sign-out watch", watchSignOuts()),
    ]);
    try {
      await chaos;
      // The chaos is over: every tab online, connected, signed in, with its user's latest name.
      for (const tab of everyTab) await tab.exclusive(async () => (tab.offline ? await tab.goOnline() : undefined));
      note("chaos over: every tab online");
      for (const tab of everyTab) {
        const profile = profiles.get(tab.profile as ProfileName)!;
        await waitUntil(
          `${tab.label} connected and showing "${profile.displayName}"`,
          () => tab.shown.badge === "Connected" && tab.shown.name === profile.displayName,
          30_000,
        ).catch((error: Error) => fail(`${error.message} (shows ${JSON.stringify(tab.shown)})`));
      }
      // Quiet: no refresh in flight for 2 s.
      await waitUntil("no refresh in flight", () => inflight <= 0 && Date.now() - lastRefreshActivity > 2_000, 30_000).catch((error: Error) =>
        note(error.message),
      );
      await checkEnds();

      // One stored token per profile; every tab's Convex client on the stored session, the one it signed up with.
      for (const profile of profiles.values()) {
        const stored = await Promise.all(profile.tabs.map((tab) => tab.storedTokens()));
        const parsed = stored[0] ? (JSON.parse(stored[0]) as { token: string; refreshToken: string }) : null;
        if (stored.some((raw) => raw !== stored[0]) || parsed === null) fail(`${profile.name}'s tabs read different (or no) stored tokens`);
        if (sessionIdOf(parsed?.token) !== profile.sessionId) fail(`${profile.name}'s stored session is ${sessionIdOf(parsed?.token)}, not ${profile.sessionId}`);
        for (const tab of profile.tabs) {
          const inMemory = sessionIdOf(await tab.lastAuth());
          if (inMemory !== profile.sessionId) fail(`${tab.label}'s Convex client authenticates as session ${inMemory}, not ${profile.sessionId}`);
          // The devices list: the one session, marked "This device", in every tab.
          const devices = card(tab.page, "Your devices").getByRole("listitem");
          await expect
            .poll(async () => `${await devices.count()} ${await devices.first().innerText()}`, { timeout: 15_000 })
            .toMatch(/^1 [\s\S]*This device/)
            .catch(() => fail(`${tab.label}'s devices list is not the one session marked "This device"`));
        }
        note(`${profile.name}: ${profile.tabs.length} tab(s) on session ${profile.sessionId}, refresh token …${parsed?.refreshToken.slice(-6)}`);
      }
      await app.screenshot(A.tabs[0].page, "chaos-account-a-end");
      await app.screenshot(B.tabs[0].page, "chaos-account-b-storage-lock-end");
    } finally {
      stopAt = 0;
      await chaos.catch(() => undefined);
      figures.reloads = everyTab.reduce((sum, tab) => sum + tab.reloads, 0);
      const unseen = allEpisodes.filter((episode) => episode.startedConnected && !episode.sawDisconnect);
      for (const episode of unseen) fail(`${episode.tab} went offline while connected, but its page never showed the disconnect`);
      const perProfile = [...profiles.values()].map((profile) => `${profile.name} ${profile.refreshes}`).join(", ");
      const summary = [
        `chaos figures (seed ${SEED}, ${CHAOS_MS} ms, ${everyTab.length} tabs):`,
        `  refreshes reaching the server: ${figures.refreshesReachingServer} (${perProfile}); answered ${figures.refreshesAnswered}, refused ${figures.refreshesRefused}; attempts ${figures.refreshAttempts}, failed (offline, lost) ${figures.refreshesFailed}`,
        `  offline episodes: ${figures.offlineEpisodes} (planned: every A tab offline at once for at most ${allAOffline} ms) (${figures.socketsDropped} sockets dropped; ${allEpisodes.filter((e) => e.sawDisconnect).length}/${allEpisodes.length} showed "Reconnecting…")`,
        `  reloads: ${figures.reloads}`,
        `  lost refresh responses: ${figures.lostResponses} (the same refresh token sent again after ${[...lostTokens.values()].map((lost) => (lost.retriedAfterMs === null ? "never" : `${lost.retriedAfterMs} ms`)).join(", ")}; the server's reuse window is 10 s)`,
        `  renames: ${figures.renames}; longest stale period ${figures.longestStaleMs} ms (${figures.longestStaleOnlineMs} ms of it online; bound ${STALE_BOUND_MS} ms)`,
        `  false sign-outs: ${figures.falseSignOuts}`,
        `  sessions ended on the server: ${figures.sessionEnds}; refresh_reuse: ${figures.reuseEvents}`,
      ].join("\n");
      console.log(summary);
      const logDir = path.join(fileURLToPath(new URL("../..", import.meta.url)), "test-results/chaos");
      fs.mkdirSync(logDir, { recursive: true });
      fs.writeFileSync(path.join(logDir, `seed-${SEED}.log`), `${summary}\n\n${log.join("\n")}\n`);
      if (failures.length > 0) console.log(`chaos log (last 150 lines; full log in test-results/chaos/seed-${SEED}.log):\n${log.slice(-150).join("\n")}`);
    }

    expect(failures).toEqual([]);
    expect(figures.falseSignOuts).toBe(0);
    expect(figures.reuseEvents).toBe(0);
    expect(figures.lostResponses).toBeGreaterThanOrEqual(2);
    expect(figures.offlineEpisodes).toBeGreaterThan(0);
    expect(figures.reloads).toBeGreaterThan(0);
    expect(figures.renames).toBeGreaterThan(0);
  },
  CHAOS_MS + 240_000,
);
