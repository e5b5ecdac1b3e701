import { signIn } from './lib/api-session.mjs';

/**
 * Single flight: 10 concurrent POST /api/token/reissue in one session must cost one Keystone
 * token creation. Counted twice: by the demo cloud's own counter, and against the real lab by
 * the growth of the session's GET /api/tokens list (each creation adds one entry).
 */
async function reissueConcurrently(session, count) {
  const answers = await Promise.all(Array.from({ length: count }, () => session.post('/api/token/reissue', {})));
  const statuses = answers.map((answer) => answer.status);
  const tokenIds = new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.body.id));
  return { statuses, distinctTokenIds: tokenIds.size };
}

export async function measureSingleFlight({ demoBff, demoCloud, demoLogin, labBff, labLogin, concurrent = 10 }) {
  const demoSession = await signIn(demoBff.url, demoLogin);
  await demoSession.refreshCsrfToken();
  const before = demoCloud.stats.tokensIssued;
  const demoRun = await reissueConcurrently(demoSession, concurrent);
  const demoCreations = demoCloud.stats.tokensIssued - before;

  const labSession = await signIn(labBff.url, labLogin);
  await labSession.refreshCsrfToken();
  const listBefore = (await labSession.get('/api/tokens')).body.tokens.length;
  const labRun = await reissueConcurrently(labSession, concurrent);
  const listAfter = (await labSession.get('/api/tokens')).body.tokens.length;
  const labCreations = listAfter - listBefore;

  const isOk = (run) => run.statuses.every((status) => status === 200) && run.distinctTokenIds === 1;
  return {
    concurrentReissues: concurrent,
    demoCloud: { keystoneTokenCreations: demoCreations, ...demoRun },
    lab: { keystoneTokenCreations: labCreations, tokensListedBefore: listBefore, tokensListedAfter: listAfter, ...labRun },
    target: '1 Keystone token creation',
    holds: demoCreations === 1 && labCreations === 1 && isOk(demoRun) && isOk(labRun),
  };
}
