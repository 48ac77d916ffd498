/**
 * The app of test/fixtures/convexDevAuth on one convex-test deployment,
 * before and after its move: `deploy("v2")` swaps the function modules
 * (v1/: @convex-dev/auth 0.0.95; v2/: convex-auth-kit with the migration)
 * while the data stays, as pushing the new code does. Also the ways a
 * client of each version signs in (its actions, its OAuth redirects
 * against the mock GitHub), and the environment @convex-dev/auth needs.
 */
import { exportJWK, exportPKCS8, generateKeyPair } from "jose";
import { componentsGeneric, makeFunctionReference, type AnyComponents, type FunctionReference } from "convex/server";
import { expect } from "vitest";
import schema from "../fixtures/convexDevAuth/schema.js";
import { makeTestOf, type TestApp, type TestOptions } from "../harness/setup.js";

const ROOT = "../fixtures/convexDevAuth/";
const versions = {
  v1: import.meta.glob("../fixtures/convexDevAuth/v1/*.ts"),
  v2: import.meta.glob("../fixtures/convexDevAuth/v2/*.ts"),
};
export type Version = keyof typeof versions;

/** Where the browser of the app lives (`SITE_URL`): OAuth returns there. */
export const SITE = "https://app.example.test";

/** A fresh deployment of the app, running `v1` until `deploy("v2")`. */
export function phasedApp(options: TestOptions = {}) {
  let running: Version = "v1";
  const names = new Set(Object.values(versions).flatMap((glob) => Object.keys(glob).map((path) => path.split("/").pop()!)));
  const modules: Record<string, () => Promise<unknown>> = {
    [`${ROOT}_generated/api.ts`]: () => import("../fixtures/convexDevAuth/_generated/api.js"),
  };
  for (const name of names) {
    modules[ROOT + name] = async () => {
      const load = versions[running][`${ROOT}${running}/${name}`];
      if (load === undefined) throw new Error(`${name} is not part of the app's ${running}`);
      return await load();
    };
  }
  const t = makeTestOf(modules, {
    schema,
    ...options,
    componentModules: { "./component/testProbe.ts": () => import("../fixtures/componentProbe.js"), ...options.componentModules },
  });
  return {
    t,
    /** Pushes `version`'s functions (the data stays). */
    deploy(version: Version) {
      running = version;
    },
  };
}

/** The environment @convex-dev/auth's docs have you set: its RS256 pair (the PEM on one line, as its generator writes it). */
export async function convexAuthKeys(): Promise<{ JWT_PRIVATE_KEY: string; JWKS: string }> {
  const keys = await generateKeyPair("RS256", { extractable: true });
  const privateKey = await exportPKCS8(keys.privateKey);
  return {
    JWT_PRIVATE_KEY: privateKey.trimEnd().replace(/\n/g, " "),
    JWKS: JSON.stringify({ keys: [{ use: "sig", ...(await exportJWK(keys.publicKey)) }] }),
  };
}

