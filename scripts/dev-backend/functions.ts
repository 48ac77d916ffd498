/**
 * The deployment itself: the example app's functions and the auth component
 * on one convex-test instance, with production's runtime rules on (the same
 * guards the tests use), transaction limits on, and the component's crons.
 */
import { loadFunctions } from "dev-backend:functions"; // written by launch.mjs
import { convexTest } from "convex-test";
import {
  componentsGeneric,
  makeFunctionReference,
  type AnyComponents,
  type FunctionReference,
  type GenericSchema,
  type SchemaDefinition,
  type UserIdentity,
} from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { composeArounds, instrumentModules, type Around, type ModuleGlob } from "../../test/harness/instrument.js";
import { productionRuntime } from "../../test/harness/productionRuntime.js";

export type FunctionKind = "query" | "mutation" | "action";

/** Where a call comes from: the identity its token proved, and the client's address. */
export type Caller = { identity: UserIdentity | null; ip: string | null; userAgent: string | null };

/** A function's outcome as Convex's protocols carry it. */
export type Outcome =
  | { success: true; value: JSONValue }
  | { success: false; errorMessage: string; errorData?: JSONValue };

/** An auth provider of `auth.config.ts`: OIDC (`domain`) or custom JWT (`issuer` + `jwks`). */
export type AuthProviderConfig = {
  domain?: string;
  applicationID?: string;
  type?: string;
  issuer?: string;
  jwks?: string;
  algorithm?: string;
};

type Loaded = {
  authConfig: { providers: AuthProviderConfig[] };
  app: Record<string, Record<string, unknown>>;
  component: Record<string, Record<string, unknown>>;
};
type Args = Record<string, Value>;
type Ref<Kind extends FunctionKind> = FunctionReference<Kind, "public" | "internal", Args, unknown>;
type Registered = { isQuery?: boolean; isMutation?: boolean; isAction?: boolean };

