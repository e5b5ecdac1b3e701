import { useEffect, useRef } from 'react';
import type { Network } from '@contract/networks';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { useI18n } from '../../lib/i18n/i18n-context';

export function NetworkDetailPanel({ network, onClose }: { network: Network; onClose: () => void }) {
  const { t } = useI18n();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [network.id]);
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onClose]);
  const yesNo = (value: boolean) => (value ? t('networks.yes') : t('networks.no'));
  const rows: [string, string][] = [
    [t('networks.name'), network.name || t('networks.unnamed')],
    [t('networks.id'), network.id],
    [t('networks.status'), network.status],
    [t('networks.adminState'), yesNo(network.adminStateUp)],
    [t('networks.shared'), yesNo(network.shared)],
    [t('networks.external'), yesNo(network.external)],
    [t('networks.mtu'), network.mtu === null ? '—' : String(network.mtu)],
    [t('networks.project'), network.projectId ?? '—'],
    [t('networks.zones'), network.availabilityZones.join(', ') || '—'],
    [t('networks.subnets'), network.subnets.join(', ') || '—'],
    [t('networks.description'), network.description || '—'],
    [t('networks.created'), network.createdAt ?? '—'],
    [t('networks.updated'), network.updatedAt ?? '—'],
  ];
  return (
    <aside
      aria-labelledby="network-detail-heading"
      className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-700"
    >
      <div className="flex items-start justify-between gap-2">
        <h2
          id="network-detail-heading"
          ref={headingRef}
          tabIndex={-1}
          className="text-lg font-semibold focus:outline-none"
        >
          {t('networks.details')}
        </h2>
        <Button variant="ghost" onClick={onClose}>
          {t('networks.close')}
        </Button>
      </div>
      <dl className="grid grid-cols-1 gap-y-1 text-sm sm:grid-cols-[max-content_1fr] sm:gap-x-3">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="font-medium text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="break-all">{value}</dd>
          </div>
        ))}
      </dl>
      <CopyButton label={t('networks.copyId', { id: network.id })} getText={() => network.id} />
    </aside>
  );
}
