/** The argon2id cost parameters of the Password provider (hash.ts computes with them). */

/** The cost parameters of argon2id. */
export type Argon2idParams = {
  /** Memory in KiB (`m`). Must be at least `8 * parallelism`. */
  memoryKiB: number;
  /** Number of passes over memory (`t`). */
  iterations: number;
  /** Number of lanes (`p`); hash-wasm computes them one after another. */
  parallelism: number;
};

/**
 * OWASP's minimum argon2id setting (Password Storage Cheat Sheet): 19 MiB,
 * 2 passes, 1 lane. About 19 MiB of WebAssembly memory per hash.
 */
export const DEFAULT_ARGON2ID: Readonly<Argon2idParams> = Object.freeze({
  memoryKiB: 19456,
  iterations: 2,
  parallelism: 1,
});

