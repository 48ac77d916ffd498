/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The deployment URL; `convex dev` writes it to the repo-root .env.local. */
  readonly VITE_CONVEX_URL?: string;
}
