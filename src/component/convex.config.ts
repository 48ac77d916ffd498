import { defineComponent } from "convex/server";

/** The auth component. Mount it in the app's `convex.config.ts` with `app.use(auth)`. */
const component = defineComponent("auth");

export default component;
