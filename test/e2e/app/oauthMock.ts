/**
 * The GitHub look-alike of test/fixtures/oauthServers.ts (`startGitHub`, on
 * 127.0.0.1) as a browser reaches it: a small front on localhost (127.0.0.1
 * and ::1, one port) that passes every request through, so the browser and
 * the backend both use http://localhost:<port>. Playwright cannot intercept
 * a redirect's target (the provider's authorize page is one), so what the
 * person does at GitHub is set here:
 * - `approve` (default): the mock's auto-approval;
 * - `deny`: the person clicks Cancel, GitHub returns to the callback with
 *   `error=access_denied` and the flow's `state`;
 * - `hold`: the approval is made but not followed: the page shows the
 *   callback URL (code and state) instead, as an attacker who stops there
 *   sees it; `held` lists those URLs.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startGitHub } from "../../fixtures/oauthServers.js";
import { startDevApp, type DevApp } from "./devApp.js";

export type GitHubMode = "approve" | "deny" | "hold";

export async function startGitHubOnLocalhost() {
  const upstream = await startGitHub();
  let mode: GitHubMode = "approve";
  const held: string[] = [];

  const handler: http.RequestListener = (request, response) => {
    const url = new URL(request.url ?? "/", upstream.base);
    if (url.pathname === "/login/oauth/authorize" && mode !== "approve") {
      void answerAuthorize(url, response);
      return;
    }
    const forwarded = http.request(url, { method: request.method, headers: request.headers, agent: false }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.on("error", (error) => {
      response.writeHead(502).end(String(error));
    });
    request.pipe(forwarded);
  };

  async function answerAuthorize(url: URL, response: http.ServerResponse): Promise<void> {
    if (mode === "deny") {
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The user has denied your application access.");
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      response.writeHead(302, { location: back.href }).end();
      return;
    }
    const approval = await fetch(url, { redirect: "manual" });
    const location = approval.headers.get("location") ?? "";
    held.push(location);
    response.writeHead(200, { "content-type": "text/plain" }).end(`Held at the redirect back to ${location}`);
  }

  const servers: http.Server[] = [];
  let port = 0;
  for (const host of ["127.0.0.1", "::1"]) {
    const server = http.createServer(handler);
    const listening = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false)); // no IPv6 here: 127.0.0.1 is enough
      server.listen(port, host, () => resolve(true));
    });
    if (!listening) continue;
    port = (server.address() as AddressInfo).port;
    servers.push(server);
  }

  return {
    /** http://localhost:<port>: GitHub's base URL for the browser and the backend. */
    url: `http://localhost:${port}`,
    /** The identity the next sign-ins get. */
    who: upstream.who,
    /** What the person does at the next authorize pages. */
    set mode(next: GitHubMode) {
      mode = next;
    },
    get mode() {
      return mode;
    },
    /** The callback URLs `hold` kept. */
    held,
    async stop() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await upstream.stop();
    },
  };
}

/** The GitHub look-alike on localhost for the browser, before the dev app whose environment points at it. */
export type GitHubOnLocalhost = Awaited<ReturnType<typeof startGitHubOnLocalhost>>;

/**
 * Starts the GitHub look-alike, then the example app with GitHub
 * configured against it (its URL goes into the backend's environment, so
 * the mock comes first); `stop` ends both.
 */
export async function startDevAppWithGitHub(): Promise<{ app: DevApp; github: GitHubOnLocalhost; stop: () => Promise<void> }> {
  const github = await startGitHubOnLocalhost();
  const app = await startDevApp({
    env: { AUTH_GITHUB_ID: "gh-client", AUTH_GITHUB_SECRET: "gh-secret", AUTH_GITHUB_ENTERPRISE_URL: github.url },
  });
  return {
    app,
    github,
    stop: async () => {
      await app.stop();
      await github.stop();
    },
  };
}
