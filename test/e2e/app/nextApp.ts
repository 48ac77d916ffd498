/**
 * The Next.js example (example-nextjs) as the browser tests meet it:
 * built with `next build` (telemetry off, no network: no fonts or assets
 * from outside) and served by `next start` on both loopback addresses,
 * against a dev backend's deployment URL (read at run time, so the build
 * does not depend on it). How long the build took is reported, for CI.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const NEXT = path.join(repoRoot, "node_modules/next/dist/bin/next");
const EXAMPLE = path.join(repoRoot, "example-nextjs");

/** Runs `next <args>` in the example; resolves with its output when it exits 0. */
function runNext(args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT, ...args], { cwd: EXAMPLE, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`next ${args.join(" ")} took over ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`next ${args.join(" ")} exited ${code}:\n${output}`));
    });
  });
}

const QUIET = { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };

/** Builds the example (`next build`); returns how long it took. */
export async function buildNextExample(): Promise<{ ms: number; output: string }> {
  const started = Date.now();
  const output = await runNext(["build"], QUIET, 8 * 60_000);
  return { ms: Date.now() - started, output };
}

/** Serves the built example on `port` (`::`, which takes 127.0.0.1 too) against `convexUrl`. */
export async function startNextExample(port: number, convexUrl: string) {
  const child: ChildProcess = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "::"], {
    cwd: EXAMPLE,
    env: { ...process.env, ...QUIET, CONVEX_URL: convexUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  const url = `http://localhost:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(`${url}/signin`);
      break;
    } catch {
      if (Date.now() > until) throw new Error(`next start did not answer:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return {
    url,
    log: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
