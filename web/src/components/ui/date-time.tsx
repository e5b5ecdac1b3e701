import { useId } from 'react';

export function formatLocal(iso: string, locale: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatUtc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A time shown in local time; hovering or focusing it shows local and UTC. The tooltip is also
 * its accessible description, so screen readers hear both without hovering.
 */
export function DateTime({
  iso,
  locale,
  localLabel,
  utcLabel,
}: {
  iso: string;
  locale: string;
  localLabel: (time: string) => string;
  utcLabel: (time: string) => string;
}) {
  const id = useId();
  const local = formatLocal(iso, locale);
  const utc = formatUtc(iso);
  return (
    <span className="group relative inline-block">
      {/* A button so keyboard users can focus it to see the tooltip; it does nothing when pressed. */}
      <button
        type="button"
        aria-describedby={id}
        className="cursor-help rounded text-left underline decoration-dotted underline-offset-2 focus-visible:outline-2 focus-visible:outline-blue-600"
      >
        <time dateTime={iso}>{local}</time>
      </button>
      <span
        role="tooltip"
        id={id}
        className="invisible absolute top-full left-0 z-20 mt-1 w-max max-w-xs rounded bg-slate-900 px-2 py-1 text-xs text-white group-focus-within:visible group-hover:visible dark:bg-slate-100 dark:text-slate-900"
      >
        {localLabel(local)}
        <br />
        {utcLabel(utc)}
      </span>
    </span>
  );
}
