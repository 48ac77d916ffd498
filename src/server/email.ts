/** Address normalisation lives in `src/shared/email.ts`; this module keeps the old import path. */
export { normalizeEmail } from "../shared/email.js";
