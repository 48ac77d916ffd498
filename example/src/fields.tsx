/** Form fields the example's sign-in forms share. */

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

/** A password field. */
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
  return (
    <label>
      {label}
      <input
        type="password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        autoComplete={autoComplete}
      />
    </label>
  );
}
