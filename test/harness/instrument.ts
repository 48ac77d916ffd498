/**
 * Wraps every registered Convex function in a module glob so test code can
 * run logic around each invocation (runtime guards, metrics), without changing
 * the functions themselves. convex-test calls a registered function's
 * `_handler`, so the wrapper is a clone of the function with a new `_handler`.
 */

import { AsyncLocalStorage } from "node:async_hooks";

/** What kind of Convex function a frame runs. */
export type FunctionKind = "query" | "mutation" | "action";

/** One invocation of a registered function, as seen by a wrapper. */
export type Frame = {
  kind: FunctionKind;
  /** `module:export`, e.g. `users:create`. */
  name: string;
  /** The function's `ctx` (queries and mutations have `ctx.meta`). */
  ctx: unknown;
  /**
   * How deeply this query or mutation is nested inside its transaction: 0 for
   * the function that started it, 1 for its `ctx.runQuery`/`runMutation`, and
   * so on. Actions are always 0: each of their calls starts a new transaction.
   */
  depth: number;
};

/** Runs around one invocation; must call `run()` exactly once and return its result. */
export type Around = (frame: Frame, run: () => Promise<unknown>) => Promise<unknown>;

/** A module glob as `import.meta.glob` returns it and convex-test takes it. */
export type ModuleGlob = Record<string, () => Promise<unknown>>;

type Handler = (ctx: unknown, args: unknown) => unknown;
type RegisteredFunction = Handler & {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  _handler?: Handler;
};

function kindOf(fn: RegisteredFunction): FunctionKind | null {
  if (fn.isQuery) return "query";
  if (fn.isMutation) return "mutation";
  if (fn.isAction) return "action";
  return null;
}

function moduleName(path: string): string {
  const file = path.replace(/\\/g, "/").replace(/\.(ts|js|mjs|tsx|jsx)$/, "");
  const marker = file.lastIndexOf("/convex/");
  if (marker >= 0) return file.slice(marker + "/convex/".length);
  const component = file.lastIndexOf("/component/");
  return component >= 0 ? file.slice(component + "/component/".length) : file;
}

/** Depth of the innermost running query/mutation; -1 in an action or at the top. */
const nesting = new AsyncLocalStorage<number>();

function wrapFunction(
  fn: RegisteredFunction,
  kind: FunctionKind,
  name: string,
  around: Around,
): RegisteredFunction {
  const handler: Handler = fn._handler ?? fn;
  const wrappedHandler: Handler = (ctx, args) => {
    const depth = kind === "action" ? 0 : (nesting.getStore() ?? -1) + 1;
    const inner = kind === "action" ? -1 : depth;
    return nesting.run(inner, () =>
      around({ kind, name, ctx, depth }, async () => await handler(ctx, args)),
    );
  };
  const clone = ((ctx: unknown, args: unknown) =>
    wrappedHandler(ctx, args)) as RegisteredFunction;
  Object.assign(clone, fn);
  clone._handler = wrappedHandler;
  return clone;
}

/**
 * Returns a glob whose modules export the same things, with every registered
 * query, mutation and action wrapped by `around`. HTTP routers and plain
 * exports pass through untouched.
 */
export function instrumentModules(modules: ModuleGlob, around: Around): ModuleGlob {
  const wrapped: ModuleGlob = {};
  for (const [path, load] of Object.entries(modules)) {
    wrapped[path] = async () => {
      const mod = (await load()) as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [exportName, value] of Object.entries(mod)) {
        const kind =
          typeof value === "function" ? kindOf(value as RegisteredFunction) : null;
        out[exportName] =
          kind === null
            ? value
            : wrapFunction(
                value as RegisteredFunction,
                kind,
                `${moduleName(path)}:${exportName}`,
                around,
              );
      }
      return out;
    };
  }
  return wrapped;
}

/** Chains wrappers: the first given runs outermost. */
export function composeArounds(...arounds: Around[]): Around {
  return arounds.reduceRight<Around>(
    (inner, outer) => (frame, run) => outer(frame, () => inner(frame, run)),
    (_frame, run) => run(),
  );
}
