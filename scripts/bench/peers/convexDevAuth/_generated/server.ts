/**
 * Hand-made stand-in for `convex codegen`'s server.js: the generic builders
 * under their usual names (the peer itself imports the generic ones from
 * "convex/server"). Also gives convex-test the `_generated` path it needs to
 * find the app's root in the module glob.
 */
export {
  actionGeneric as action,
  httpActionGeneric as httpAction,
  internalActionGeneric as internalAction,
  internalMutationGeneric as internalMutation,
  internalQueryGeneric as internalQuery,
  mutationGeneric as mutation,
  queryGeneric as query,
} from "convex/server";
