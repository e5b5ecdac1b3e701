import http from 'node:http';
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
  const neutronPageUrl = (limit, marker) =>
    `${lab.neutronUrl}/v2.0/networks?${new URLSearchParams({ limit: String(limit), ...(marker ? { marker } : {}) })}`;
  const fetchNeutronPage = async (limit, marker) => {
    const response = await fetch(neutronPageUrl(limit, marker), {
      headers: { Accept: 'application/json', 'X-Auth-Token': token },
    });
    const body = await response.json();
    if (response.status !== 200)
      throw Object.assign(new Error(`Neutron networks: HTTP ${response.status}`), {
        isRetryable: response.status >= 502,
      });
    return body;
  };
  // A client that keeps ONE connection and sends each page's request on it as soon as the last
  // answer is in, as a python-requests session (openstacksdk, the openstack CLI) does. Node's
  // fetch above happens to alternate two pooled connections during a walk.
  const oneConnection = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const getNeutronPageOnOneConnection = (limit, marker) =>
    new Promise((resolve, reject) => {
      const request = http.get(
        neutronPageUrl(limit, marker),
        { agent: oneConnection, headers: { Accept: 'application/json', 'X-Auth-Token': token } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () =>
            response.statusCode === 200
              ? resolve(JSON.parse(text))
              : reject(new Error(`Neutron networks: HTTP ${response.statusCode}`)),
          );
        },
      );
      request.on('error', (error) => reject(Object.assign(error, { isRetryable: true })));
    });
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
  const walkNeutronWith = (getPage) => async (limit) => {
    let marker = null;
    let count = 0;
    do {
      const page = await getPage(limit, marker);
      count += page.networks.length;
      // Neutron's rule: a next link while the page is full; the BFF stops at a short page too.
      const next =
        page.networks.length < limit ? null : page.networks_links?.find((link) => link.rel === 'next');
      marker = next ? new URL(next.href).searchParams.get('marker') : null;
    } while (marker);
    return count;
  };
  const walkNeutron = walkNeutronWith(fetchNeutronPage);

  const results = {};
  for (const { name, limit, isPaged, pairs: casePairs, alsoOneConnection } of cases) {
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
    if (alsoOneConnection) {
      const versusOne = await runAlternatingPairs({
        warmup,
        pairs: casePairs ?? pairs,
        runA: timed('bff', walkBff),
        runB: timed('neutronOneConnection', walkNeutronWith(getNeutronPageOnOneConnection)),
      });
      if (counts.neutronOneConnection !== counts.bff)
        throw new Error(`networks ${name}: one-connection client saw ${counts.neutronOneConnection}`);
      results[name].versusOneConnection = {
        bffMs: versusOne.a,
        neutronMs: versusOne.b,
        ratio: versusOne.ratio,
        retriedSamples: versusOne.retries,
      };
    }
  }
  oneConnection.destroy();
  return results;
}
