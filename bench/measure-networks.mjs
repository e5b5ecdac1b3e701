import { signIn } from './lib/api-session.mjs';
import { issueToken } from './lib/lab-bench-project.mjs';
import { runAlternatingPairs } from './lib/stats.mjs';

/**
 * Networks: GET /api/networks vs the very request the BFF makes to Neutron
 * (https://docs.openstack.org/api-ref/network/v2/#list-networks): same limit, same token scope,
 * same client (Node's fetch). "paged" walks every page with limit=50 by marker on both sides.
 */
export async function measureNetworks({ bff, lab, user, pairs, warmup, cases }) {
  const session = await signIn(bff.url, {
    cloud: 'lab',
    username: user.username,
    password: user.password,
    projectName: user.projectName,
  });
  const { token } = await issueToken(lab.keystoneUrl, user);

  const fetchBffPage = async (limit, marker) => {
    const query = new URLSearchParams({ limit: String(limit), ...(marker ? { marker } : {}) });
    const answer = await session.get(`/api/networks?${query}`);
    if (answer.status !== 200)
      throw Object.assign(new Error(`BFF networks: HTTP ${answer.status}`), {
        isRetryable: answer.status >= 502,
      });
    return answer.body;
  };
  const fetchNeutronPage = async (limit, marker) => {
    const query = new URLSearchParams({ limit: String(limit), ...(marker ? { marker } : {}) });
    const response = await fetch(`${lab.neutronUrl}/v2.0/networks?${query}`, {
      headers: { Accept: 'application/json', 'X-Auth-Token': token },
    });
    const body = await response.json();
    if (response.status !== 200)
      throw Object.assign(new Error(`Neutron networks: HTTP ${response.status}`), {
        isRetryable: response.status >= 502,
      });
    return body;
  };
  const walkBff = async (limit) => {
    let marker = null;
    let count = 0;
    do {
      const page = await fetchBffPage(limit, marker);
      count += page.networks.length;
      marker = page.nextMarker;
    } while (marker);
    return count;
  };
  const walkNeutron = async (limit) => {
    let marker = null;
    let count = 0;
    do {
      const page = await fetchNeutronPage(limit, marker);
      count += page.networks.length;
      // Neutron's rule: a next link while the page is full; the BFF stops at a short page too.
      const next =
        page.networks.length < limit ? null : page.networks_links?.find((link) => link.rel === 'next');
      marker = next ? new URL(next.href).searchParams.get('marker') : null;
    } while (marker);
    return count;
  };

  const results = {};
  for (const { name, limit, isPaged, pairs: casePairs } of cases) {
    const counts = {};
    const timed = (side, walk) => async () => {
      const start = process.hrtime.bigint();
      counts[side] = await walk(limit);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const outcome = await runAlternatingPairs({
      warmup,
      pairs: casePairs ?? pairs,
      runA: timed('bff', isPaged ? walkBff : async (l) => (await fetchBffPage(l)).networks.length),
      runB: timed(
        'neutron',
        isPaged ? walkNeutron : async (l) => (await fetchNeutronPage(l)).networks.length,
      ),
    });
    if (counts.bff !== counts.neutron)
      throw new Error(`networks ${name}: BFF saw ${counts.bff}, Neutron ${counts.neutron}`);
    results[name] = {
      networks: counts.bff,
      limit,
      pages: isPaged ? Math.floor(counts.bff / limit) + 1 : 1,
      bffMs: outcome.a,
      neutronMs: outcome.b,
      ratio: outcome.ratio,
      target: '≤ 1.10 (median of per-pair BFF/Neutron ratios)',
      holds: outcome.ratio.median <= 1.1,
      retriedSamples: outcome.retries,
    };
  }
  return results;
}
