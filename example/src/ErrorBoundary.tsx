import { Component, type ReactNode } from "react";
import { ErrorMessage } from "./ErrorMessage";

type Props = {
  children: ReactNode;
  /** What to show for a caught error. Default: the error as a banner. */
  fallback?: (error: unknown) => ReactNode;
  /**
   * Errors that may pass by themselves (a query answered for a session that
   * a sign-in is replacing): the children render again after a moment, up
   * to 20 times while `resetKey` stays the same.
   */
  retry?: (error: unknown) => boolean;
  /** A caught error is dropped (the children render again) when this changes; the children are not remounted otherwise. */
  resetKey?: string;
};
type State = { caught: { error: unknown } | null };

/** How long a retried error shows before the children render again. */
const RETRY_MS = 250;
const MAX_RETRIES = 20;

/**
 * `useQuery` throws query errors during render; this shows them in place.
 * Remount it (change its parent's `key`) to try again, or change its
 * `resetKey` to try again without remounting what did not fail.
 */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { caught: null };
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  static getDerivedStateFromError(error: unknown): State {
    return { caught: { error } };
  }

  componentDidCatch(error: unknown) {
    if (this.props.retry?.(error) !== true || this.#retries >= MAX_RETRIES) return;
    this.#retries += 1;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.setState({ caught: null }), RETRY_MS);
  }

  componentDidUpdate(previous: Props) {
    if (previous.resetKey === this.props.resetKey) return;
    this.#retries = 0;
    if (this.state.caught !== null) this.setState({ caught: null });
  }

  componentWillUnmount() {
    clearTimeout(this.#timer);
  }

  render() {
    const { caught } = this.state;
    if (caught === null) return this.props.children;
    return this.props.fallback ? this.props.fallback(caught.error) : <ErrorMessage error={caught.error} />;
  }
}
