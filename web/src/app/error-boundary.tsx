import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Last line of defence: a render error shows a way out instead of a blank page. */
export class ErrorBoundary extends Component<
  { fallback: (reset: () => void) => ReactNode; children: ReactNode },
  { hasError: boolean }
> {
  override state = { hasError: false };

  static getDerivedStateFromError(): { hasError: boolean } {
    return { hasError: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    // Message and component stack only: errors here never carry tokens (they are not rendered into errors).
    console.error('Render error', error.message, info.componentStack);
  }

  override render() {
    if (this.state.hasError) return this.props.fallback(() => this.setState({ hasError: false }));
    return this.props.children;
  }
}
