import { useQuery } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { endpointInterfaces, type EndpointInterface } from '@contract/common';
import { CopyButton } from '../../components/ui/copy-button';
import { SelectField } from '../../components/ui/field';
import { Notice } from '../../components/ui/notice';
import { describeError } from '../../lib/error-message';
import { useI18n } from '../../lib/i18n/i18n-context';
import { buildCatalogMatrix, listServiceTypes } from './catalog-matrix';
import { catalogQueryOptions } from '../../api/catalog-queries';

const all = '*';

export function CatalogPage() {
  const { t } = useI18n();
  const query = useQuery(catalogQueryOptions());
  const [region, setRegion] = useState(all);
  const [iface, setIface] = useState(all);
  const [type, setType] = useState(all);

  const matrix = useMemo(
    () =>
      query.data
        ? buildCatalogMatrix(query.data, {
            region: region === all ? null : region,
            iface: iface === all ? null : (iface as EndpointInterface),
            type: type === all ? null : type,
          })
        : null,
    [query.data, region, iface, type],
  );
  const regionName = (r: string | null) => r ?? t('catalog.noRegion');

  return (
    <main id="main" className="mx-auto w-full max-w-6xl space-y-4 px-4 py-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('catalog.title')}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t('catalog.intro')}</p>
      </div>
      {query.isPending && <p>{t('app.loading')}</p>}
      {query.isError && <Notice tone="error">{describeError(query.error, t)}</Notice>}
      {query.data && matrix && (
        <>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
            <SelectField
              label={t('catalog.filterRegion')}
              value={region}
              onChange={(e) => setRegion(e.target.value)}
            >
              <option value={all}>{t('catalog.all')}</option>
              {query.data.regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('catalog.filterInterface')}
              value={iface}
              onChange={(e) => setIface(e.target.value)}
            >
              <option value={all}>{t('catalog.all')}</option>
              {endpointInterfaces.map((i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('catalog.filterType')}
              value={type}
              onChange={(e) => setType(e.target.value)}
            >
              <option value={all}>{t('catalog.all')}</option>
              {listServiceTypes(query.data).map((ty) => (
                <option key={ty} value={ty}>
                  {ty}
                </option>
              ))}
            </SelectField>
          </div>
          {matrix.rows.length === 0 ? (
            <p>{t('catalog.empty')}</p>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-700">
              <table className="min-w-full text-left text-sm" aria-label={t('catalog.table')}>
                <thead className="bg-slate-50 dark:bg-slate-900">
                  <tr>
                    <th
                      scope="col"
                      rowSpan={2}
                      className="sticky left-0 bg-slate-50 px-3 py-2 align-bottom dark:bg-slate-900"
                    >
                      {t('catalog.service')}
                    </th>
                    {matrix.regions.map((r) => (
                      <th
                        key={r ?? '∅'}
                        scope="colgroup"
                        colSpan={matrix.interfaces.length}
                        className="border-l border-slate-200 px-3 py-1 dark:border-slate-700"
                      >
                        {regionName(r)}
                      </th>
                    ))}
                  </tr>
                  <tr>
                    {matrix.columns.map((c) => (
                      <th
                        key={`${c.region ?? '∅'}-${c.iface}`}
                        scope="col"
                        className="border-l border-slate-200 px-3 py-1 font-normal dark:border-slate-700"
                      >
                        {c.iface}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {matrix.rows.map((row) => (
                    <tr
                      key={`${row.type}-${row.name}`}
                      className="border-t border-slate-200 dark:border-slate-700"
                    >
                      <th
                        scope="row"
                        className="sticky left-0 bg-white px-3 py-2 align-top font-medium dark:bg-slate-950"
                      >
                        {row.type}
                        <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">
                          {row.name}
                        </span>
                      </th>
                      {row.cells.map((urls, index) => (
                        <td
                          key={index}
                          className="border-l border-slate-200 px-3 py-2 align-top dark:border-slate-700"
                        >
                          {urls.map((url) => (
                            <Fragment key={url}>
                              <span className="flex items-start gap-1">
                                <code className="text-xs break-all">{url}</code>
                                <CopyButton
                                  variant="ghost"
                                  label={t('catalog.copyUrl', { url })}
                                  getText={() => url}
                                />
                              </span>
                            </Fragment>
                          ))}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </main>
  );
}
