import type { ReactNode } from 'react';

type Tone = 'green' | 'red' | 'amber' | 'slate' | 'blue';

const tones: Record<Tone, string> = {
  green: 'bg-green-100 text-green-800 dark:bg-green-900 dark:text-green-100',
  red: 'bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-100',
  amber: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  slate: 'bg-slate-100 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  blue: 'bg-blue-100 text-blue-800 dark:bg-blue-900 dark:text-blue-100',
};

export function Badge({ tone = 'slate', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${tones[tone]}`}>
      {children}
    </span>
  );
}
