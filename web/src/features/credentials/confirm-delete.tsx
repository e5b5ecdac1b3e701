import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Button } from '../../components/ui/button';
import { useI18n } from '../../lib/i18n/i18n-context';

/**
 * Delete with a confirmation that names what goes: the first press asks, in place, with the focus
 * on the confirming button; Escape or Cancel puts the focus back.
 */
export function ConfirmDelete({
  label,
  question,
  isPending,
  onConfirm,
}: {
  label: string;
  question: string;
  isPending: boolean;
  onConfirm: () => void;
}) {
  const { t } = useI18n();
  const [isAsking, setAsking] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    // The first button is the opener, or (while asking) the confirming one.
    if (isAsking || wasAsking.current) containerRef.current?.querySelector('button')?.focus();
    wasAsking.current = isAsking;
  }, [isAsking]);

  const onEscape = (event: KeyboardEvent) => {
    if (event.key === 'Escape') setAsking(false);
  };

  return (
    <div ref={containerRef}>
      {isAsking ? (
        <div role="group" aria-label={question} className="flex flex-wrap items-center gap-2">
          <span className="text-sm">{question}</span>
          <Button variant="danger" disabled={isPending} onClick={onConfirm} onKeyDown={onEscape}>
            {t('credentials.confirmDelete')}
          </Button>
          <Button onClick={() => setAsking(false)} onKeyDown={onEscape}>
            {t('credentials.cancel')}
          </Button>
        </div>
      ) : (
        <Button variant="danger" onClick={() => setAsking(true)} aria-label={label}>
          {t('credentials.delete')}
        </Button>
      )}
    </div>
  );
}
