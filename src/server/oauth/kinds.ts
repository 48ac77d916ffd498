/**
 * The verifier kinds and lifetimes of the redirect-based sign-ins (OAuth,
 * magic links) live in `src/shared/verifierKinds.ts`; this module keeps the
 * old import path.
 */
export {
  MAGIC_LINK,
  MAGIC_LINK_CONFIRM,
  MAGIC_LINK_CONFIRM_TTL_MS,
  OAUTH_CODE,
  OAUTH_CODE_TTL_MS,
  OAUTH_FLOW,
  OAUTH_FLOW_TTL_MS,
  OAUTH_OPEN_TTL_MS,
} from "../../shared/verifierKinds.js";