/** The module name (`users`, `_generated/api`) of a glob key (`./convex/users.ts`). */
const moduleNameOf = (key: string) => key.replace(/^\.\/[^/]+\//, "").replace(/\.(ts|js)$/, "");

/** A glob (as `import.meta.glob` would give) over modules already loaded. */
const globOf = (modules: Record<string, unknown>): ModuleGlob =>
  Object.fromEntries(Object.entries(modules).map(([key, mod]) => [key, async () => mod]));

function kindOf(fn: unknown): FunctionKind | null {
  const flags = (typeof fn === "function" ? fn : {}) as Registered;
  if (flags.isQuery) return "query";
  if (flags.isMutation) return "mutation";
  if (flags.isAction) return "action";
  return null;
}

/** A thrown error as a function response carries it (a ConvexError keeps its data). */
export function failure(error: unknown): Outcome {
  const err = error as { name?: string; message?: string; data?: Value };
  if (err?.name === "ConvexError" && err.data !== undefined) {
    const errorData = convexToJson(err.data);
    return { success: false, errorMessage: typeof err.data === "string" ? err.data : JSON.stringify(errorData), errorData };
  }
  return { success: false, errorMessage: `Uncaught ${err?.name ?? "Error"}: ${err?.message ?? String(error)}` };
}

export type Deployment = Awaited<ReturnType<typeof loadDeployment>>;

/**
 * Loads every module, then builds the instance. `onWrite` is called after each
 * mutation or action finishes, including scheduled ones and those an HTTP
 * action runs: the sync server then re-runs subscribed queries.
 */
export async function loadDeployment(onWrite: () => void) {
  const loaded = (await loadFunctions()) as Loaded;
  const appSchema = loaded.app["./convex/schema.ts"]?.default as SchemaDefinition<GenericSchema, boolean> | undefined;
  const componentSchema = loaded.component["./component/schema.ts"]!.default as SchemaDefinition<GenericSchema, boolean>;
  const notify: Around = async (frame, run) => {
    try {
      return await run();
    } finally {
      if (frame.kind !== "query") onWrite();
    }
  };
  const around = composeArounds(productionRuntime, notify);
  const t = convexTest({ schema: appSchema, modules: instrumentModules(globOf(loaded.app), around), transactionLimits: true });
  t.registerComponent("auth", componentSchema, instrumentModules(globOf(loaded.component), around));

  const appModules = new Map(Object.entries(loaded.app).map(([key, mod]) => [moduleNameOf(key), mod]));

  /** The kind of the public app function at `udfPath` (`users:viewer`, `auth.js:signIn`), or null. */
  function lookup(udfPath: string): FunctionKind | null {
    const at = udfPath.lastIndexOf(":");
    const moduleName = (at < 0 ? udfPath : udfPath.slice(0, at)).replace(/\.js$/, "");
    const exportName = at < 0 ? "default" : udfPath.slice(at + 1);
    const fn = appModules.get(moduleName)?.[exportName] as (Registered & { isPublic?: boolean }) | undefined;
    if (fn === undefined || !(fn as { isPublic?: boolean }).isPublic) return null;
    return kindOf(fn);
  }

  /** Runs the public function at `udfPath` as `caller`; `kind` must match what it is. */
  async function call(kind: FunctionKind | "any", udfPath: string, jsonArgs: JSONValue, caller: Caller): Promise<Outcome> {
    const actual = lookup(udfPath);
    if (actual === null || (kind !== "any" && actual !== kind)) {
      const what = kind === "any" ? "function" : kind;
      return { success: false, errorMessage: `Could not find public ${what} for '${udfPath}'. Did you forget to run \`npx convex dev\`?` };
    }
    let accessor = caller.identity === null ? t : t.withIdentity(caller.identity);
    accessor = accessor.withRequestMetadata({ ip: caller.ip, userAgent: caller.userAgent });
    const name = udfPath.replace(/\.js:/, ":");
    try {
      const args = jsonToConvex(jsonArgs ?? {}) as Args;
      const result =
        actual === "query"
          ? await accessor.query(makeFunctionReference<"query", Args>(name), args)
          : actual === "mutation"
            ? await accessor.mutation(makeFunctionReference<"mutation", Args>(name), args)
            : await accessor.action(makeFunctionReference<"action", Args>(name), args);
      return { success: true, value: convexToJson((result ?? null) as Value) };
    } catch (error) {
      return failure(error);
    }
  }

  /**
   * Starts the component's interval crons (Convex runs them on the
   * deployment's clock; convex-test never does). Returns a stop function.
   */
  function startCrons(log: (line: string) => void): () => void {
    const timers: ReturnType<typeof setInterval>[] = [];
    const crons = (loaded.component["./component/crons.ts"]?.default ?? { crons: {} }) as {
      crons: Record<string, { name: string; args: JSONValue[]; schedule: { type: string; seconds?: number; minutes?: number; hours?: number } }>;
    };
    const api = (componentsGeneric() as AnyComponents).auth as unknown as Record<string, Record<string, unknown>>;
    for (const [label, job] of Object.entries(crons.crons)) {
      const { type, seconds = 0, minutes = 0, hours = 0 } = job.schedule;
      const everyMs = ((hours * 60 + minutes) * 60 + seconds) * 1000;
      if (type !== "interval" || everyMs <= 0) {
        log(`cron "${label}" has a ${type} schedule; the dev backend runs only interval crons`);
        continue;
      }
      const [moduleName, exportName] = job.name.replace(/\.js:/, ":").split(":") as [string, string];
      const fn = loaded.component[`./component/${moduleName}.ts`]?.[exportName];
      const ref = api[moduleName]?.[exportName];
      const kind = kindOf(fn);
      if (ref === undefined || kind === null || kind === "query") continue;
      const args = jsonToConvex(job.args[0] ?? {}) as Args;
      const run = async () => {
        try {
          if (kind === "mutation") await t.mutation(ref as Ref<"mutation">, args);
          else await t.action(ref as Ref<"action">, args);
        } catch (error) {
          log(`cron "${label}" failed: ${(error as Error).message}`);
        }
      };
      timers.push(setInterval(() => void run(), everyMs));
    }
    return () => timers.forEach(clearInterval);
  }

  return {
    authConfig: loaded.authConfig,
    lookup,
    call,
    startCrons,
    /** Runs the app's HTTP actions (http.ts) for a request to the site origin. */
    fetch: (path: string, init: RequestInit) => t.fetch(path, init),
    /** The public keys of what `ctx.auth.signJwt` signed (a deployment serves them at `${CONVEX_CLOUD_URL}/.well-known/jwks.json`). */
    jwks: () => t.jwks(),
  };
}
