import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Every web test fails on an unexpected console.error (React act() warnings, failed prop types,
 * errors swallowed by boundaries). A test that expects one calls `expectConsoleError(pattern)`.
 */
let unexpectedErrors: string[] = [];
let allowedPatterns: RegExp[] = [];

export function expectConsoleError(pattern: RegExp): void {
  allowedPatterns.push(pattern);
}

beforeEach(() => {
  unexpectedErrors = [];
  allowedPatterns = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    const text = args
      .map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg)))
      .join(' ');
    if (!allowedPatterns.some((pattern) => pattern.test(text))) unexpectedErrors.push(text);
  });
  // jsdom has no matchMedia; the theme code asks for prefers-color-scheme.
  if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
    Object.defineProperty(window, 'matchMedia', {
      configurable: true,
      value: (query: string) => ({
        matches: false,
        media: query,
        onchange: null,
        addEventListener: () => undefined,
        removeEventListener: () => undefined,
        addListener: () => undefined,
        removeListener: () => undefined,
        dispatchEvent: () => false,
      }),
    });
  }
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  if (typeof window !== 'undefined') window.localStorage.clear();
  const errors = unexpectedErrors;
  unexpectedErrors = [];
  if (errors.length > 0) throw new Error(`Unexpected console.error:\n${errors.join('\n---\n')}`);
});
