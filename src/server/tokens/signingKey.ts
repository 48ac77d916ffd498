/**
 * Loads the deployment's token signing key from its environment.
 *
 * - `JWT_PRIVATE_KEY`: the RSA private key as a PKCS#8 PEM. Line breaks may
 *   be real newlines, spaces (the single-line form `npx convex-auth-kit keys`
 *   prints, which survives shell quoting) or literal `\n` escapes.
 * - `JWKS`: `{"keys":[...]}` with the matching public key (`kid`,
 *   `alg: "RS256"`, `use: "sig"`). It may hold more public keys (a previous
 *   key kept during rotation); the one matching `JWT_PRIVATE_KEY` signs.
 *
 * Runs in Convex's default runtime: Web Crypto only, no `generateKey`, so it
 * works in queries and mutations as well as actions. Every failure is a
 * `CONFIGURATION` error naming the variable; messages never contain key
 * material.
 *
 * @module
 */
import { authError } from "../errors.js";
import { processEnv } from "../env.js";

/** A loaded signing key: what {@link signAccessToken} and the JWKS route use. */
export type SigningKey = {
  /** Non-extractable RS256 (RSASSA-PKCS1-v1_5 / SHA-256) signing key. */
  privateKey: CryptoKey;
  /** `kid` of the JWKS entry matching `privateKey`; goes in every token header. */
  kid: string;
  /** The public keys to serve at `/.well-known/jwks.json` (public members only). */
  publicJwks: { keys: JsonWebKey[] };
};

const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const MIN_MODULUS_BITS = 2048;
const SETUP_HINT =
  "Generate a key pair with `npx convex-auth-kit keys` and set both " +
  "JWT_PRIVATE_KEY and JWKS from the same run.";
/** Members a JWK may carry only when it holds private (or symmetric) key material. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

function configError(message: string) {
  return authError("CONFIGURATION", message);
}


// One entry: the last (JWT_PRIVATE_KEY, JWKS) pair that loaded. Resolved
// values only, never a pending promise, so nothing crosses function
// executions half-done.
let cached:
  | { privateKeyEnv: string; jwksEnv: string; key: SigningKey }
  | undefined;

/**
 * Reads `JWT_PRIVATE_KEY` and `JWKS` from `env` (default `process.env`),
 * checks they form a pair and returns the signing key. Parsed keys are cached
 * per value pair for the life of the isolate.
 *
 * @throws `ConvexError` with code `CONFIGURATION` when a variable is missing
 *   or malformed, or when the private key matches no key in `JWKS`.
 */
export async function signingKeyFromEnv(
  env: Record<string, string | undefined> = processEnv(),
): Promise<SigningKey> {
  const privateKeyEnv = env.JWT_PRIVATE_KEY;
  const jwksEnv = env.JWKS;
  if (privateKeyEnv === undefined || privateKeyEnv.trim() === "") {
    throw configError(`JWT_PRIVATE_KEY is not set. ${SETUP_HINT}`);
  }
  if (jwksEnv === undefined || jwksEnv.trim() === "") {
    throw configError(`JWKS is not set. ${SETUP_HINT}`);
  }
  if (
    cached !== undefined &&
    cached.privateKeyEnv === privateKeyEnv &&
    cached.jwksEnv === jwksEnv
  ) {
    return cached.key;
  }
  const key = await loadSigningKey(privateKeyEnv, jwksEnv);
  cached = { privateKeyEnv, jwksEnv, key };
  return key;
}

async function loadSigningKey(
  privateKeyEnv: string,
  jwksEnv: string,
): Promise<SigningKey> {
  const publicKeys = parseJwks(jwksEnv);
  const privateKey = await importPrivateKey(privateKeyEnv);
  const verifiers = await Promise.all(
    publicKeys.map((jwk, index) => importPublicKey(jwk, index)),
  );

  // Prove the pair: sign a fixed message (RS256 is deterministic and allowed
  // in queries and mutations) and find the public key that verifies it.
  const probe = new TextEncoder().encode("convex-auth-kit key pair check");
  const signature = await crypto.subtle.sign(RS256, privateKey, probe);
  let kid: string | undefined;
  for (let i = 0; i < verifiers.length; i++) {
    if (await crypto.subtle.verify(RS256, verifiers[i], signature, probe)) {
      kid = publicKeys[i].kid;
      break;
    }
  }
  if (kid === undefined) {
    throw configError(
      "JWT_PRIVATE_KEY does not match any public key in JWKS. " + SETUP_HINT,
    );
  }
  return {
    privateKey,
    kid,
    publicJwks: { keys: publicKeys.map((jwk) => ({ ...jwk })) },
  };
}

