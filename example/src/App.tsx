import { useEffect, useState, type ReactNode } from "react";
import { usePendingStep } from "convex-auth-kit/react";
import { ConnectionStatus } from "./ConnectionStatus";
import { AccountPage } from "./AccountPage";
import { AdminPage } from "./AdminPage";
import { ApiKeysPage } from "./ApiKeysPage";
import { DirectoryPage } from "./DirectoryPage";
import { GroupsPage } from "./GroupsPage";
import { ImpersonationBanner } from "./ImpersonationBanner";
import { PasskeysPage } from "./PasskeysPage";
import { PendingSignInPrompt } from "./PendingSignIn";
import { SecondFactorPrompt } from "./SecondFactor";
import { SignInOptionsPage } from "./SignInOptionsPage";
import { SignInReturnError } from "./SignInReturnError";
import { TotpPage } from "./TotpPage";

type Page = { path: string; label: string; render: () => ReactNode };

// One entry per page; the first is the default.
const pages: Page[] = [
  { path: "account", label: "Account", render: () => <AccountPage /> },
  { path: "sign-in", label: "More sign-in", render: () => <SignInOptionsPage /> },
  { path: "passkeys", label: "Passkeys", render: () => <PasskeysPage /> },
  { path: "two-factor", label: "Two-factor", render: () => <TotpPage /> },
  { path: "groups", label: "Groups", render: () => <GroupsPage /> },
  { path: "api-keys", label: "API keys", render: () => <ApiKeysPage /> },
  { path: "directory", label: "Directory", render: () => <DirectoryPage /> },
  { path: "admin", label: "Admin", render: () => <AdminPage /> },
];

/** The page named by the URL hash (`#/account`); the first page otherwise. */
function useCurrentPage(): Page {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  // An invite link (#/invite/<token>) opens the Groups page, which reads it.
  const path = hash.replace(/^#\/?/, "").replace(/^invite\/.*$/, "groups");
  return pages.find((page) => page.path === path) ?? pages[0]!;
}

export function App() {
  const current = useCurrentPage();
  // A sign-in waiting for its second factor (from any page, an OAuth return, a
  // magic link, or before a reload): the prompt takes the page's place.
  const secondFactor = usePendingStep()?.kind === "secondFactor";
  return (
    <div className="layout">
      <header className="topbar">
        <span className="brand">convex-auth-kit</span>
        <span className="subtitle">example app</span>
        <ConnectionStatus />
      </header>
      <nav className="sidebar" aria-label="Pages">
        {pages.map((page) => (
          <a
            key={page.path}
            href={`#/${page.path}`}
            aria-current={page === current ? "page" : undefined}
          >
            {page.label}
          </a>
        ))}
      </nav>
      <main className="content">
        {/* An admin acting as a user: on every page, with the way back. */}
        <ImpersonationBanner />
        {/* An OAuth return or a link that failed, whichever page it landed on. */}
        <SignInReturnError />
        {/* A magic link opened in a browser that did not ask for it waits here for a yes or no. */}
        <PendingSignInPrompt />
        <SecondFactorPrompt />
        {!secondFactor && current.render()}
      </main>
    </div>
  );
}
