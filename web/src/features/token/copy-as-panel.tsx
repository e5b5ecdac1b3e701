import { useQuery } from '@tanstack/react-query';
import type { CloudSummary } from '@contract/clouds';
import { selectEndpoint } from '@contract/endpoint-selection';
import { catalogQueryOptions, listRegionsWithService } from '../../api/catalog-queries';
import { useRegionChoice } from '../../api/use-region-choice';
import { Button } from '../../components/ui/button';
import { CopyButton } from '../../components/ui/copy-button';
import { Notice } from '../../components/ui/notice';
import { RegionPicker } from '../../components/ui/region-picker';
import { useI18n } from '../../lib/i18n/i18n-context';
import { downloadText } from '../../lib/download-text';
import { buildCloudsYaml, buildOpenrc } from './config-files';
import { tryGenerate, type UnsafeTextReason } from '../../lib/generated-text';
import { scopeOf } from '../../api/token-scope';
import { buildOpenstacksdkSnippet, buildOsCloudUsage, buildTerraformProvider } from './more-snippets';
import { fetchTokenSecret, type AnchoredTokenInfo } from './queries';
import { buildCurlSnippet, buildExportSnippet, buildOpenstackSnippet } from './snippets';

// Shown on screen in place of the token; the copied text has the real one, fetched at copy time.
const placeholder = '<token>';

export function CopyAsPanel({ token, cloud }: { token: AnchoredTokenInfo; cloud: CloudSummary | undefined }) {
  const { t } = useI18n();
  const catalogQuery = useQuery(catalogQueryOptions());
  const iface = cloud?.interface ?? 'public';
  const regions = catalogQuery.data ? listRegionsWithService(catalogQuery.data, 'network') : [];
  const [region, chooseRegion] = useRegionChoice(regions, token.regionName);
  const networkUrl = catalogQuery.data
    ? selectEndpoint(catalogQuery.data, 'network', region, iface)?.url
    : undefined;

  const scope = scopeOf(token);
  const isV3 = token.identityApiVersion === '3';
  // needsToken false: the text holds no token, so copying it fetches none.
  const snippets: { key: string; label: string; build: (secret: string) => string; needsToken?: false }[] = [
    { key: 'export', label: t('token.copyAs.export'), build: buildExportSnippet },
  ];
  if (networkUrl) {
    snippets.push({
      key: 'curl',
      label: t('token.copyAs.curl'),
      build: (secret) => buildCurlSnippet(secret, networkUrl),
    });
  }
  if (cloud) {
    snippets.push({
      key: 'openstack',
      label:
        scope.kind === 'system'
          ? t('scope.copyAs.openstackSystem')
          : scope.kind === 'domain'
            ? t('scope.copyAs.openstackDomain')
            : t('token.copyAs.openstack'),
      build: (secret) =>
        buildOpenstackSnippet({
          token: secret,
          authUrl: cloud.authUrl,
          projectId: token.project?.id ?? null,
          domainId: scope.kind === 'domain' ? scope.domain.id : null,
          isSystemScope: scope.kind === 'system',
          regionName: region,
          interface: iface,
          identityApiVersion: token.identityApiVersion,
        }),
    });
    const scoped = { authUrl: cloud.authUrl, scope, regionName: region, interface: iface };
    snippets.push({
      key: 'terraform',
      label: t('scope.copyAs.terraform'),
      build: (secret) => buildTerraformProvider({ ...scoped, token: secret }),
    });
    // openstacksdk's token plugin is Keystone v3's (keystoneauth's v2 token plugin is another).
    if (isV3) {
      snippets.push({
        key: 'openstacksdk',
        label: t('scope.copyAs.openstacksdk'),
        build: (secret) => buildOpenstacksdkSnippet({ ...scoped, token: secret }),
      });
    }
    snippets.push({
      key: 'os-cloud',
      label: t('scope.copyAs.osCloud'),
      build: () => buildOsCloudUsage(cloud.name, scope),
      needsToken: false,
    });
  }

  // Built once with the placeholder: shown on screen, and refused (with the reason) when a value
  // cannot go into a shell or a URL is not http(s).
  const previews = snippets.map((snippet) => ({
    ...snippet,
    ...tryGenerate(() => snippet.build(placeholder)),
  }));
  const openrc = cloud ? tryGenerate(() => buildOpenrc({ cloud, token })) : null;
  const cloudsYaml = cloud ? tryGenerate(() => buildCloudsYaml({ cloud, token })) : null;
  const refusals: { what: string; reason: UnsafeTextReason }[] = [
    ...previews.flatMap((p) => (p.refusal ? [{ what: p.label, reason: p.refusal }] : [])),
    ...(openrc?.refusal ? [{ what: t('token.downloadOpenrc'), reason: openrc.refusal }] : []),
    ...(cloudsYaml?.refusal ? [{ what: t('token.downloadCloudsYaml'), reason: cloudsYaml.refusal }] : []),
  ];

  return (
    <section aria-labelledby="copy-as-heading" className="space-y-3">
      <h2 id="copy-as-heading" className="text-lg font-semibold">
        {t('token.copyAs')}
      </h2>
      {regions.length > 1 && (
        <div className="max-w-xs">
          <RegionPicker
            label={t('token.copyAs.region')}
            regions={regions}
            region={region}
            onChoose={chooseRegion}
          />
        </div>
      )}
      {catalogQuery.isSuccess && !networkUrl && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {t('token.copyAs.noNetwork', { region: region ?? '—' })}
        </p>
      )}
      {refusals.map(({ what, reason }) => (
        <Notice key={what} tone="warning">
          {t('token.generated.refused', { what, reason: t(`token.generated.${reason}`) })}
        </Notice>
      ))}
      <ul className="space-y-3">
        {previews.map(
          (snippet) =>
            snippet.text !== null && (
              <li key={snippet.key} className="space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="text-sm font-medium">{snippet.label}</span>
                  <CopyButton
                    label={`${t('token.copyAs')} ${snippet.label}`}
                    getText={async () =>
                      snippet.build(snippet.needsToken === false ? '' : await fetchTokenSecret())
                    }
                  />
                </div>
                {/* Wrapped, not scrolled: a scrollable <pre> would need to be focusable (axe). */}
                <pre className="rounded-md bg-slate-100 p-2 text-xs break-all whitespace-pre-wrap dark:bg-slate-900">
                  <code>{snippet.text}</code>
                </pre>
              </li>
            ),
        )}
      </ul>

      {cloud && (
        <div className="space-y-2">
          <h3 className="font-semibold">{t('token.downloads')}</h3>
          <p className="text-xs text-slate-600 dark:text-slate-400">{t('token.downloadsHint')}</p>
          <div className="flex flex-wrap gap-2">
            {openrc?.text != null && (
              <Button
                onClick={() => downloadText(`${cloud.name}-openrc.sh`, openrc.text, 'application/x-sh')}
              >
                {t('token.downloadOpenrc')}
              </Button>
            )}
            {cloudsYaml?.text != null && (
              <Button onClick={() => downloadText('clouds.yaml', cloudsYaml.text, 'application/yaml')}>
                {t('token.downloadCloudsYaml')}
              </Button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
