import { readLabFacts } from '../../server/test/support/lab-facts.js';

export default async function assertLabIsRunning(): Promise<void> {
  const lab = readLabFacts();
  const response = await fetch(`${lab.keystoneUrl}/v3`).catch((error: Error) => {
    throw new Error(`The lab's Keystone does not answer (${error.message}). Run: npm run lab -- start`);
  });
  if (!response.ok)
    throw new Error(`The lab's Keystone answered HTTP ${response.status}. Run: npm run lab -- reset`);
}
