import { signIn } from './lib/api-session.mjs';

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

  const isOk = (run) =>
    run.keystoneTokenCreations === 1 &&
    run.statuses.every((status) => status === 200) &&
    run.distinctTokenIds === 1;
  return {
    concurrentReissues: concurrent,
    lab,
    demoCloudInstant: demoInstant,
    demoCloudKeystone100ms: demoSlowed,
    target: '1 Keystone token creation',
    holds: isOk(lab) && isOk(demoSlowed),
    holdsWithInstantKeystone: isOk(demoInstant),
  };
}
