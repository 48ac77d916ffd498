// Trust the access tokens this deployment mints (served by auth.http.add in http.ts).
export default {
  providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: "convex" }],
};
