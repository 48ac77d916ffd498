/**
 * The session watch of a signed-in provider: subscribes to the
 * `sessionState` query and reports a session the server ended to
 * `AuthClient.sessionEnded`, which signs out only if it is the current one.
 * Fetched by the provider once signed in, after the first render; imports
 * nothing of the entry at run time, so that it stays one chunk.
 */
import type { ConvexReactClient, Watch } from "convex/react";
import type { AuthClient } from "../authClient.js";
import type { SessionState } from "../protocol.js";
import type { Named } from "../transport.js";

/**
 * The clients whose watch has warned: a client warns once, however often
 * it signs in again (each sign-in watches anew).
 */
const warned = new WeakSet<AuthClient>();

/**
 * Subscribes to the query `name` (`auth:sessionState` by default) and
 * reports `{ live: false }` to `auth.sessionEnded`; returns the
 * unsubscriber. A failing query (most likely not exported) warns once per
 * client (`sessionWarning.ts`, fetched then).
 */
export function watchSession(auth: AuthClient, client: ConvexReactClient, name = "auth:sessionState"): (() => void) | undefined {
  let watch: Watch<SessionState> | undefined;
  const check = () => {
    try {
      // The name itself: Convex's clients take it (see `Named` in transport.ts).
      watch ??= client.watchQuery(name as unknown as Named<"query", Record<string, never>, SessionState>, {});
      const state = watch.localQueryResult();
      if (state?.live === false && typeof state.sessionId === "string") {
        auth.sessionEnded(state.sessionId).catch(() => undefined);
      }
    } catch (error) {
      // Most likely the app does not export the query (the warning's text is fetched only then).
      if (!warned.has(auth)) {
        import("./sessionWarning.js").then((module) => module.warnSessionWatch(name, error), () => undefined);
      }
      warned.add(auth);
    }
  };
  check();
  return watch?.onUpdate(check);
}
