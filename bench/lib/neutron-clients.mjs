import http from 'node:http';

/**
 * The direct clients the networks step compares the BFF with, each walking Neutron's pages the
 * way Neutron describes them (https://docs.openstack.org/api-ref/network/v2/#list-networks):
 * - `fetch`: Node's fetch, as any Node program would call Neutron. During a walk it happens to
 *   alternate two pooled connections (a request sent right after an answer finds the first one
 *   not yet released);
 * - `oneConnection`: keeps ONE connection and sends each page's request on it as soon as the last
 *   answer is in, as a python-requests session (openstacksdk, the openstack CLI) does.
 */
export function createNeutronClients({ neutronUrl, token }) {
  const headers = { Accept: 'application/json', 'X-Auth-Token': token };
  const pageUrl = (limit, marker) =>
    `${neutronUrl}/v2.0/networks?${new URLSearchParams({ limit: String(limit), ...(marker ? { marker } : {}) })}`;
  const fetchPage = async (limit, marker) => {
    const response = await fetch(pageUrl(limit, marker), { headers });
    const body = await response.json();
    if (response.status !== 200)
      throw Object.assign(new Error(`Neutron networks: HTTP ${response.status}`), {
        isRetryable: response.status >= 502,
      });
    return body;
  };
  const oneConnection = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const getPageOnOneConnection = (limit, marker) =>
    new Promise((resolve, reject) => {
      const request = http.get(pageUrl(limit, marker), { agent: oneConnection, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve(JSON.parse(text))
            : reject(new Error(`Neutron networks: HTTP ${response.statusCode}`)),
        );
      });
      request.on('error', (error) => reject(Object.assign(error, { isRetryable: true })));
    });
  const walkWith = (getPage) => async (limit) => {
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
  return {
    /** Number of networks on the first page (one request). */
    fetchOnePage: async (limit) => (await fetchPage(limit)).networks.length,
    fetchWalk: walkWith(fetchPage),
    oneConnectionWalk: walkWith(getPageOnOneConnection),
    close: () => oneConnection.destroy(),
  };
}

/** The BFF's `GET /api/networks` for one signed-in session: one page, or every page by marker. */
export function createBffNetworksClient(session) {
  const fetchPage = async (limit, marker) => {
    const query = new URLSearchParams({ limit: String(limit), ...(marker ? { marker } : {}) });
    const answer = await session.get(`/api/networks?${query}`);
    if (answer.status !== 200)
      throw Object.assign(new Error(`BFF networks: HTTP ${answer.status}`), {
        isRetryable: answer.status >= 502,
      });
    return answer.body;
  };
  return {
    fetchOnePage: async (limit) => (await fetchPage(limit)).networks.length,
    walk: async (limit) => {
      let marker = null;
      let count = 0;
      do {
        const page = await fetchPage(limit, marker);
        count += page.networks.length;
        marker = page.nextMarker;
      } while (marker);
      return count;
    },
  };
}
