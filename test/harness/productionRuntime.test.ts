/**
 * The harness refuses what a Convex deployment refuses. Each refusal is also
 * run on a lenient harness (plain convex-test) where it succeeds, so these
 * tests would fail without the guard.
 */
import { makeFunctionReference } from "convex/server";
import { beforeAll, describe, expect, test } from "vitest";
import { makeTestOf } from "./setup.js";
import { MAX_NESTED_CALL_DEPTH } from "./productionRuntime.js";

const fixture = import.meta.glob(["../fixtures/runtime/**/*.ts", "!../fixtures/runtime/**/*.*.ts"]);
type Op = "generateKey" | "signEcdsa" | "signRsaPss" | "encryptRsaOaep" | "signRs256" | "hmac" | "randomBytes";
type Keys = Record<"ecdsa" | "rsaPss" | "rsaOaep" | "rs256", JsonWebKey>;
const ref = {
  query: makeFunctionReference<"query", { op: Op; jwk: JsonWebKey | null }, string>("probes:cryptoInQuery"),
  mutation: makeFunctionReference<"mutation", { op: Op; jwk: JsonWebKey | null }, string>("probes:cryptoInMutation"),
  action: makeFunctionReference<"action", { op: Op; jwk: JsonWebKey | null }, string>("probes:cryptoInAction"),
  makeKeys: makeFunctionReference<"action", Record<string, never>, Keys>("probes:makeKeys"),
  chain: makeFunctionReference<"mutation", { levels: number }, number>("probes:chain"),
  readChain: makeFunctionReference<"query", { levels: number }, number>("probes:readChain"),
  chainFromAction: makeFunctionReference<"action", { levels: number }, number>("probes:chainFromAction"),
  signJwtBesideEcdsa: makeFunctionReference<"mutation", { jwk: JsonWebKey }, { token: string; own: string; after: string }>(
    "probes:signJwtBesideEcdsa",
  ),
};

type Args = { op: Op; jwk: JsonWebKey | null };
/** Runs the probe in a query or a mutation. */
function runIn(t: ReturnType<typeof makeTestOf>, kind: "query" | "mutation", args: Args) {
  return kind === "query" ? t.query(ref.query, args) : t.mutation(ref.mutation, args);
}

let keys: Keys;
beforeAll(async () => {
  keys = await makeTestOf(fixture).action(ref.makeKeys, {});
});

const refused: [Op, () => JsonWebKey | null][] = [
  ["generateKey", () => null],
  ["signEcdsa", () => keys.ecdsa],
  ["signRsaPss", () => keys.rsaPss],
  ["encryptRsaOaep", () => keys.rsaOaep],
];
const allowed: [Op, () => JsonWebKey | null][] = [
  ["signRs256", () => keys.rs256],
  ["hmac", () => null],
  ["randomBytes", () => null],
];

describe("Web Crypto in queries and mutations", () => {
  for (const kind of ["query", "mutation"] as const) {
    for (const [op, jwk] of refused) {
      test(`${op} in a ${kind} throws as in production`, async () => {
        const t = makeTestOf(fixture);
        await expect(runIn(t, kind, { op, jwk: jwk() })).rejects.toThrow(
          /not supported in Convex queries or mutations/,
        );
      });
      test(`${op} in a ${kind} succeeds on plain convex-test (the gap the guard closes)`, async () => {
        const t = makeTestOf(fixture, { lenient: true });
        await expect(runIn(t, kind, { op, jwk: jwk() })).resolves.toMatch(/generated|signed|encrypted/);
      });
    }
    for (const [op, jwk] of allowed) {
      test(`${op} in a ${kind} stays allowed`, async () => {
        const t = makeTestOf(fixture);
        await expect(runIn(t, kind, { op, jwk: jwk() })).resolves.toMatch(/signed|random/);
      });
    }
  }

  test("actions keep the full Web Crypto API", async () => {
    const t = makeTestOf(fixture);
    for (const [op, jwk] of [...refused, ...allowed]) {
      await expect(t.action(ref.action, { op, jwk: jwk() })).resolves.toMatch(
        /generated|signed|encrypted|random/,
      );
    }
  });

  test("the restriction does not leak out of the function into the test", async () => {
    const t = makeTestOf(fixture);
    await expect(t.mutation(ref.mutation, { op: "generateKey", jwk: null })).rejects.toThrow();
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    expect(pair).toHaveProperty("privateKey");
  });
});

describe("ctx.auth.signJwt", () => {
  test("the deployment's signer works in a mutation; the function's own ECDSA beside and after it still throws", async () => {
    const t = makeTestOf(fixture);
    const { token, own, after } = await t.mutation(ref.signJwtBesideEcdsa, { jwk: keys.ecdsa });
    expect(token.split(".")).toHaveLength(3);
    expect(JSON.parse(atob(token.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/")))).toMatchObject({ alg: "ES256" });
    expect(own).toMatch(/not supported in Convex queries or mutations/);
    expect(after).toMatch(/not supported in Convex queries or mutations/);
  });
});

describe("nested runQuery/runMutation depth", () => {
  test(`${MAX_NESTED_CALL_DEPTH} nested mutations are allowed`, async () => {
    const t = makeTestOf(fixture);
    expect(await t.mutation(ref.chain, { levels: MAX_NESTED_CALL_DEPTH })).toBe(MAX_NESTED_CALL_DEPTH);
  });

  test(`${MAX_NESTED_CALL_DEPTH + 1} nested mutations fail as in production`, async () => {
    const t = makeTestOf(fixture);
    await expect(t.mutation(ref.chain, { levels: MAX_NESTED_CALL_DEPTH + 1 })).rejects.toThrow(
      /nested function call depth 9 exceeds/,
    );
  });

  test(`${MAX_NESTED_CALL_DEPTH + 1} nested queries fail as in production`, async () => {
    const t = makeTestOf(fixture);
    expect(await t.query(ref.readChain, { levels: MAX_NESTED_CALL_DEPTH })).toBe(MAX_NESTED_CALL_DEPTH);
    await expect(t.query(ref.readChain, { levels: MAX_NESTED_CALL_DEPTH + 1 })).rejects.toThrow(
      /nested function call depth 9 exceeds/,
    );
  });

  test("plain convex-test allows the too-deep chain (the gap the guard closes)", async () => {
    const t = makeTestOf(fixture, { lenient: true });
    expect(await t.mutation(ref.chain, { levels: MAX_NESTED_CALL_DEPTH + 1 })).toBe(MAX_NESTED_CALL_DEPTH + 1);
  });

  test("an action's runMutation starts a fresh transaction at depth 0", async () => {
    const t = makeTestOf(fixture);
    expect(await t.action(ref.chainFromAction, { levels: MAX_NESTED_CALL_DEPTH })).toBe(MAX_NESTED_CALL_DEPTH);
  });
});
