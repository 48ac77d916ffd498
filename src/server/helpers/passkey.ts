import type { ComponentApi } from "../../component/_generated/component.js";

/** `auth.passkey.*` (being built: passkeys issue). */
export function passkeyHelpers(_component: ComponentApi) {
  return {};
}
