/**
 * Cost of the password KDF, ours against the peer's, in the same process:
 * our argon2id at DEFAULT_ARGON2ID (hash-wasm, m=19 MiB, t=2, p=1) and the
 * hash @convex-dev/auth@0.0.95's Password provider stores by default,
 * `new Scrypt().hash(password)` from `lucia` (N=16384, r=16, p=1: 32 MiB).
 * Pure CPU work: no Convex calls, so every count is 0.
 * Figures: ops["password.hash"], ops["password.verify"],
 * peers[PEER]["password.hash"], ratios["password.hash"] (our median / theirs).
 */
import { Scrypt } from "lucia";
import { test } from "vitest";
import { DEFAULT_ARGON2ID, hashPassword, verifyPassword } from "../../src/providers/password/hash.js";
import { Meter, type OpFigures } from "./meter.js";
import { RUNS, saveResult } from "./results.js";

const PEER = "@convex-dev/auth@0.0.95";
const PASSWORD = "correct horse battery staple";

test("password hash", { timeout: 600_000 }, async () => {
  const meter = new Meter(); // not installed anywhere: counts stay 0, it only times
  const same = async (run: number) => run;
  const scrypt = new Scrypt();

  // One warm-up each (compiles hash-wasm's WebAssembly module, JITs lucia's scrypt).
  const stored = await hashPassword(PASSWORD, DEFAULT_ARGON2ID);
  if (!(await verifyPassword(PASSWORD, stored))) throw new Error("argon2id round trip failed");
  const peerStored = await scrypt.hash(PASSWORD);
  if (!(await scrypt.verify(peerStored, PASSWORD))) throw new Error("scrypt round trip failed");

  // Ours and the peer's alternate run by run (order swapped every run), so a
  // load change on the machine hits both sides alike and the ratio stays fair.
  const [ourHash, peerHash] = await interleaved(RUNS, [
    () => hashPassword(PASSWORD, DEFAULT_ARGON2ID),
    () => scrypt.hash(PASSWORD),
  ]);
  const ops: Record<string, OpFigures> = {};
  ops["password.hash"] = { calls: 0, documentsRead: 0, documentsWritten: 0, databaseQueries: 0, ...ourHash };
  ops["password.verify"] = await meter.measure(RUNS, same, async () => {
    if (!(await verifyPassword(PASSWORD, stored))) throw new Error("verify failed");
  });

  saveResult("passwordHash", {
    ops,
    peers: {
      [PEER]: {
        "password.hash": { wallMsMedian: peerHash.wallMsMedian, wallMsP95: peerHash.wallMsP95 },
      },
    },
    ratios: {
      "password.hash": Math.round((ops["password.hash"].wallMsMedian / peerHash.wallMsMedian) * 1000) / 1000,
    },
  });
});

type Times = Pick<OpFigures, "wallMsMedian" | "wallMsP95">;

/**
 * Times each operation `runs` times, alternating between them (the order
 * reversed every other run); median and p95 picked as Meter.measure does.
 */
async function interleaved(runs: number, operations: Array<() => Promise<unknown>>): Promise<Times[]> {
  const times = operations.map((): number[] => []);
  for (let run = 0; run < runs; run++) {
    const order = operations.map((_, i) => i);
    if (run % 2 === 1) order.reverse();
    for (const i of order) {
      const start = performance.now();
      await operations[i]();
      times[i].push(performance.now() - start);
    }
  }
  return times.map((list) => {
    list.sort((a, b) => a - b);
    const pick = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))];
    return { wallMsMedian: round(pick(0.5)), wallMsP95: round(pick(0.95)) };
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
