import { useEffect, useState, type ReactNode } from "react";
import { ConnectionStatus } from "./ConnectionStatus";
import { AccountPage } from "./AccountPage";
import { DirectoryPage } from "./DirectoryPage";

type Page = { path: string; label: string; render: () => ReactNode };

// One entry per page; the first is the default. Passkeys, TOTP, API keys and
// groups go here as the component grows.
const pages: Page[] = [
  { path: "account", label: "Account", render: () => <AccountPage /> },
  { path: "directory", label: "Directory", render: () => <DirectoryPage /> },
];

/** The page named by the URL hash (`#/account`); the first page otherwise. */
function useCurrentPage(): Page {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const path = hash.replace(/^#\/?/, "");
  return pages.find((page) => page.path === path) ?? pages[0]!;
}

export function App() {
  const current = useCurrentPage();
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
      <main className="content">{current.render()}</main>
    </div>
  );
}