type RsaPublicJwk = JsonWebKey & {
  kty: "RSA";
  n: string;
  e: string;
  kid: string;
  alg: "RS256";
  use: "sig";
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Validates `JWKS` and returns its keys reduced to their public members. */
function parseJwks(jwksEnv: string): RsaPublicJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jwksEnv);
  } catch {
    // The parser's message would quote the input: leave it out.
    throw configError(
      'JWKS is not valid JSON. It must be {"keys":[...]} exactly as ' +
        "`npx convex-auth-kit keys` prints it (a shell that strips double " +
        "quotes, such as Windows PowerShell, breaks it: use " +
        "`npx convex env set --from-file` instead).",
    );
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    !Array.isArray((parsed as { keys?: unknown }).keys) ||
    (parsed as { keys: unknown[] }).keys.length === 0
  ) {
    throw configError(
      'JWKS must be a JSON object {"keys":[...]} holding at least one key. ' +
        SETUP_HINT,
    );
  }
  const keys = (parsed as { keys: unknown[] }).keys;
  const seen = new Set<string>();
  return keys.map((value, index) => {
    const where = `JWKS key #${index + 1}`;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw configError(`${where} is not a JSON object.`);
    }
    const jwk = value as Record<string, unknown>;
    const privateMember = PRIVATE_MEMBERS.find((m) => m in jwk);
    if (privateMember !== undefined) {
      throw configError(
        `${where} contains private key material ("${privateMember}"). JWKS ` +
          "is served publicly and must hold public keys only: keep the " +
          "private key in JWT_PRIVATE_KEY. " +
          SETUP_HINT,
      );
    }
    if (jwk.kty !== "RSA") {
      throw configError(`${where} must be an RSA key ("kty": "RSA").`);
    }
    if (
      typeof jwk.n !== "string" ||
      typeof jwk.e !== "string" ||
      !BASE64URL.test(jwk.n) ||
      !BASE64URL.test(jwk.e)
    ) {
      throw configError(
        `${where} must have base64url "n" and "e" members (an RSA public key).`,
      );
    }
    if (typeof jwk.kid !== "string" || jwk.kid === "") {
      throw configError(`${where} must have a non-empty "kid".`);
    }
    if (seen.has(jwk.kid)) {
      throw configError(`${where} repeats the "kid" of an earlier key.`);
    }
    seen.add(jwk.kid);
    if (jwk.alg !== undefined && jwk.alg !== "RS256") {
      throw configError(`${where} must have "alg": "RS256".`);
    }
    if (jwk.use !== undefined && jwk.use !== "sig") {
      throw configError(`${where} must have "use": "sig".`);
    }
    return {
      kty: "RSA",
      n: jwk.n,
      e: jwk.e,
      kid: jwk.kid,
      alg: "RS256",
      use: "sig",
    };
  });
}

async function importPublicKey(
  jwk: RsaPublicJwk,
  index: number,
): Promise<CryptoKey> {
  try {
    return await crypto.subtle.importKey(
      "jwk",
      { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: "RS256", ext: true },
      RS256,
      false,
      ["verify"],
    );
  } catch {
    throw configError(
      `JWKS key #${index + 1} (kid "${jwk.kid}") is not a valid RSA public key.`,
    );
  }
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

/**
 * Imports `JWT_PRIVATE_KEY` as a non-extractable RS256 signing key. Accepts
 * the PEM with newlines, with spaces in their place, or with literal `\n`.
 */
async function importPrivateKey(privateKeyEnv: string): Promise<CryptoKey> {
  const text = privateKeyEnv.replace(/\\r|\\n/g, "\n").trim();
  const label = PEM_LABEL.exec(text)?.[1];
  if (label === "RSA PRIVATE KEY") {
    throw configError(
      "JWT_PRIVATE_KEY is a PKCS#1 key (BEGIN RSA PRIVATE KEY); it must be " +
        "PKCS#8 (BEGIN PRIVATE KEY). Convert it with `openssl pkcs8 -topk8 " +
        "-nocrypt` or generate a new pair with `npx convex-auth-kit keys`.",
    );
  }
  if (label === "ENCRYPTED PRIVATE KEY") {
    throw configError(
      "JWT_PRIVATE_KEY is encrypted; it must be an unencrypted PKCS#8 PEM. " +
        SETUP_HINT,
    );
  }
  const match =
    /^-----BEGIN PRIVATE KEY-----([\s\S]*)-----END PRIVATE KEY-----$/.exec(
      text,
    );
  const body = match?.[1].replace(/\s+/g, "");
  if (
    body === undefined ||
    body === "" ||
    body.length % 4 !== 0 ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(body)
  ) {
    throw configError(
      "JWT_PRIVATE_KEY is not a PEM-encoded PKCS#8 private key " +
        "(-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----). " +
        SETUP_HINT,
    );
  }
  let key: CryptoKey;
  try {
    const binary = atob(body);
    const der = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
    key = await crypto.subtle.importKey("pkcs8", der, RS256, false, ["sign"]);
  } catch {
    // Do not forward the underlying message: it could describe the key.
    throw configError(
      "JWT_PRIVATE_KEY is not a valid RSA private key in PKCS#8 form. " +
        SETUP_HINT,
    );
  }
  const modulusLength = (key.algorithm as Partial<RsaHashedKeyAlgorithm>)
    .modulusLength;
  if (typeof modulusLength === "number" && modulusLength < MIN_MODULUS_BITS) {
    throw configError(
      `JWT_PRIVATE_KEY is a ${modulusLength}-bit RSA key; RS256 needs at ` +
        `least ${MIN_MODULUS_BITS} bits. ${SETUP_HINT}`,
    );
  }
  return key;
}
