import type { ReactNode } from 'react';

/** Label/value rows as a description list: two columns from the small breakpoint up. */
export function DetailsList({ rows, className = '' }: { rows: [string, ReactNode][]; className?: string }) {
  return (
    <dl
      className={`grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr] ${className}`.trim()}
    >
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt className="font-medium text-slate-600 dark:text-slate-400">{label}</dt>
          <dd className="break-all">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
