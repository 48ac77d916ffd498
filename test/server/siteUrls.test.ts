/**
 * Several site URLs (`SITE_URL` as a list, src/shared/siteUrls.ts and
 * src/server/siteUrls.ts): exact entries and narrow patterns for preview
 * deployments, look-alike hosts refused, patterns that could match another
 * registrable domain refused as configuration, and redirects to a preview.
 */
import { getDomain } from "tldts";
import { describe, expect, test } from "vitest";
import { resolveRedirect } from "../../src/server/oauth/redirect.js";
import { isSiteOrigin, siteUrls } from "../../src/server/siteUrls.js";
import { parseSiteEntry, parseSiteUrls, sitesOfOrigin } from "../../src/shared/siteUrls.js";
import { expectAuthError } from "../harness/errors.js";

const psl = (host: string) => getDomain(host, { allowPrivateDomains: true });
const PREVIEWS = "https://app.example.com, https://*.preview.example.com, https://pr-*.staging.example.org:8443/app, http://localhost:3000";
const env = { SITE_URL: PREVIEWS };

const LOOK_ALIKES = [
  "https://preview.example.com", // the pattern's parent itself
  "https://a.b.preview.example.com", // two labels where * stands for one
  "https://pr-1.preview.example.com.evil.com",
  "https://pr-1.preview.example.comevil.com",
  "https://pr-1-preview.example.com",
  "https://evilpreview.example.com",
  "https://pr-1.preview.exampIe.com",
  "https://pr-1.preview.example.co",
  "http://pr-1.preview.example.com", // scheme
  "https://pr-1.preview.example.com:444", // port
  "https://-x.preview.example.com", // not a DNS label
  "https://pr-1.preview.example.com.", // trailing dot: another origin to a browser
  "https://x@pr-1.preview.example.com",
  "https://staging.example.org:8443", // pr-* needs its prefix
  "https://pr-.staging.example.org:8443",
  "https://pr-7.staging.example.org", // the pattern's port is 8443
  "https://app.example.com.evil.com",
  "https://evil.com",
  "null",
  "",
];

describe("parsing", () => {
  test("exact URLs and patterns; the first is the main URL", () => {
    const sites = parseSiteUrls(PREVIEWS, psl);
    expect(sites.main).toMatchObject({ protocol: "https:", host: "app.example.com", path: "" });
    expect(sites.entries.map((e) => e.pattern?.domain ?? null)).toEqual([null, "example.com", "example.org", null]);
    expect(sites.entries[2]).toMatchObject({ port: "8443", path: "/app", pattern: { before: "pr-", after: ".staging.example.org" } });
  });

  test("patterns that could match another registrable domain, or are not narrow, are refused", () => {
    for (const pattern of [
      "https://*.com",
      "https://*.co.uk",
      "https://*.vercel.app", // a shared host: every match is someone's own site
      "https://my-app-*.vercel.app",
      "https://*-team.netlify.app",
      "https://*.github.io",
      "https://*.s3.amazonaws.com",
      "https://*.kawasaki.jp",
      "https://*",
      "https://*.localhost",
      "https://a.*.example.com",
      "https://*.*.example.com",
      "https://**.example.com",
      "https://*x*.example.com",
      "https://*.example.com.", // trailing dot
      "https://*_x.example.com",
      "ftp://*.example.com",
      "https://u:p@*.example.com",
    ]) {
      expect(() => parseSiteEntry(pattern, psl), pattern).toThrow();
    }
    // Accepted: one label's worth under a domain of one's own.
    for (const pattern of ["https://*.example.com", "https://pr-*.preview.example.com", "https://*-app.preview.example.com", "https://*.my-app.vercel.app", "https://*.city.kawasaki.jp"]) {
      expect(() => parseSiteEntry(pattern, psl), pattern).not.toThrow();
    }
    expect(() => parseSiteUrls("https://*.preview.example.com, https://app.example.com", psl)).toThrow(/main URL/);
    expect(() => parseSiteUrls(" , ", psl)).toThrow();
    expect(() => parseSiteUrls(Array.from({ length: 51 }, (_, i) => `https://a${i}.example.com`).join(","), psl)).toThrow();
  });

  test("a pattern is never matched by its text alone: without the Public Suffix List it does not parse, and a host on another registrable domain does not match", () => {
    expect(() => parseSiteEntry("https://*.preview.example.com")).toThrow(/Public Suffix List/);
    const sites = parseSiteUrls("https://app.example.com, https://*.preview.example.com", psl);
    // A list that says the host is its own registrable domain (as for a public suffix's child).
    expect(sitesOfOrigin(sites, "https://pr-1.preview.example.com", () => "pr-1.preview.example.com")).toEqual([]);
    expect(sitesOfOrigin(sites, "https://pr-1.preview.example.com", psl)).toHaveLength(1);
  });
});

describe("matching origins", () => {
  test("every site's origins match, look-alikes never", async () => {
    for (const origin of [
      "https://app.example.com",
      "https://pr-1.preview.example.com",
      "https://feature-login-2.preview.example.com",
      "https://PR-3.Preview.Example.com",
      "https://pr-7.staging.example.org:8443",
      "http://localhost:3000",
    ]) {
      expect(await isSiteOrigin(origin, env), origin).toBe(true);
    }
    for (const origin of LOOK_ALIKES) expect(await isSiteOrigin(origin, env), origin).toBe(false);
  });

  test("a malformed SITE_URL is CONFIGURATION (and no origin is the app's)", async () => {
    for (const raw of ["https://*.co.uk", "https://app.example.com, https://*.com", "https://app.example.com, not a url"]) {
      await expectAuthError(siteUrls({ SITE_URL: raw }), "CONFIGURATION");
      expect(await isSiteOrigin("https://app.example.com", { SITE_URL: raw })).toBe(false);
    }
  });
});

describe("redirects (OAuth returns, magic links)", () => {
  test("to a preview, under its path; the default is the main URL", async () => {
    expect(await resolveRedirect(undefined, env)).toBe("https://app.example.com");
    expect(await resolveRedirect("/after", env)).toBe("https://app.example.com/after");
    expect(await resolveRedirect("https://pr-12.preview.example.com/after?x=1", env)).toBe("https://pr-12.preview.example.com/after?x=1");
    expect(await resolveRedirect("https://pr-7.staging.example.org:8443/app/x", env)).toBe("https://pr-7.staging.example.org:8443/app/x");
    expect(await resolveRedirect("http://localhost:3000/", env)).toBe("http://localhost:3000/");
  });

  test("look-alikes and paths outside a pattern's are INVALID_REDIRECT", async () => {
    for (const origin of LOOK_ALIKES.filter((o) => o !== "")) {
      await expectAuthError(resolveRedirect(`${origin}/after`, env), "INVALID_REDIRECT");
    }
    await expectAuthError(resolveRedirect("https://pr-7.staging.example.org:8443/other", env), "INVALID_REDIRECT");
    await expectAuthError(resolveRedirect("https://pr-12.preview.example.com//evil.com", env), "INVALID_REDIRECT");
  });

  test("one origin listed twice with different paths: under either", async () => {
    const twoPaths = { SITE_URL: "https://example.com/app, https://example.com/admin" };
    expect(await resolveRedirect("https://example.com/admin/x", twoPaths)).toBe("https://example.com/admin/x");
    expect(await resolveRedirect("/x", twoPaths)).toBe("https://example.com/app/x");
    await expectAuthError(resolveRedirect("https://example.com/other", twoPaths), "INVALID_REDIRECT");
  });
});
