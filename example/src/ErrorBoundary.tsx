import { Component, type ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";

type Props = {
  children: ReactNode;
  /** What to show for a caught error. Default: the error as a banner. */
  fallback?: (error: unknown) => ReactNode;
};
type State = { caught: { error: unknown } | null };

/**
 * `useQuery` throws query errors during render; this shows them in place.
 * Remount it (change its parent's `key`) to try again.
 */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { caught: null };

  static getDerivedStateFromError(error: unknown): State {
    return { caught: { error } };
  }

  render() {
    const { caught } = this.state;
    if (caught === null) return this.props.children;
    return this.props.fallback ? this.props.fallback(caught.error) : <ErrorMessage error={caught.error} />;
  }
}
