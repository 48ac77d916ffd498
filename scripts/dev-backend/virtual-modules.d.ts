/** The virtual module launch.mjs writes: the app's and the component's modules, loaded. */
declare module "dev-backend:functions" {
  export function loadFunctions(): Promise<{
    authConfig: unknown;
    app: Record<string, Record<string, unknown>>;
    component: Record<string, Record<string, unknown>>;
  }>;
}
