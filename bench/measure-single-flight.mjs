import { signIn } from './lib/api-session.mjs';
import { table, yesNo } from './lib/markdown.mjs';
import { reported, target, targetOf } from './lib/targets.mjs';

/**
 * Single flight: 10 concurrent POST /api/token/reissue in one session must cost one Keystone
 * token creation. Counted against the real lab by the growth of the session's GET /api/tokens
 * list (each creation adds one entry), and against the demo cloud by its own counter, once with
 * Keystone answering at once (~1 ms) and once with Keystone answering in 100 ms (like a real one).
 */
async function reissueConcurrently(session, count) {
  const answers = await Promise.all(
    Array.from({ length: count }, () => session.post('/api/token/reissue', {})),
  );
  const statuses = answers.map((answer) => answer.status);
  const tokenIds = new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.body.id));
  return { statuses, distinctTokenIds: tokenIds.size };
}

async function runOnDemoCloud(demoBff, demoCloud, demoLogin, concurrent, keystoneDelayMs) {
  const session = await signIn(demoBff.url, demoLogin);
  await session.refreshCsrfToken();
  if (keystoneDelayMs > 0) demoCloud.setFault({ kind: 'slow', delayMs: keystoneDelayMs }, 'keystone');
  try {
    const before = demoCloud.stats.tokensIssued;
    const run = await reissueConcurrently(session, concurrent);
    return { keystoneDelayMs, keystoneTokenCreations: demoCloud.stats.tokensIssued - before, ...run };
  } finally {
    demoCloud.setFault(null);
  }
}

export async function measureSingleFlight({
  demoBff,
  demoCloud,
  demoLogin,
  labBff,
  labLogin,
  concurrent = 10,
}) {
  const labSession = await signIn(labBff.url, labLogin);
  await labSession.refreshCsrfToken();
  const listBefore = (await labSession.get('/api/tokens')).body.tokens.length;
  const labRun = await reissueConcurrently(labSession, concurrent);
  const listAfter = (await labSession.get('/api/tokens')).body.tokens.length;
  const lab = {
    keystoneTokenCreations: listAfter - listBefore,
    tokensListedBefore: listBefore,
    tokensListedAfter: listAfter,
    ...labRun,
  };

  const demoInstant = await runOnDemoCloud(demoBff, demoCloud, demoLogin, concurrent, 0);
  const demoSlowed = await runOnDemoCloud(demoBff, demoCloud, demoLogin, concurrent, 100);

  const data = {
    concurrentReissues: concurrent,
    lab,
    demoCloudInstant: demoInstant,
    demoCloudKeystone100ms: demoSlowed,
  };
  return { ...data, ...targetsOf(data) };
}

/**
 * Issue 7: concurrent reissues in one session cost one Keystone token creation, every answer is a
 * 200 and all carry the same token. Checked against the real lab and a Keystone that takes 100 ms;
 * the instant Keystone is reported (see the section for why it is not a target).
 */
export function targetsOf(s) {
  const conditions = (run) => [
    { name: 'every answer 200', holds: run.statuses.every((status) => status === 200) },
    { name: 'one token returned', holds: run.distinctTokenIds === 1 },
  ];
  const creations = (id, where, run) =>
    target({
      id,
      name: `Single flight: ${s.concurrentReissues} concurrent reissues, one session, ${where}`,
      value: run.keystoneTokenCreations,
      unit: 'token creation(s)',
      op: '=',
      limit: 1,
      conditions: conditions(run),
      note: `${run.distinctTokenIds} distinct token(s) returned`,
    });
  return {
    targets: [
      creations('lab', 'real lab', s.lab),
      creations(
        'keystone100ms',
        `demo cloud, Keystone answering in ${s.demoCloudKeystone100ms.keystoneDelayMs} ms`,
        s.demoCloudKeystone100ms,
      ),
    ],
    reported: [
      reported({
        id: 'instant',
        name: `Single flight: ${s.concurrentReissues} concurrent reissues, one session, demo cloud, Keystone answering at once`,
        value: s.demoCloudInstant.keystoneTokenCreations,
        unit: 'token creation(s)',
        note: 'see Single flight',
      }),
    ],
  };
}

export const steps = [
  {
    name: 'singleFlight',
    run: async (ctx) => {
      const { bff: labBff, login: labLogin } = await ctx.lab();
      const { bff: demoBff, cloud: demoCloud, login: demoLogin } = await ctx.demo();
      return measureSingleFlight({ demoBff, demoCloud, demoLogin, labBff, labLogin });
    },
  },
];

export function section({ measurements }) {
  const s = measurements.singleFlight;
  if (!s) return null;
  const row = (label, run) => [
    label,
    String(run.keystoneTokenCreations),
    run.statuses.join(' '),
    String(run.distinctTokenIds),
  ];
  const lab = targetOf(s, 'lab');
  const slowed = targetOf(s, 'keystone100ms');
  const delay = s.demoCloudKeystone100ms.keystoneDelayMs;
  const lines = [
    '## Single flight',
    '',
    `${s.concurrentReissues} \`POST /api/token/reissue\` sent at once in one session (one \`Promise.all\` of fetches).`,
    '',
    table(
      ['against', 'Keystone token creations', 'answers', 'distinct tokens returned'],
      [
        row(
          `real lab (counted by \`GET /api/tokens\`: ${s.lab.tokensListedBefore} → ${s.lab.tokensListedAfter} entries)`,
          s.lab,
        ),
        row(`demo cloud, Keystone answering in ${delay} ms (its own counter)`, s.demoCloudKeystone100ms),
        row('demo cloud, Keystone answering at once', s.demoCloudInstant),
      ],
    ),
    '',
    `Target (${lab.limit} token creation, every answer 200, one token): ${yesNo(lab.holds)} against the real Keystone, ${yesNo(slowed.holds)} against a Keystone that takes ${delay} ms.`,
  ];
  const instant = s.demoCloudInstant;
  if (instant.keystoneTokenCreations !== 1) {
    lines.push(
      '',
      `**Not with an instant Keystone (${instant.keystoneTokenCreations} creations): why.** The BFF shares a renewal with every reissue of the session that *arrived while it was running*, including one that reaches it after it finished; a reissue that arrives after a renewal finished is a new reissue and gets a new token, on purpose (the budget tests rely on it). The ${s.concurrentReissues} fetches, sent together, do not arrive together: the client's connection pool hands them to the BFF one after another, and with a Keystone that answers at once each renewal has finished before the next request arrives. Server-side they are sequential reissues. With real Keystone latency (the lab, the ${delay} ms case) they overlap and make one token. Merging sequential reissues would need a time window that also swallows deliberate ones; we chose not to.`,
    );
  }
  return lines.join('\n');
}
