/** Where a redirect-based sign-in may send the browser: SITE_URL or under it. */
import { describe, expect, test } from "vitest";
import { resolveRedirect, withQuery } from "../../src/server/oauth/redirect.js";
import { expectAuthError } from "../harness/errors.js";

const at = (siteUrl: string) => ({ SITE_URL: siteUrl });
const refused = (redirectTo: unknown, site = "https://app.example.com") =>
  expectAuthError(resolveRedirect(redirectTo, at(site)), "INVALID_REDIRECT");

describe("resolveRedirect", () => {
  test("SITE_URL itself, and paths, queries and fragments under it", async () => {
    const env = at("https://app.example.com/");
    expect(await resolveRedirect(undefined, env)).toBe("https://app.example.com");
    expect(await resolveRedirect("", env)).toBe("https://app.example.com");
    expect(await resolveRedirect("/dashboard?tab=1", env)).toBe("https://app.example.com/dashboard?tab=1");
    expect(await resolveRedirect("?tab=1", env)).toBe("https://app.example.com/?tab=1");
    expect(await resolveRedirect("#/account", env)).toBe("https://app.example.com/#/account");
    expect(await resolveRedirect("https://app.example.com/x", env)).toBe("https://app.example.com/x");
    expect(await resolveRedirect("/x?next=https://app.example.com/y", env)).toBe("https://app.example.com/x?next=https://app.example.com/y");
  });

  test("a SITE_URL with a path keeps redirects under that path", async () => {
    const env = at("https://example.com/app");
    expect(await resolveRedirect("/settings", env)).toBe("https://example.com/app/settings");
    expect(await resolveRedirect("https://example.com/app/x", env)).toBe("https://example.com/app/x");
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

  test("input the URL parser rewrites is judged by what it parses to", async () => {
    const env = at("https://app.example.com");
    // Accepted: plain paths and queries under SITE_URL.
    expect(await resolveRedirect("/ok/path", env)).toBe("https://app.example.com/ok/path");
    expect(await resolveRedirect("?tab=x", env)).toBe("https://app.example.com/?tab=x");
    expect(await resolveRedirect("/ok/path?q=a%2Fb#frag", env)).toBe("https://app.example.com/ok/path?q=a%2Fb#frag");
    expect(await resolveRedirect("/caf%C3%A9", env)).toBe("https://app.example.com/caf%C3%A9");
    // Refused: each of these reaches another host, or a "//" path, once parsed or decoded.
    for (const target of [
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r/evil.example",
      "/\t\n/evil.example",
      "\t//evil.example",
      "/\u0000/evil.example",
      "/ok\u007f",
      "/ok?x=\u001b",
      "\\\\evil.example",
      "/\\evil.example",
      "/ok?next=\\evil.example",
      "/%5Cevil",
      "/%5cevil",
      "/%2F/evil.example",
      "/%2f%2fevil.example",
      "/ok//evil.example",
      "//evil.example",
      "///evil.example",
      "https://evil.example",
      "http://site@evil",
      "https://app.example.com@evil",
      "https://app.example.com\t.evil.example/",
      "https://app.example.com/%5Cevil",
      "/%E0%A4%A",
    ]) {
      await refused(target);
    }
  });

  test("a SITE_URL with a path: rewritten input still stays under it", async () => {
    const env = at("https://example.com/app");
    expect(await resolveRedirect("/ok/path", env)).toBe("https://example.com/app/ok/path");
    expect(await resolveRedirect("?tab=x", env)).toBe("https://example.com/app?tab=x");
    for (const target of ["/\t/evil.example", "/\n/evil.example", "//evil.example", "/%5Cevil", "/%2e%2e/admin"]) {
      await refused(target, "https://example.com/app");
    }
  });

  test("without SITE_URL: CONFIGURATION", async () => {
    await expectAuthError(resolveRedirect("/", {}), "CONFIGURATION");
    await expectAuthError(resolveRedirect("/", at("ftp://x")), "CONFIGURATION");
  });

  test("withQuery puts parameters before the fragment", () => {
    expect(withQuery("https://app.example.com/#/account", { code: "abc" })).toBe("https://app.example.com/?code=abc#/account");
  });
});
