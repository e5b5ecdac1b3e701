import { signIn } from './lib/api-session.mjs';
import {
  createBenchProject,
  issueToken,
  listDemoNetworkNames,
  removeBenchProject,
} from './lib/lab-bench-project.mjs';
import { ms, table } from './lib/markdown.mjs';
import { createBffNetworksClient, createNeutronClients } from './lib/neutron-clients.mjs';
import { ratioOfSamples, runAlternatingRounds } from './lib/stats.mjs';
import { reported, target } from './lib/targets.mjs';

/** What the lab's demo user sees, before the bench and after it cleaned up its own project. */
const EXPECTED_DEMO_NETWORKS = ['demo-net-1', 'demo-net-2', 'demo-net-3', 'public'];

/**
 * The BFF's ways of keeping upstream connections (UPSTREAM_KEEP_ALIVE, ADR 0015), each a BFF of its
 * own on the same lab. The lab's Neutron is plain http, where `https` (the default) and `never`
 * behave alike: a new connection per request.
 */
export const KEEP_ALIVE_OPTIONS = {
  https: 'keep-alive to https origins only (default; the lab is http: a new connection per request)',
  always: "keep-alive to every origin (Node's fetch as the BFF used it before)",
};
export const CHOSEN_OPTION = 'https';

/**
 * Where the BFF's part of a call goes, measured with the BFF instrumented (not by this run): a
 * preload timing each GET /api/networks from its 'request' event to its first write, and undici's
 * diagnostics channel for the upstream call. It says what was won and what is left.
 */
const BFF_SHARE =
  "**The BFF's part of a few-networks call (measured on this lab with the BFF instrumented, a call every ~110 ms, medians of 155 calls; not by this run).** The BFF's own time, from the request's arrival to the answer's first write less the upstream call, was 2.3 ms (1.4 before the call, 0.9 after). Two changes took it to 1.56 ms (0.96 before, 0.58 after). Upstream calls go through undici's `request()` instead of `fetch()`, which has no Fetch API objects or web streams per call: 0.35 ms. The networks are read from the stored session without express-session while the token needs no renewal (ADR 0018): 0.42 ms. The rest of the difference to a direct client is not the BFF's work. A cold round trip on this virtual machine (one request every 35 ms) from the bench to a bare Node server takes 1.15 ms, and to the BFF's `/api/health` 1.76 ms. The new connection per call to a plain-http Neutron costs about 0.3 ms (the BFF's own time is 1.25 ms with `always`). Neutron's answer as the BFF receives it is as long as the direct client's.";

/**
 * Networks: GET /api/networks through each BFF vs the very request the BFF makes to Neutron
 * (https://docs.openstack.org/api-ref/network/v2/#list-networks): same limit, same token scope.
 * Every side runs once per round, in an order rotating from round to round. "paged" walks every
 * page with limit=50 by marker on every side.
 */
