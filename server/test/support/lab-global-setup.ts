import { readLabFacts } from './lab-facts.js';

/** Fails the lab project at once, with the command to run, when the lab is not up. */
export default async function assertLabIsRunning(): Promise<void> {
  const lab = readLabFacts();
  try {
    const response = await fetch(`${lab.keystoneUrl}/v3`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (error) {
    throw new Error(
      `The OpenStack lab's Keystone does not answer (${(error as Error).message}). Run: npm run lab -- start`,
    );
  }
}
