import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ConvexProvider, ConvexReactClient } from "convex/react";
import { App } from "./App";
import { MissingConvexUrl } from "./MissingConvexUrl";
import { Session, SessionContext } from "./session";
import "./styles.css";

function createClient(): { client: ConvexReactClient; session: Session } | { problem: string } {
  const url = import.meta.env.VITE_CONVEX_URL?.trim();
  if (!url) {
    return { problem: "VITE_CONVEX_URL is not set." };
  }
  let client: ConvexReactClient;
  try {
    client = new ConvexReactClient(url);
  } catch (error) {
    // The client rejects malformed URLs; show why instead of a blank page.
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: `VITE_CONVEX_URL is "${url}", which Convex rejects: ${reason}` };
  }
  // Restores a stored sign-in, if any (once, outside React).
  return { client, session: new Session(client) };
}

const setup = createClient();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    {"client" in setup ? (
      <ConvexProvider client={setup.client}>
        <SessionContext.Provider value={setup.session}>
          <App />
        </SessionContext.Provider>
      </ConvexProvider>
    ) : (
      <MissingConvexUrl problem={setup.problem} />
    )}
  </StrictMode>,
);
