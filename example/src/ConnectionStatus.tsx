import { useConvex, useConvexConnectionState } from "convex/react";

/** A small badge: is the browser connected to the deployment? */
export function ConnectionStatus() {
  const url = useConvex().url;
  const state = useConvexConnectionState();
  const [label, tone] = state.isWebSocketConnected
    ? ["Connected", "ok"]
    : state.hasEverConnected
      ? ["Reconnecting…", "warn"]
      : state.connectionRetries > 0
        ? ["Cannot reach deployment", "bad"]
        : ["Connecting…", "warn"];
  return (
    <span className={`status status-${tone}`} title={url}>
      {label} <span className="status-url">{url}</span>
    </span>
  );
}
