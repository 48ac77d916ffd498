/**
 * A sign-in finished from the URL that failed, shown above every page: an
 * OAuth return (`?authError=CODE`, which the callback adds on the way back)
 * or a link or code in the URL that no longer works (the error
 * `ConvexAuthProvider` passes to `onSignInError`; main.tsx reports it here).
 */
import { useEffect, useState, useSyncExternalStore } from "react";
import { describeError } from "./errors";

const listeners = new Set<() => void>();
let reported: { error: unknown } | null = null;

/** For `ConvexAuthProvider`'s `onSignInError`. */
export function reportSignInError(error: unknown): void {
  reported = { error };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function SignInReturnError() {
  const fromProvider = useSyncExternalStore(subscribe, () => reported);
  const [fromUrl, setFromUrl] = useState<string | null>(() => new URL(window.location.href).searchParams.get("authError"));
  useEffect(() => {
    if (fromUrl === null) return;
    const url = new URL(window.location.href);
    url.searchParams.delete("authError");
    window.history.replaceState(window.history.state, "", url.toString());
  }, [fromUrl]);
  const dismiss = () => {
    setFromUrl(null);
    reported = null;
    for (const listener of listeners) listener();
  };
  if (fromUrl === null && fromProvider === null) return null;
  const { code, message } =
    fromUrl !== null
      ? { code: fromUrl, message: "Signing in with the provider did not work; try again." }
      : describeError(fromProvider!.error);
  return (
    <p className="error" role="alert">
      {code && <span className="error-code">{code}</span>}
      {fromUrl !== null ? message : `That sign-in link or return did not work: ${message}`}{" "}
      <button type="button" className="link" onClick={dismiss}>
        Dismiss
      </button>
    </p>
  );
}
