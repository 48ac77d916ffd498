/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The deployment URL; `convex dev` writes it to the repo-root .env.local. */
  readonly VITE_CONVEX_URL?: string;
  /** The deployment's HTTP actions origin, when it is not derivable from VITE_CONVEX_URL. */
  readonly VITE_CONVEX_SITE_URL?: string;
}
