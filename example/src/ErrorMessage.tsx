import { describeError } from "./errors";

/** An error as a banner: `CODE` (when there is one) and the message. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { code, message } = describeError(error);
  return (
    <p className="error" role="alert">
      {code && <span className="error-code">{code}</span>}
      {message}
    </p>
  );
}
