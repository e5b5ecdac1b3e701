import { demoCloudUsage, parseDemoCloudArgs } from './demo-cloud-args.js';
import { demoCloudsYaml, startDemoCloud, type DemoCloudOptions } from './demo-cloud.js';

/**
 * `npm run demo-cloud -- --profile vk --port 5050 --networks 10000`: runs the demo cloud alone and
 * prints what a person needs to log in to it. Stops cleanly on SIGINT/SIGTERM.
 */

async function main(): Promise<void> {
  let options: DemoCloudOptions | 'help';
  try {
    options = parseDemoCloudArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `demo-cloud: ${error instanceof Error ? error.message : String(error)}\n\n${demoCloudUsage}\n`,
    );
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${demoCloudUsage}\n`);
    return;
  }
  let cloud;
  try {
    cloud = await startDemoCloud(options);
  } catch (error) {
    process.stderr.write(
      `demo-cloud: cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
    return;
  }
  const { credentials } = cloud;
  process.stdout.write(
    [
      `Demo cloud (profile ${cloud.profile}) listening on ${cloud.url}: a local test double, not a real OpenStack.`,
      `  auth URL:       ${cloud.authUrl} (identity API ${cloud.identityApiVersion})`,
      `  regions:        ${cloud.regions.join(', ')}`,
      `  username:       ${credentials.username}`,
      `  password:       ${credentials.password}   (public demo password)`,
      `  user domain:    ${credentials.userDomainName}`,
      `  project:        ${credentials.projectName} (${credentials.projectId})`,
      '',
      'clouds.yaml:',
      demoCloudsYaml(cloud),
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let isStopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (isStopping) return;
    isStopping = true;
    process.stdout.write(`\n${signal}: stopping the demo cloud\n`);
    void cloud.close().then(() => {
      process.exitCode = 0;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
