"use client";
// The live part of the protected page: the viewer from the server's preloaded
// query (then reactive), renaming through a Server Action, and signing out.
import { usePreloadedQuery, type Preloaded } from "convex/react";
import { useRouter } from "next/navigation";
import { useAuthActions } from "convex-auth-kit/nextjs";
import type { api } from "../../../example/convex/_generated/api";
import { rename } from "./actions";

export function Account({ preloaded }: { preloaded: Preloaded<typeof api.users.viewer> }) {
  const viewer = usePreloadedQuery(preloaded);
  const { signOut } = useAuthActions();
  const router = useRouter();
  return (
    <section>
      <p id="client-viewer">{viewer ? `Client sees ${viewer.email} (${viewer.name ?? "no name"})` : "Client sees nobody"}</p>
      <form action={rename} style={{ display: "flex", gap: "0.5rem" }}>
        <label>
          Name <input name="name" />
        </label>
        <button type="submit">Rename</button>
      </form>
      <button
        onClick={async () => {
          await signOut();
          router.push("/signin");
        }}
      >
        Sign out
      </button>
    </section>
  );
}
