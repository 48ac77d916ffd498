/** Where a redirect-based sign-in may send the browser: SITE_URL or under it. */
import { describe, expect, test } from "vitest";
import { resolveRedirect, withQuery } from "../../src/server/oauth/redirect.js";
import { expectAuthError } from "../harness/errors.js";

const at = (siteUrl: string) => ({ SITE_URL: siteUrl });
const refused = (redirectTo: unknown, site = "https://app.example.com") =>
  expectAuthError(Promise.resolve().then(() => resolveRedirect(redirectTo, at(site))), "INVALID_REDIRECT");

describe("resolveRedirect", () => {
  test("SITE_URL itself, and paths, queries and fragments under it", () => {
    const env = at("https://app.example.com/");
    expect(resolveRedirect(undefined, env)).toBe("https://app.example.com");
    expect(resolveRedirect("", env)).toBe("https://app.example.com");
    expect(resolveRedirect("/dashboard?tab=1", env)).toBe("https://app.example.com/dashboard?tab=1");
    expect(resolveRedirect("?tab=1", env)).toBe("https://app.example.com/?tab=1");
    expect(resolveRedirect("#/account", env)).toBe("https://app.example.com/#/account");
    expect(resolveRedirect("https://app.example.com/x", env)).toBe("https://app.example.com/x");
    expect(resolveRedirect("/x?next=https://app.example.com/y", env)).toBe("https://app.example.com/x?next=https://app.example.com/y");
  });

  test("a SITE_URL with a path keeps redirects under that path", () => {
    const env = at("https://example.com/app");
    expect(resolveRedirect("/settings", env)).toBe("https://example.com/app/settings");
    expect(resolveRedirect("https://example.com/app/x", env)).toBe("https://example.com/app/x");
  });

  test("anything else is refused", async () => {
    for (const target of [
      "https://evil.example/",
      "https://app.example.com.evil.example/",
      "https://app.example.com@evil.example/",
      "https://user:pw@app.example.com/",
      "http://app.example.com/",
      "https://app.example.com:8443/",
      "//evil.example",
      "/\\evil.example",
      "https://app.example.com//evil.example",
      "javascript:alert(1)",
      "data:text/html,hi",
      "relative/path",
      42,
    ]) {
      await refused(target);
    }
    await refused("https://example.com/application", "https://example.com/app");
    await refused("/../admin", "https://example.com/app");
  });

  test("without SITE_URL: CONFIGURATION", async () => {
    await expectAuthError(Promise.resolve().then(() => resolveRedirect("/", {})), "CONFIGURATION");
    await expectAuthError(Promise.resolve().then(() => resolveRedirect("/", at("ftp://x"))), "CONFIGURATION");
  });

  test("withQuery puts parameters before the fragment", () => {
    expect(withQuery("https://app.example.com/#/account", { code: "abc" })).toBe("https://app.example.com/?code=abc#/account");
  });
});