/** Sets environment variables until the returned function puts them back. */
export function setEnv(values: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  const apply = (next: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(next)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(values);
  return () => apply(saved);
}

export type Tokens = { token: string; refreshToken: string };

const signIn = makeFunctionReference<"action">("auth:signIn");

/** The tokens of a sign-in result, asserted. */
function tokensOf(result: unknown): Tokens {
  const tokens = (result as { tokens?: Tokens | null }).tokens;
  expect(tokens, `expected tokens, got ${JSON.stringify(result)}`).toBeTruthy();
  return tokens!;
}

/** The `Set-Cookie` values of a response as one `Cookie` header. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/** The provider authenticates the browser and sends it back: the callback URL. */
async function authorize(url: URL): Promise<URL> {
  const response = await fetch(url, { redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

/** The client of each version, driving that version's `signIn` as its React client does. */
export const clients = {
  v1: {
    password: async (t: TestApp, flow: "signUp" | "signIn", email: string, password: string) =>
      tokensOf(await t.action(signIn, { provider: "password", params: { flow, email, password } })),
    /** @convex-dev/auth's OAuth: its redirect, cookies and callback, then the code exchange. */
    async github(t: TestApp): Promise<Tokens> {
      const { redirect, verifier } = (await t.action(signIn, { provider: "github" })) as { redirect: string; verifier: string };
      const start = new URL(redirect);
      const started = await t.fetch(start.pathname + start.search);
      expect(started.status).toBe(302);
      const back = await authorize(new URL(started.headers.get("location")!));
      const landed = await t.fetch(back.pathname + back.search, { headers: { cookie: cookiesOf(started) } });
      expect(landed.status).toBe(302);
      const code = new URL(landed.headers.get("location")!).searchParams.get("code");
      expect(code, landed.headers.get("location")!).toBeTruthy();
      return tokensOf(await t.action(signIn, { params: { code }, verifier }));
    },
  },
  v2: {
    password: async (t: TestApp, email: string, password: string) =>
      await t.action(signIn, { provider: "password", params: { flow: "signIn", email, password } }),
    /** Our OAuth: the page posts our sign-in URL, the provider returns to our callback, the client exchanges the code. */
    async github(t: TestApp): Promise<Tokens> {
      const { redirect, verifier } = (await t.action(signIn, { provider: "github" })) as { redirect: string; verifier: string };
      const start = new URL(redirect);
      const opened = await t.fetch(start.pathname + start.search, { method: "POST", headers: { origin: SITE } });
      expect(opened.status).toBe(302);
      const back = await authorize(new URL(opened.headers.get("location")!));
      const landed = await t.fetch(back.pathname + back.search, { headers: { cookie: cookiesOf(opened) } });
      expect(landed.status).toBe(302);
      const code = new URL(landed.headers.get("location")!).searchParams.get("code");
      expect(code, landed.headers.get("location")!).toBeTruthy();
      return tokensOf(await t.action(signIn, { params: { code }, verifier }));
    },
  },
};

/** The app's functions by name (the fixture has no typed api). */
export const fn = {
  signIn: makeFunctionReference<"action", Record<string, unknown>, never>("auth:signIn"),
  refresh: makeFunctionReference<"mutation", { refreshToken: string }, never>("auth:refresh"),
  signOut: makeFunctionReference<"action", Record<string, never>, null>("auth:signOut"),
  addNote: makeFunctionReference<"mutation", { text: string }, string>("notes:add"),
  myNotes: makeFunctionReference<"query", Record<string, never>, string[]>("notes:mine"),
  viewerId: makeFunctionReference<"query", Record<string, never>, string | null>("users:viewerId"),
  userById: makeFunctionReference<"query", { id: string }, string | null>("users:byId"),
  importBatch: makeFunctionReference<"mutation", { cursor?: string | null; dryRun?: boolean; batchSize?: number }, Report>(
    "authMigration:importBatch",
  ),
  importAll: makeFunctionReference<"action", { cursor?: string | null; dryRun?: boolean; batchSize?: number }, Report>(
    "authMigration:importAll",
  ),
  exchange: makeFunctionReference<"mutation", { refreshToken: string }, Record<string, unknown>>("authMigration:exchange"),
};

/** What `importBatch` / `importAll` report (server/migrate/report.ts). */
export type Report = {
  dryRun: boolean;
  users: { scanned: number; imported: number; updated: number; unchanged: number; skipped: number };
  skipped: Record<string, number>;
  accounts: { password: number; oauth: number; email: number; phone: number; anonymous: number };
  providers: { provider: string; accounts: number }[];
  passwords: { recognised: number; unrecognised: number; updated: number };
  verified: { emails: number; phones: number };
  skippedUsers: { legacyId: string; reason: string }[];
  cursor: string | null;
  isDone: boolean;
};

const probeApi = (componentsGeneric() as AnyComponents).auth.testProbe;
/** The rows of a component table (test probe). */
export const componentRows = probeApi.rows as FunctionReference<"query", "internal", { table: string }, Record<string, any>[]>;
