/**
 * Convex's sync protocol over WebSocket, as `ConvexReactClient` speaks it
 * (convex/src/browser/sync/protocol.ts). What the client relies on:
 * - Each connection's Transitions go out strictly in order: a Transition's
 *   `startVersion` is the previous one's `endVersion` (query set, identity, ts).
 * - A mutation's promise settles once a Transition reaches the mutation's
 *   `ts`, so the caller gets one after every mutation, changed or not.
 * - A new identity is confirmed by a Transition whose identity version goes
 *   up; a refused token gets an AuthError carrying `baseVersion` and the
 *   socket is closed, after which the client fetches a token and reconnects.
 * - Timestamps are u64, little-endian, base64. A Ping at least every 60 s.
 * Every message of a connection is handled in arrival order (so a mutation
 * waits for an Authenticate before it); an action waits for what came before
 * it and then runs beside later messages, as on a deployment.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage } from "node:http";
import type { JSONValue } from "convex/values";
import type { WebSocket } from "ws";
import type { Caller, Deployment, Outcome } from "./functions.js";
import { clientOf } from "./http.js";
import type { Verified } from "./identity.js";

type Version = { querySet: number; identity: number; ts: bigint };
type Query = { udfPath: string; args: JSONValue; sent?: string };
type ClientMessage =
  | { type: "Connect"; sessionId: string }
  | {
      type: "ModifyQuerySet";
      baseVersion: number;
      newVersion: number;
      modifications: ({ type: "Add"; queryId: number; udfPath: string; args: JSONValue[] } | { type: "Remove"; queryId: number })[];
    }
  | { type: "Authenticate"; baseVersion: number; tokenType: "User" | "Admin" | "None"; value?: string }
  | { type: "Mutation" | "Action"; requestId: number; udfPath: string; args: JSONValue[] }
  | { type: "Event" };

const PING_MS = 30_000;
// Captured before convex-test replaces timer globals inside functions.
const realSetTimeout = globalThis.setTimeout.bind(globalThis);
// `written` is called from inside a function, whose async context (convex-test's
// component, identity and override stores) must not leak into what it starts.
const outsideFunctions = AsyncLocalStorage.snapshot();

/** A u64 timestamp on the wire. */
function u64(n: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(n);
  return bytes.toString("base64");
}
const wireVersion = (v: Version) => ({ querySet: v.querySet, identity: v.identity, ts: u64(v.ts) });