export async function measureNetworks({ bffs, lab, user, rounds, warmup, cases }) {
  const credentials = {
    cloud: 'lab',
    username: user.username,
    password: user.password,
    projectName: user.projectName,
  };
  const bffClients = {};
  for (const [option, bff] of Object.entries(bffs))
    bffClients[option] = createBffNetworksClient(await signIn(bff.url, credentials));
  const { token } = await issueToken(lab.keystoneUrl, user);
  const neutron = createNeutronClients({ neutronUrl: lab.neutronUrl, token });

  const results = {};
  try {
    for (const { name, limit, isPaged, rounds: caseRounds, alsoOneConnection } of cases) {
      const counts = {};
      const timed = (side, call) => async () => {
        const start = process.hrtime.bigint();
        counts[side] = await call(limit);
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const runs = { neutron: timed('neutron', isPaged ? neutron.fetchWalk : neutron.fetchOnePage) };
      for (const [option, client] of Object.entries(bffClients))
        runs[`bff:${option}`] = timed(option, isPaged ? client.walk : client.fetchOnePage);
      if (alsoOneConnection) runs.neutronOneConnection = timed('one', neutron.oneConnectionWalk);
      const outcome = await runAlternatingRounds({
        warmup,
        rounds: caseRounds ?? rounds,
        runs,
        reference: 'neutron',
      });
      for (const [side, count] of Object.entries(counts))
        if (count !== counts.neutron)
          throw new Error(`networks ${name}: ${side} saw ${count}, Neutron ${counts.neutron}`);
      const chosen = `bff:${CHOSEN_OPTION}`;
      results[name] = {
        networks: counts.neutron,
        limit,
        pages: isPaged ? Math.floor(counts.neutron / limit) + 1 : 1,
        chosen: CHOSEN_OPTION,
        bffMs: outcome.sides[chosen],
        neutronMs: outcome.sides.neutron,
        ratio: outcome.ratios[chosen],
        options: Object.fromEntries(
          Object.keys(bffClients).map((option) => [
            option,
            { bffMs: outcome.sides[`bff:${option}`], ratio: outcome.ratios[`bff:${option}`] },
          ]),
        ),
        retriedSamples: outcome.retries,
      };
      if (alsoOneConnection) {
        results[name].versusOneConnection = {
          bffMs: outcome.sides[chosen],
          neutronMs: outcome.sides.neutronOneConnection,
          ratio: ratioOfSamples(outcome.samples[chosen], outcome.samples.neutronOneConnection),
        };
      }
    }
  } finally {
    neutron.close();
  }
  return results;
}

/**
 * Issues 7 and 16: listing networks through the BFF (its default connection option) costs at most
 * 1.10 times the same Neutron request; the other options are reported beside it.
 */
export function targetsOf(n) {
  const cases = Object.entries(n.cases);
  return {
    targets: cases.map(([name, r]) =>
      target({
        id: name,
        name: `Networks, ${name}: \`GET /api/networks\` / \`GET /v2.0/networks\` (median of per-round ratios; UPSTREAM_KEEP_ALIVE=${r.chosen})`,
        kind: 'ratio',
        value: r.ratio.median,
        unit: '×',
        op: '≤',
        limit: 1.1,
        spread: r.ratio,
        measured: { label: 'BFF', value: r.bffMs.median, unit: 'ms' },
        reference: { label: 'Neutron', value: r.neutronMs.median, unit: 'ms' },
        note: `${r.networks} networks, ${r.pages} page(s)`,
      }),
    ),
    reported: cases.flatMap(([name, r]) => [
      ...Object.entries(r.options)
        .filter(([option]) => option !== r.chosen)
        .map(([option, o]) =>
          reported({
            id: `${name}, ${option}`,
            name: `Networks, ${name}: the same with UPSTREAM_KEEP_ALIVE=${option} (median of per-round ratios)`,
            value: o.ratio.median,
            unit: '×',
            spread: o.ratio,
            note: `BFF ${ms(o.bffMs.median)} vs Neutron ${ms(r.neutronMs.median)}`,
          }),
        ),
      ...(r.versusOneConnection
        ? [
            reported({
              id: `${name}, one connection`,
              name: `Networks, ${name}: BFF / a direct client on one connection (median of per-round ratios)`,
              value: r.versusOneConnection.ratio.median,
              unit: '×',
              spread: r.versusOneConnection.ratio,
              note: `BFF ${ms(r.versusOneConnection.bffMs.median)} vs ${ms(r.versusOneConnection.neutronMs.median)}`,
            }),
          ]
        : []),
    ]),
  };
}

export const steps = [
  {
    name: 'networks',
    plan: (quick) => ({
      rounds: quick ? 5 : 25,
      // ~200 networks: a full list costs Neutron ~0.3 s (more on a loaded box). As many rounds as the
      // few-networks case: with 15, the median of the one-page case moved by ±0.05 between runs.
      manyNetworkRounds: quick ? 3 : 25,
      warmupRounds: quick ? 1 : 3,
      benchNetworks: quick ? 30 : 200,
    }),
    run: async (ctx) => {
      const { lab, bff } = await ctx.lab();
      const { plan } = ctx;
      const bffs = { [CHOSEN_OPTION]: bff };
      for (const option of Object.keys(KEEP_ALIVE_OPTIONS).filter((o) => o !== CHOSEN_OPTION)) {
        const other = await ctx.startBff(`bff-lab-keep-alive-${option}`, lab.benchCloudsYaml, {
          UPSTREAM_KEEP_ALIVE: option,
        });
        ctx.addCleanup(() => other.stop());
        bffs[option] = other;
      }
      const common = { bffs, lab, rounds: plan.rounds, warmup: plan.warmupRounds };
      const few = await measureNetworks({
        ...common,
        user: { username: lab.users.demo.name, password: lab.users.demo.password, projectName: 'demo' },
        cases: [{ name: 'few (demo project)', limit: 100 }],
      });
      ctx.log(`  creating ${plan.benchNetworks} networks in a bench-only project`);
      ctx.addCleanup(() => removeBenchProject(lab));
      const benchUser = await createBenchProject(lab, plan.benchNetworks);
      let many;
      try {
        many = await measureNetworks({
          ...common,
          user: benchUser,
          cases: [
            { name: `~${plan.benchNetworks} (one page)`, limit: 1000, rounds: plan.manyNetworkRounds },
            {
              name: `~${plan.benchNetworks} (paged, limit=50)`,
              limit: 50,
              isPaged: true,
              rounds: plan.manyNetworkRounds,
              alsoOneConnection: true,
            },
          ],
        });
      } finally {
        const removed = await removeBenchProject(lab);
        ctx.log(`  removed the bench project: ${JSON.stringify(removed)}`);
      }
      const demoNames = await listDemoNetworkNames(lab);
      if (JSON.stringify(demoNames) !== JSON.stringify(EXPECTED_DEMO_NETWORKS)) {
        throw new Error(
          `after cleanup demo sees ${demoNames.join(', ')} (expected ${EXPECTED_DEMO_NETWORKS.join(', ')})`,
        );
      }
      const data = {
        cases: { ...few, ...many },
        options: KEEP_ALIVE_OPTIONS,
        benchProjectNetworks: plan.benchNetworks,
        demoSeesAfterCleanup: demoNames,
      };
      return { ...data, ...targetsOf(data) };
    },
  },
];

const NAGLE = `Neutron's eventlet server sends an answer in two writes, the head and then the body, without \`TCP_NODELAY\` (seen with \`tcpdump -i lo port 9696\`, and by timing the chunks on a raw socket: head at once, body ~40 ms later). By Nagle's rule the body waits until the head is acknowledged. A client that reuses a keep-alive connection within ~40 ms of its last answer has put it in Linux's interactive ("pingpong") mode, which delays that acknowledgement by its minimum delayed-ACK time of 40 ms, on every such request. Node cannot set \`TCP_QUICKACK\`; undici already sets \`TCP_NODELAY\` on its own sockets, which changes nothing about the server's writes. A fresh connection starts outside that mode and is acknowledged at once. A small answer (the few networks) fits the head's write and is not delayed.`;

const spreadText = (s) => `${s.median} (${s.p10}–${s.p90})`;

export function section({ measurements }) {
  const n = measurements.networks;
  if (!n) return null;
  const cases = Object.entries(n.cases);
  const targetOfCase = (name) => n.targets.find((t) => t.id === name);
  const limits = [...new Set(n.targets.map((t) => t.limit))].join(', ');
  const optionNames = Object.keys(n.options);
  const lines = [
    '## Networks',
    '',
    `Each BFF call against the exact request it makes to Neutron (same \`limit\`, same project-scoped token, all warmed so keystonemiddleware has validated the tokens), one BFF per way of keeping upstream connections (\`UPSTREAM_KEEP_ALIVE\`, [ADR 0015](decisions/0015-upstream-connections-per-origin.md)); every side runs once per round, the order rotating. "paged" walks every page by marker on every side. The ~${n.benchProjectNetworks} networks live in a bench-only project created through the Keystone and Neutron admin APIs (quota raised for that project only) and deleted at the end of the run, so the demo user keeps seeing exactly the lab's own ${n.demoSeesAfterCleanup.length} networks (checked after cleanup: ${n.demoSeesAfterCleanup.join(', ')}).`,
    '',
    'The options compared:',
    '',
    ...optionNames.map((option) => `- \`${option}\`: ${n.options[option]}`),
    '',
    table(
      [
        'case',
        'networks',
        'limit',
        'pages',
        'Neutron median (p10–p90)',
        ...optionNames.map((option) => `BFF \`${option}\` median ms, ratio (p10–p90)`),
        `holds ≤ ${limits}`,
      ],
      cases.map(([name, r]) => [
        name,
        String(r.networks),
        String(r.limit),
        String(r.pages),
        `${ms(r.neutronMs.median)} (${r.neutronMs.p10}–${r.neutronMs.p90})`,
        ...optionNames.map(
          (option) => `${ms(r.options[option].bffMs.median)}, ${spreadText(r.options[option].ratio)}`,
        ),
        `${targetOfCase(name).holds ? '**yes**' : '**no**'} (\`${r.chosen}\`)`,
      ]),
    ),
    '',
    `**Why the options differ.** ${NAGLE}`,
  ];
  for (const [name, r] of cases) {
    if (!r.versusOneConnection) continue;
    const one = r.versusOneConnection;
    lines.push(
      '',
      `A direct client that keeps one connection for a walk, as a python-requests session (openstacksdk, the openstack CLI) does, pays the delay on every page: for "${name}" the BFF (\`${r.chosen}\`) takes **${one.ratio.median}×** its time (p10–p90 ${one.ratio.p10}–${one.ratio.p90}; BFF ${ms(one.bffMs.median)}, one-connection client ${ms(one.neutronMs.median)}).`,
    );
  }
  for (const [name, r] of cases) {
    const t = targetOfCase(name);
    if (!t.holds)
      lines.push(
        '',
        `**Target missed for "${name}" (${t.value} > ${t.limit}, p10–p90 ${r.ratio.p10}–${r.ratio.p90}).** The BFF's median is ${(r.bffMs.median - r.neutronMs.median).toFixed(1)} ms longer.`,
      );
  }
  lines.push('', BFF_SHARE);
  return lines.join('\n');
}
