/** As the peer's docs write it; convex-test does not read it (the bench builds identities itself). */
export default {
  providers: [
    {
      domain: process.env.CONVEX_SITE_URL,
      applicationID: "convex",
    },
  ],
};
