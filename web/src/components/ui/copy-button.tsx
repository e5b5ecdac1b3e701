import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../../lib/i18n/i18n-context';
import { Button } from './button';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies the text `getText` yields (it may fetch it first) and confirms visibly with "Copied"
 * next to the button, announced through a live region.
 */
export function CopyButton({
  getText,
  label,
  children,
  variant = 'secondary',
  className,
}: {
  getText: () => string | Promise<string>;
  label: string;
  children?: ReactNode;
  variant?: 'primary' | 'secondary' | 'ghost';
  className?: string;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    clearTimeout(timer.current);
    try {
      const text = await getText();
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    timer.current = setTimeout(() => setState('idle'), 2000);
  };

  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant={variant}
        aria-label={children ? undefined : label}
        onClick={() => void copy()}
        className={className}
      >
        {children ?? <CopyIcon />}
      </Button>
      <span role="status" className="text-xs text-green-700 dark:text-green-400">
        {state === 'copied' ? t('token.copied') : state === 'failed' ? t('token.copyFailed') : ''}
      </span>
    </span>
  );
}

export function CopyIcon() {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 20 20"
      className="size-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    >
      <rect x="7" y="7" width="10" height="10" rx="1.5" />
      <path d="M13 7V4.5A1.5 1.5 0 0 0 11.5 3h-7A1.5 1.5 0 0 0 3 4.5v7A1.5 1.5 0 0 0 4.5 13H7" />
    </svg>
  );
}
