/**
 * The sign-in protocol is defined once, in src/shared/protocol.ts; the
 * server's and the client's `SignInResult` are derived from it.
 */
import { describe, expect, expectTypeOf, test } from "vitest";
import type { SignInResult as ClientSignInResult, Tokens as ClientTokens } from "../../src/client/protocol.js";
import { signInResultValidator as serverValidator } from "../../src/server/auth.js";
import type { SignInResult as ServerSignInResult, Tokens as ServerTokens } from "../../src/server/provider.js";
import { signInResultValidator, type SignInResult } from "../../src/shared/protocol.js";
import * as shared from "../../src/shared/webauthnOptions.js";
import * as provider from "../../src/providers/passkey/ceremonyOptions.js";

describe("the sign-in protocol, once", () => {
  test("the server's validator is the shared one", () => {
    expect(serverValidator).toBe(signInResultValidator);
  });

  test("the server's and the client's SignInResult are the shared type", () => {
    expectTypeOf<ServerSignInResult>().toEqualTypeOf<SignInResult>();
    expectTypeOf<ClientSignInResult>().toEqualTypeOf<SignInResult>();
    expectTypeOf<ServerTokens>().toEqualTypeOf<ClientTokens>();
  });

  test("the passkey provider's WebAuthn option validators are the shared ones", () => {
    expect(provider.creationOptionsValidator).toBe(shared.creationOptionsValidator);
    expect(provider.requestOptionsValidator).toBe(shared.requestOptionsValidator);
    expect(provider.ceremonyResultValidator).toBe(shared.ceremonyResultValidator);
  });
});
