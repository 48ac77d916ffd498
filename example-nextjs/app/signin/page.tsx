"use client";
// Sign up or sign in with a password; then back to where the proxy sent us from.
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState, type FormEvent } from "react";
import { authErrorCode, useAuthActions } from "convex-auth-kit/nextjs";

function SignInForm() {
  const { signIn } = useAuthActions();
  const router = useRouter();
  const next = useSearchParams().get("redirectTo");
  const [error, setError] = useState<string | null>(null);
  const submit = (flow: "signUp" | "signIn") => async (event: FormEvent<HTMLButtonElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget.form!);
    setError(null);
    try {
      const outcome = await signIn("password", { flow, email: data.get("email"), password: data.get("password") });
      // Only a path of this site: never a redirect elsewhere.
      if (outcome.status === "signedIn") router.push(next?.startsWith("/") && !next.startsWith("//") ? next : "/protected");
    } catch (caught) {
      setError(authErrorCode(caught) ?? "Something went wrong");
    }
  };
  return (
    <form style={{ display: "grid", gap: "0.5rem", maxWidth: 320 }}>
      <label>
        Email <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button onClick={submit("signIn")}>Sign in</button>
      <button onClick={submit("signUp")}>Sign up</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

export default function SignInPage() {
  return (
    <main>
      <h1>Sign in</h1>
      <Suspense>
        <SignInForm />
      </Suspense>
    </main>
  );
}
