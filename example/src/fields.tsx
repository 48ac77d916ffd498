/** Form fields the example's sign-in forms share. */
import { useId } from "react";

/** An email field whose value lives in the parent (several forms share it). */
export type EmailProps = { email: string; onEmailChange: (email: string) => void };

export function EmailField({ email, onEmailChange, disabled }: EmailProps & { disabled?: boolean }) {
  return (
    <label>
      Email
      <input
        type="email"
        value={email}
        onChange={(e) => onEmailChange(e.target.value)}
        required
        autoComplete="email"
        disabled={disabled}
      />
    </label>
  );
}

/**
 * The example's rule for new passwords, as the server's `Password()` applies
 * it by default (`passwordPolicy: { minLength, maxLength }` changes it there).
 */
export const NEW_PASSWORD_RULE = "12 to 128 characters; any characters, spaces too.";

/** A password field; a new password's field says the rule under it. */
export function PasswordField({
  label,
  value,
  onChange,
  autoComplete,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: "current-password" | "new-password";
}) {
  const ruleId = useId();
  const isNew = autoComplete === "new-password";
  return (
    <>
      <label>
        {label}
        <input
          type="password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required
          autoComplete={autoComplete}
          {...(isNew ? { "aria-describedby": ruleId } : {})}
        />
      </label>
      {isNew && (
        <p id={ruleId} className="muted small">
          {NEW_PASSWORD_RULE}
        </p>
      )}
    </>
  );
}
