import type { RandomReader } from "@oslojs/crypto/random";

/** Web Crypto's CSPRNG as an oslo `RandomReader`. */
export const webCryptoRandom: RandomReader = {
  read(bytes: Uint8Array): void {
    crypto.getRandomValues(bytes);
  },
};

/** `length` bytes from the CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return bytes;
}
