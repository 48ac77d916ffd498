import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

const exampleDir = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

// The example UI. `npm run dev` serves it next to `convex dev`;
// `npm run build:example` builds it into example/dist.
export default defineConfig({
  root: exampleDir,
  // `convex dev` writes VITE_CONVEX_URL to the repo-root .env.local.
  envDir: repoRoot,
  plugins: [react()],
  resolve: {
    // Read this package's TypeScript sources (see package.json "exports")
    // instead of a built dist/, like the Convex functions do.
    conditions: ["@convex-dev/component-source", ...defaultClientConditions],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
});
