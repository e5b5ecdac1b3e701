import { readLabFacts } from '../support/lab-facts.js';
import { labClouds } from '../support/lab.js';
import { describeSignOutRevokesEveryToken } from '../support/sign-out-scenarios.js';
import { startTestApp } from '../support/test-app.js';

// The same scenarios against the demo cloud (SQLite and Redis): test/integration/sign-out-revokes-every-token.test.ts.
describeSignOutRevokesEveryToken('the real lab (Keystone 22)', async () => {
  const lab = readLabFacts();
  const cloud = labClouds().find((candidate) => candidate.name === 'lab');
  if (!cloud) throw new Error('The lab clouds.yaml has no cloud named lab.');
  return {
    keystoneUrl: lab.keystoneUrl,
    cloud,
    password: lab.users.demo!.password,
    startApp: (clouds) => startTestApp(clouds),
  };
});
