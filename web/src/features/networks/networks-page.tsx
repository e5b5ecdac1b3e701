import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { EndpointInterface } from '@contract/common';
import type { Network } from '@contract/networks';
import { selectEndpoint } from '@contract/endpoint-selection';
import { catalogQueryOptions, listRegionsWithService } from '../../api/catalog-queries';
import { cloudsQueryOptions } from '../../api/clouds-queries';
import { sessionQueryOptions } from '../../api/session-queries';
import { describeScope, scopeOf } from '../../api/token-scope';
import { useRegionChoice } from '../../api/use-region-choice';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { SelectField, TextField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { RegionPicker } from '../../components/ui/region-picker';
import { isApiError } from '../../lib/api-client';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { NetworkDetailPanel } from './network-detail-panel';
import { networksInfiniteQueryOptions, type NetworkSortKey, type SortDir } from './queries';
import { useVirtualRows } from './use-virtual-rows';

const rowHeight = 44;
const sortKeys: NetworkSortKey[] = ['name', 'id', 'status', 'mtu', 'created_at'];
// Shared by header and rows so the columns line up; wide enough to scroll sideways at 375 px.
const gridColumns =
  'grid grid-cols-[minmax(10rem,2fr)_minmax(12rem,2fr)_6rem_5rem_5rem_5rem_4rem_minmax(10rem,2fr)] gap-x-2 px-2';

function statusTone(status: string) {
  if (status === 'ACTIVE') return 'green' as const;
  if (status === 'BUILD') return 'amber' as const;
  if (status === 'DOWN' || status === 'ERROR') return 'red' as const;
  return 'slate' as const;
}

export function NetworksPage() {
  const { t } = useI18n();
  const catalogQuery = useQuery(catalogQueryOptions());
  const session = useQuery(sessionQueryOptions());
  const clouds = useQuery(cloudsQueryOptions());
  const cloud = clouds.data?.clouds.find((c) => c.name === session.data?.cloud);
  const cloudInterface = cloud?.interface ?? 'public';
  // Only the interfaces the BFF will call on this cloud (clouds.yaml `interface` and
  // `api_access.interfaces`); any other would be refused.
  const offeredInterfaces = cloud?.interfaces ?? [cloudInterface];

  const regions = useMemo(
    () => (catalogQuery.data ? listRegionsWithService(catalogQuery.data, 'network') : []),
    [catalogQuery.data],
  );
  const [region, chooseRegion] = useRegionChoice(regions, session.data?.regionName);
  const [chosenInterface, setChosenInterface] = useState<EndpointInterface | null>(null);
  const iface = chosenInterface ?? cloudInterface;
  const hasEndpoint = Boolean(
    catalogQuery.data && region && selectEndpoint(catalogQuery.data, 'network', region, iface),
  );

  const [nameInput, setNameInput] = useState('');
  const name = useDebouncedValue(nameInput.trim(), 300);
  const [sortKey, setSortKey] = useState<NetworkSortKey>('name');
  const [sortDir, setSortDir] = useState<SortDir>('asc');
  const filters = useMemo(() => ({ name, sortKey, sortDir }), [name, sortKey, sortDir]);

  // Networks belong to projects: an unscoped token is not sent to Neutron at all (the BFF refuses
  // it too); a domain or system token is, and Neutron's policy decides what it lists.
  const scope = session.data ? scopeOf(session.data) : null;
  const isUnscoped = scope?.kind === 'unscoped';
  const isWideScope = scope?.kind === 'domain' || scope?.kind === 'system';
  const networksQuery = useInfiniteQuery({
    ...networksInfiniteQueryOptions(region ?? '', iface, filters),
    enabled: region !== null && hasEndpoint && !isUnscoped,
  });
  const networks = useMemo(
    () => networksQuery.data?.pages.flatMap((page) => page.networks) ?? [],
    [networksQuery.data],
  );
  const [selected, setSelected] = useState<Network | null>(null);

  const scrollRef = useRef<HTMLDivElement>(null);
  const { start, end, totalHeight, onScroll } = useVirtualRows(scrollRef, networks.length, rowHeight);

  // Fetch the next page as the end of what is loaded comes into view.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = networksQuery;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && end >= networks.length - 20) void fetchNextPage();
  }, [end, networks.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  // A new filter or region starts from the top.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    onScroll();
  }, [region, iface, filters, onScroll]);

  const yesNo = (value: boolean) => (value ? t('networks.yes') : t('networks.no'));
  const ariaSort = (key: NetworkSortKey) =>
    sortKey === key ? (sortDir === 'asc' ? 'ascending' : 'descending') : undefined;
  const columns: { label: string; key?: NetworkSortKey }[] = [
    { label: t('networks.name'), key: 'name' },
    { label: t('networks.id'), key: 'id' },
    { label: t('networks.status'), key: 'status' },
    { label: t('networks.shared') },
    { label: t('networks.external') },
    { label: t('networks.subnets') },
    { label: t('networks.mtu'), key: 'mtu' },
    { label: t('networks.project') },
  ];

  return (
    <main id="main" className="mx-auto w-full max-w-7xl space-y-4 px-4 py-6">
      <h1 className="text-2xl font-semibold">{t('networks.title')}</h1>
      {catalogQuery.isError && <Notice tone="error">{describeError(catalogQuery.error, t)}</Notice>}
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <RegionPicker
          label={t('networks.region')}
          regions={regions}
          region={region}
          onChoose={chooseRegion}
        />
        <SelectField
          label={t('networks.interface')}
          value={iface}
          onChange={(e) => setChosenInterface(e.target.value as EndpointInterface)}
        >
          {offeredInterfaces.map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('networks.filterName')}
          type="search"
          value={nameInput}
          onChange={(e) => setNameInput(e.target.value)}
        />
        <SelectField
          label={t('networks.sort')}
          value={sortKey}
          onChange={(e) => setSortKey(e.target.value as NetworkSortKey)}
        >
          {sortKeys.map((key) => (
            <option key={key} value={key}>
              {key === 'created_at' ? t('networks.created') : t(`networks.${key}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('networks.sortDir')}
          value={sortDir}
          onChange={(e) => setSortDir(e.target.value as SortDir)}
        >
          <option value="asc">{t('networks.asc')}</option>
          <option value="desc">{t('networks.desc')}</option>
        </SelectField>
      </div>

      {catalogQuery.isSuccess && !hasEndpoint && <Notice tone="warning">{t('networks.noEndpoint')}</Notice>}
      {isUnscoped && <Notice tone="warning">{t('scope.networks.unscoped')}</Notice>}
      {isWideScope && scope && !networksQuery.isError && (
        <Notice tone="info">{t('scope.networks.wide', { scope: describeScope(scope, t) })}</Notice>
      )}
      {networksQuery.isError && (
        <Notice tone="error">
          {isWideScope && scope && isApiError(networksQuery.error) && networksQuery.error.code === 'forbidden'
            ? t('scope.networks.forbidden', { scope: describeScope(scope, t) })
            : describeError(networksQuery.error, t)}
        </Notice>
      )}

      <div className="flex flex-col gap-4 lg:flex-row">
        <div className="min-w-0 flex-1 overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-700">
          <div
            role="table"
            aria-label="Networks"
            aria-rowcount={hasNextPage ? -1 : networks.length + 1}
            aria-busy={networksQuery.isFetching || undefined}
            className="min-w-[60rem] text-sm"
          >
            <div
              role="rowgroup"
              className="border-b border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-900"
            >
              <div role="row" aria-rowindex={1} className={`${gridColumns} py-2 font-medium`}>
                {columns.map((column) => (
                  <div
                    key={column.label}
                    role="columnheader"
                    aria-sort={column.key ? ariaSort(column.key) : undefined}
                  >
                    {column.key ? (
                      <button
                        type="button"
                        className="rounded-sm focus-visible:outline-2 focus-visible:outline-blue-600"
                        onClick={() => {
                          if (sortKey === column.key) setSortDir(sortDir === 'asc' ? 'desc' : 'asc');
                          else {
                            setSortKey(column.key!);
                            setSortDir('asc');
                          }
                        }}
                      >
                        {column.label}
                        {sortKey === column.key && (
                          <span aria-hidden="true">{sortDir === 'asc' ? ' ▲' : ' ▼'}</span>
                        )}
                      </button>
                    ) : (
                      column.label
                    )}
                  </div>
                ))}
              </div>
            </div>
            <div
              role="rowgroup"
              ref={scrollRef}
              onScroll={onScroll}
              className="relative h-[60vh] min-h-64 overflow-y-auto"
              data-testid="networks-scroll"
            >
              <div className="relative" style={{ height: `${totalHeight}px` }}>
                {networks.slice(start, end).map((network, offset) => {
                  const index = start + offset;
                  return (
                    <div
                      key={network.id}
                      role="row"
                      aria-rowindex={index + 2}
                      className={`${gridColumns} absolute inset-x-0 items-center border-b border-slate-100 dark:border-slate-800 ${selected?.id === network.id ? 'bg-blue-50 dark:bg-blue-950' : ''}`}
                      style={{ height: `${rowHeight}px`, transform: `translateY(${index * rowHeight}px)` }}
                    >
                      <div role="cell" className="truncate">
                        <button
                          type="button"
                          className="max-w-full truncate rounded-sm text-left text-blue-700 underline focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-blue-300"
                          aria-label={t('networks.showDetails', { name: network.name || network.id })}
                          onClick={() => setSelected(network)}
                        >
                          {network.name || t('networks.unnamed')}
                        </button>
                      </div>
                      <div role="cell" className="flex min-w-0 items-center gap-1">
                        <code className="truncate text-xs">{network.id}</code>
                        <CopyButton
                          variant="ghost"
                          label={t('networks.copyId', { id: network.id })}
                          getText={() => network.id}
                        />
                      </div>
                      <div role="cell">
                        <Badge tone={statusTone(network.status)}>{network.status}</Badge>
                      </div>
                      <div role="cell">{yesNo(network.shared)}</div>
                      <div role="cell">{yesNo(network.external)}</div>
                      <div role="cell">{network.subnets.length}</div>
                      <div role="cell">{network.mtu ?? '—'}</div>
                      <div role="cell" className="truncate font-mono text-xs">
                        {network.projectId ?? '—'}
                      </div>
                    </div>
                  );
                })}
              </div>
            </div>
          </div>
          <p className="px-2 py-1 text-xs text-slate-600 dark:text-slate-400" role="status">
            {networksQuery.isFetchingNextPage
              ? t('networks.loadingMore')
              : networksQuery.isSuccess && networks.length === 0
                ? t('networks.empty')
                : networksQuery.isSuccess
                  ? t('networks.loaded', { count: networks.length })
                  : networksQuery.isFetching
                    ? t('app.loading')
                    : ''}
          </p>
        </div>
        {selected && (
          <div className="lg:w-96">
            <NetworkDetailPanel network={selected} onClose={() => setSelected(null)} />
          </div>
        )}
      </div>
      {hasNextPage && !isFetchingNextPage && (
        <Button onClick={() => void fetchNextPage()} className="sr-only focus:not-sr-only">
          {t('networks.loadMore')}
        </Button>
      )}
    </main>
  );
}
