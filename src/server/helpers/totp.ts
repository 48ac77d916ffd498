import type { ComponentApi } from "../../component/_generated/component.js";

/** `auth.totp.*` (being built: TOTP issue). */
export function totpHelpers(_component: ComponentApi) {
  return {};
}