export function syncServer(deployment: Deployment, verify: (token: string) => Promise<Verified>, log: (line: string) => void) {
  const connections = new Set<Connection>();
  /** Bumped by every finished mutation or action: the "commit timestamp" clients see. */
  let ts = 1n;
  let broadcastQueued = false;

  class Connection {
    private version: Version = { querySet: 0, identity: 0, ts: 0n };
    private readonly queries = new Map<number, Query>();
    private caller: Caller;
    private chain: Promise<void> = Promise.resolve();
    private expiry: ReturnType<typeof setTimeout> | undefined;

    constructor(
      private readonly socket: WebSocket,
      request: IncomingMessage,
    ) {
      this.caller = { identity: null, ...clientOf(request) };
      socket.on("message", (data) => this.receive(String(data)));
      socket.on("close", () => this.close());
    }

    private send(message: Record<string, unknown>): void {
      if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
    }

    /** Runs `step` after everything queued before it. */
    enqueue(step: () => Promise<void>): Promise<void> {
      const next = this.chain.then(step).catch((error: unknown) => {
        log(`sync: ${(error as Error).stack ?? String(error)}`);
        this.send({ type: "FatalError", error: `dev backend: ${(error as Error).message}` });
        this.socket.close();
      });
      this.chain = next;
      return next;
    }

    private receive(text: string): void {
      let message: ClientMessage;
      try {
        message = JSON.parse(text) as ClientMessage;
      } catch {
        this.send({ type: "FatalError", error: "malformed message" });
        this.socket.close();
        return;
      }
      if (message.type === "Action") {
        const { requestId, udfPath, args } = message;
        // Waits for earlier messages (e.g. Authenticate), then runs beside later ones.
        const before = this.chain;
        void before.then(async () => {
          const outcome = await deployment.call("action", udfPath, args[0] ?? {}, this.caller);
          this.send({ type: "ActionResponse", requestId, logLines: [], ...response(outcome) });
        });
        return;
      }
      void this.enqueue(() => this.handle(message));
    }

    private async handle(message: ClientMessage): Promise<void> {
      switch (message.type) {
        case "Connect":
        case "Event":
          return;
        case "ModifyQuerySet": {
          if (message.baseVersion !== this.version.querySet) {
            throw new Error(`query set version ${message.baseVersion} does not follow ${this.version.querySet}`);
          }
          const removed: number[] = [];
          for (const change of message.modifications) {
            if (change.type === "Add") this.queries.set(change.queryId, { udfPath: change.udfPath, args: change.args[0] ?? {} });
            else if (this.queries.delete(change.queryId)) removed.push(change.queryId);
          }
          return await this.transition({ querySet: message.newVersion }, removed, true);
        }
        case "Authenticate": {
          const baseVersion = this.version.identity;
          if (message.tokenType === "None") {
            this.setIdentity(null);
            return await this.transition({ identity: baseVersion + 1 }, [], true);
          }
          try {
            if (message.tokenType !== "User" || !message.value) throw new Error("only user tokens are supported");
            this.setIdentity(await verify(message.value));
          } catch (error) {
            this.send({ type: "AuthError", error: (error as Error).message, baseVersion, authUpdateAttempted: true });
            this.socket.close();
            return;
          }
          return await this.transition({ identity: baseVersion + 1 }, [], true);
        }
        case "Mutation": {
          const outcome = await deployment.call("mutation", message.udfPath, message.args[0] ?? {}, this.caller);
          this.send({
            type: "MutationResponse",
            requestId: message.requestId,
            logLines: [],
            ...response(outcome),
            ...(outcome.success ? { ts: u64(ts) } : {}),
          });
          // The mutation's promise settles on a Transition at or after its ts.
          return await this.transition({}, [], true);
        }
      }
    }

    /** Who the connection is now; an expiring token is refused when it expires, as a deployment does. */
    private setIdentity(verified: Verified | null): void {
      clearTimeout(this.expiry);
      this.caller = { ...this.caller, identity: verified?.identity ?? null };
      if (verified?.expiresAt) {
        const version = this.version.identity + 1;
        this.expiry = realSetTimeout(() => {
          if (this.version.identity !== version) return;
          this.send({ type: "AuthError", error: "Token expired", baseVersion: version, authUpdateAttempted: false });
          this.socket.close();
        }, Math.max(0, verified.expiresAt - Date.now()));
      }
    }

    /**
     * Re-runs every subscribed query and sends what changed since it was last
     * sent, moving the connection to `next` versions at the current ts. Sends
     * nothing when nothing changed, unless `always`.
     */
    async transition(next: Partial<Omit<Version, "ts">>, removed: number[], always: boolean): Promise<void> {
      const at = ts;
      const modifications: Record<string, unknown>[] = removed.map((queryId) => ({ type: "QueryRemoved", queryId }));
      for (const [queryId, query] of this.queries) {
        const outcome = await deployment.call("query", query.udfPath, query.args, this.caller);
        const serialized = JSON.stringify(outcome);
        if (serialized === query.sent) continue;
        query.sent = serialized;
        modifications.push(
          outcome.success
            ? { type: "QueryUpdated", queryId, value: outcome.value, logLines: [], journal: null }
            : {
                type: "QueryFailed",
                queryId,
                errorMessage: outcome.errorMessage,
                errorData: outcome.errorData ?? null,
                logLines: [],
                journal: null,
              },
        );
      }
      if (modifications.length === 0 && !always) return;
      const startVersion = this.version;
      this.version = { ...this.version, ...next, ts: at > this.version.ts ? at : this.version.ts };
      this.send({
        type: "Transition",
        startVersion: wireVersion(startVersion),
        endVersion: wireVersion(this.version),
        modifications,
      });
    }

    ping(): void {
      this.send({ type: "Ping" });
    }

    private close(): void {
      clearTimeout(this.expiry);
      connections.delete(this);
    }
  }

  /** Every connection re-runs its queries and hears what changed (after the current writes settle). */
  function broadcast(): void {
    if (broadcastQueued) return;
    broadcastQueued = true;
    realSetTimeout(() => {
      broadcastQueued = false;
      for (const connection of connections) void connection.enqueue(() => connection.transition({}, [], false));
    }, 5);
  }

  const pinger = setInterval(() => connections.forEach((connection) => connection.ping()), PING_MS);

  return {
    /** Serves one client socket. */
    accept(socket: WebSocket, request: IncomingMessage): void {
      connections.add(new Connection(socket, request));
    },
    /** Called after each mutation or action (see functions.ts). */
    written(): void {
      ts += 1n;
      outsideFunctions(broadcast);
    },
    get connectionCount() {
      return connections.size;
    },
    stop(): void {
      clearInterval(pinger);
    },
  };
}

/** The success/result/errorData fields of a Mutation- or ActionResponse. */
function response(outcome: Outcome) {
  return outcome.success
    ? { success: true, result: outcome.value }
    : { success: false, result: outcome.errorMessage, ...(outcome.errorData !== undefined ? { errorData: outcome.errorData } : {}) };
}
