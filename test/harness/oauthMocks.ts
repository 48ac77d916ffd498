/**
 * The OAuth look-alikes (an OIDC provider and GitHub, test/fixtures/oauthServers.ts)
 * for the tests of one file, with the environment the OAuth fixture app
 * (test/fixtures/oauth) reads: started before the file's tests, stopped and
 * the environment put back after them.
 */
import { afterAll, beforeAll } from "vitest";
import { startGitHub, startOidc } from "../fixtures/oauthServers.js";

export type OAuthMocks = { oidc: Awaited<ReturnType<typeof startOidc>>; github: Awaited<ReturnType<typeof startGitHub>> };

/** Starts both mocks around the file's tests with `SITE_URL` = `siteUrl`; read them from the returned object inside tests. */
export function useOAuthMocks(siteUrl: string): OAuthMocks {
  const mocks = {} as OAuthMocks;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    mocks.oidc = await startOidc();
    mocks.github = await startGitHub();
    const env = {
      SITE_URL: siteUrl,
      AUTH_MOCK_ISSUER: mocks.oidc.issuer,
      AUTH_MOCK_ID: "mock-client",
      AUTH_MOCK_SECRET: "mock-secret",
      OAUTH_TEST_GITHUB: mocks.github.base,
    };
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(async () => {
    await mocks.oidc?.stop();
    await mocks.github?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  return mocks;
}
