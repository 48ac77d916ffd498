#!/usr/bin/env node
// `npm run dev`: the example app on this machine, with no account, no network
// and nothing to set up.
//
// 1. Starts the embedded development backend (scripts/dev-backend): the
//    example's Convex functions and this component on convex-test, behind
//    Convex's client protocols, at http://localhost:3210 (HTTP actions at
//    http://localhost:3211). Its data lives in memory; tokens are signed with
//    the deployment's key (no key pair); its secrets (AUTH_CODE_SECRET, the
//    TOTP key) are generated once into .dev-backend/.
// 2. Starts Vite for the example UI at http://localhost:5173, pointed at it.
// 3. When either exits, or on Ctrl-C, stops the other.
//
// `npm run dev:convex` runs the example on a real Convex deployment instead.
import path from "node:path";
import { binPath, repoRoot, start } from "./lib/processes.mjs";

const PORT = 3210;
const SITE_PORT = 3211;
const UI_PORT = 5173;
const uiUrl = `http://localhost:${UI_PORT}`;

start(
  "dev backend",
  [path.join(repoRoot, "scripts/dev-backend/launch.mjs"), "--port", String(PORT), "--site-port", String(SITE_PORT), "--site-url", uiUrl],
  { stopSignal: "SIGTERM" },
);
start("vite", [binPath("vite", "vite"), "example", "--port", String(UI_PORT), "--strictPort"], {
  stopSignal: "SIGTERM",
  // Beats a VITE_CONVEX_URL that `convex dev` may have left in .env.local.
  env: { ...process.env, VITE_CONVEX_URL: `http://localhost:${PORT}`, VITE_CONVEX_SITE_URL: `http://localhost:${SITE_PORT}` },
  stdio: ["ignore", "inherit", "inherit"],
});
