import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ConvexReactClient } from "convex/react";
import { ConvexAuthProvider } from "convex-auth-kit/react";
import { App } from "./App";
import { MissingConvexUrl } from "./MissingConvexUrl";
import { reportSignInError } from "./SignInReturnError";
import "./styles.css";

function createClient(): { client: ConvexReactClient } | { problem: string } {
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
  return { client };
}

const setup = createClient();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    {"client" in setup ? (
      <ConvexAuthProvider client={setup.client} onSignInError={reportSignInError}>
        <App />
      </ConvexAuthProvider>
    ) : (
      <MissingConvexUrl problem={setup.problem} />
    )}
  </StrictMode>,
);
