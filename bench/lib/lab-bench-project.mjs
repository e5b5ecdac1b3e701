import { randomBytes } from 'node:crypto';

/**
 * A bench-only project with ~200 networks, so the demo user keeps seeing exactly the lab's 4
 * networks (other suites assert that). Created through the Keystone and Neutron admin APIs, and
 * removed again by removeBenchProject (also run first, in case an earlier run was interrupted).
 *   Keystone: https://docs.openstack.org/api-ref/identity/v3/#projects , #users , #roles
 *   Neutron:  https://docs.openstack.org/api-ref/network/v2/#quotas-extension-quotas , #networks
 */
export const BENCH_PROJECT = 'api-access-bench';
export const BENCH_USER = 'api-access-bench-user';
const NETWORK_PREFIX = 'bench-net-';

async function callJson(url, { method = 'GET', token, json, expect = [200] } = {}) {
  const response = await fetch(url, {
    method,
    headers: {
      Accept: 'application/json',
      ...(token ? { 'X-Auth-Token': token } : {}),
      ...(json === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  if (!expect.includes(response.status)) {
    throw new Error(`${method} ${new URL(url).pathname} -> HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** The exact body the BFF sends for a name-addressed, project-name-scoped password login. */
export function passwordAuthBody({ username, password, projectName, domainName = 'Default' }) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: username, domain: { name: domainName }, password } },
      },
      scope: { project: { name: projectName, domain: { name: domainName } } },
    },
  };
}

export async function issueToken(keystoneUrl, credentials) {
  const answer = await callJson(`${keystoneUrl}/v3/auth/tokens`, {
    method: 'POST',
    json: passwordAuthBody(credentials),
    expect: [201],
  });
  return { token: answer.headers.get('x-subject-token'), body: answer.body };
}

async function runPool(items, concurrency, work) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  });
  await Promise.all(workers);
}

async function adminToken(lab) {
  const admin = lab.users.admin;
  return (
    await issueToken(lab.keystoneUrl, {
      username: admin.name,
      password: admin.password,
      projectName: 'admin',
    })
  ).token;
}

async function findByName(keystoneUrl, token, collection, name) {
  const answer = await callJson(
    `${keystoneUrl}/v3/${collection}?name=${encodeURIComponent(name)}&domain_id=default`,
    { token },
  );
  return answer.body[collection][0] ?? null;
}

/** Deletes the bench networks, quota override, user and project; returns what it removed. */
export async function removeBenchProject(lab) {
  const token = await adminToken(lab);
  const removed = { networks: 0, user: false, project: false };
  const project = await findByName(lab.keystoneUrl, token, 'projects', BENCH_PROJECT);
  if (project) {
    const list = await callJson(
      `${lab.neutronUrl}/v2.0/networks?project_id=${project.id}&fields=id&fields=name`,
      { token },
    );
    const networks = list.body.networks;
    await runPool(networks, 8, async (network) => {
      await callJson(`${lab.neutronUrl}/v2.0/networks/${network.id}`, {
        method: 'DELETE',
        token,
        expect: [204, 404],
      });
    });
    removed.networks = networks.length;
    await callJson(`${lab.neutronUrl}/v2.0/quotas/${project.id}`, {
      method: 'DELETE',
      token,
      expect: [204, 404],
    });
  }
  const user = await findByName(lab.keystoneUrl, token, 'users', BENCH_USER);
  if (user) {
    await callJson(`${lab.keystoneUrl}/v3/users/${user.id}`, { method: 'DELETE', token, expect: [204, 404] });
    removed.user = true;
  }
  if (project) {
    await callJson(`${lab.keystoneUrl}/v3/projects/${project.id}`, {
      method: 'DELETE',
      token,
      expect: [204, 404],
    });
    removed.project = true;
  }
  return removed;
}

/**
 * Creates project + user (member role) + `count` networks owned by the project, created by admin
 * with project_id (Neutron lets an admin create for another project). The network quota of that
 * project is raised first: the lab's default is 100 per project.
 */
export async function createBenchProject(lab, count) {
  await removeBenchProject(lab);
  const token = await adminToken(lab);
  const project = (
    await callJson(`${lab.keystoneUrl}/v3/projects`, {
      method: 'POST',
      token,
      json: {
        project: {
          name: BENCH_PROJECT,
          domain_id: 'default',
          description: 'npm run bench only; deleted at the end of the run',
        },
      },
      expect: [201],
    })
  ).body.project;
  const password = randomBytes(18).toString('base64url');
  const user = (
    await callJson(`${lab.keystoneUrl}/v3/users`, {
      method: 'POST',
      token,
      json: { user: { name: BENCH_USER, domain_id: 'default', password, default_project_id: project.id } },
      expect: [201],
    })
  ).body.user;
  const member = await findRole(lab.keystoneUrl, token, 'member');
  await callJson(`${lab.keystoneUrl}/v3/projects/${project.id}/users/${user.id}/roles/${member.id}`, {
    method: 'PUT',
    token,
    expect: [204],
  });
  await callJson(`${lab.neutronUrl}/v2.0/quotas/${project.id}`, {
    method: 'PUT',
    token,
    json: { quota: { network: count + 50 } },
  });
  const names = Array.from({ length: count }, (_, i) => `${NETWORK_PREFIX}${String(i + 1).padStart(3, '0')}`);
  await runPool(names, 8, async (name) => {
    await callJson(`${lab.neutronUrl}/v2.0/networks`, {
      method: 'POST',
      token,
      json: { network: { name, project_id: project.id } },
      expect: [201],
    });
  });
  return {
    projectId: project.id,
    projectName: BENCH_PROJECT,
    username: BENCH_USER,
    password,
    networkCount: count,
  };
}

async function findRole(keystoneUrl, token, name) {
  const answer = await callJson(`${keystoneUrl}/v3/roles?name=${name}`, { token });
  const role = answer.body.roles[0];
  if (!role) throw new Error(`no role ${name} in the lab`);
  return role;
}

/** The names of the networks the demo user sees: the suites expect public + demo-net-1..3. */
export async function listDemoNetworkNames(lab) {
  const demo = lab.users.demo;
  const { token } = await issueToken(lab.keystoneUrl, {
    username: demo.name,
    password: demo.password,
    projectName: 'demo',
  });
  const answer = await callJson(`${lab.neutronUrl}/v2.0/networks?fields=name`, { token });
  return answer.body.networks.map((network) => network.name).sort();
}
