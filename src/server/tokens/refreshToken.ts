/** Refresh tokens are opaque tokens (see opaqueToken.ts), stored only as their hash and rotated on every use. */
export { newOpaqueToken as newRefreshToken, isOpaqueTokenShaped as isRefreshTokenShaped } from "./opaqueToken.js";
