import { Component, type ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";

type Props = { children: ReactNode };
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
    return this.state.caught ? <ErrorMessage error={this.state.caught.error} /> : this.props.children;
  }
}
