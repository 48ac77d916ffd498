/**
 * Closes the gaps between convex-test and a real Convex deployment that matter
 * to an auth package (see docs/architecture.md, "What the Convex runtime asks of the code"):
 *
 * - Inside queries and mutations, production refuses Web Crypto calls that
 *   need the cryptographic RNG: `generateKey` (every algorithm), ECDSA and
 *   RSA-PSS `sign`, RSA-OAEP `encrypt`. convex-test runs on Node's crypto and
 *   allows them; here they throw, as they would when deployed.
 * - Nested `runQuery`/`runMutation` deeper than 8 fails in production;
 *   convex-test does not check it. Here it throws.
 *
 * `ctx.auth.signJwt` (mutations) is the deployment's own signer, not the
 * function's Web Crypto: production allows it. convex-test implements it
 * with ECDSA `sign` (and a `generateKey` for its key) run inside the
 * function's context, so the guard lets Web Crypto through while, and only
 * while, that call runs.
 *
 * Both are applied by wrapping every registered function (see instrument.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Around } from "./instrument.js";

/** Set while `ctx.auth.signJwt` runs: the deployment signs, not the function. */
const deploymentSigner = new AsyncLocalStorage<true>();

/** Deepest nesting of `runQuery`/`runMutation` calls Convex allows. */
export const MAX_NESTED_CALL_DEPTH = 8;

function refusal(what: string): Error {
  return new Error(
    `${what} is not supported in Convex queries or mutations: it needs the ` +
      `cryptographic random number generator. Move it to an action.`,
  );
}

function algorithmName(algorithm: unknown): string {
  if (typeof algorithm === "string") return algorithm.toUpperCase();
  if (typeof algorithm === "object" && algorithm !== null && "name" in algorithm) {
    return String((algorithm as { name: unknown }).name).toUpperCase();
  }
  return "";
}

/** `crypto.subtle` as a Convex query or mutation sees it. */
function transactionSubtle(real: SubtleCrypto): SubtleCrypto {
  return new Proxy(real, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (deploymentSigner.getStore()) return method.bind(target);
      if (property === "generateKey") {
        return () => Promise.reject(refusal("crypto.subtle.generateKey"));
      }
      if (property === "sign") {
        return (...args: unknown[]) => {
          const name = algorithmName(args[0]);
          if (name === "ECDSA" || name === "RSA-PSS") {
            return Promise.reject(refusal(`crypto.subtle.sign with ${name}`));
          }
          return method.apply(target, args);
        };
      }
      if (property === "encrypt") {
        return (...args: unknown[]) => {
          if (algorithmName(args[0]) === "RSA-OAEP") {
            return Promise.reject(refusal("crypto.subtle.encrypt with RSA-OAEP"));
          }
          return method.apply(target, args);
        };
      }
      return method.bind(target);
    },
  });
}

/** `crypto` as a Convex query or mutation sees it. */
function transactionCrypto(real: Crypto): Crypto {
  const subtle = transactionSubtle(real.subtle);
  return new Proxy(real, {
    get(target, property) {
      if (property === "subtle") return subtle;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function"
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

/**
 * The wrapper that makes convex-test behave like production for the checks
 * above. Install it with `instrumentModules(modules, productionRuntime)`.
 */
export const productionRuntime: Around = async (frame, run) => {
  if (frame.kind === "action") return await run();
  const { depth } = frame;
  if (depth > MAX_NESTED_CALL_DEPTH) {
    throw new Error(
      `${frame.name}: nested function call depth ${depth} exceeds Convex's ` +
        `limit of ${MAX_NESTED_CALL_DEPTH} nested runQuery/runMutation calls.`,
    );
  }
  // convex-test keeps one overrides map per function call: assigning the
  // global here changes `crypto` for this call only.
  globalThis.crypto = transactionCrypto(globalThis.crypto);
  allowDeploymentSigning(frame.ctx);
  return await run();
};

type SignJwt = (options: unknown) => Promise<string>;

/** Lets a mutation's `ctx.auth.signJwt` use Web Crypto (see the module docs). */
function allowDeploymentSigning(ctx: unknown): void {
  const auth = (ctx as { auth?: { signJwt?: SignJwt } } | null)?.auth;
  const signJwt = auth?.signJwt;
  if (auth === undefined || typeof signJwt !== "function") return;
  auth.signJwt = (options) => deploymentSigner.run(true, () => signJwt.call(auth, options));
}
