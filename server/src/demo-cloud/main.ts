import fs from 'node:fs';
import { demoCloudUsage, parseDemoCloudCommand, type DemoPasscodeRequest } from './demo-cloud-args.js';
import { demoCloudsYaml, startDemoCloud, type DemoCloudOptions } from './demo-cloud.js';
import { describeProfile } from './demo-profiles.js';
import { secondsLeftInStep, totpPasscodeAt } from './totp-passcodes.js';

/**
 * `npm run demo-cloud -- --profile vk --port 5050 --networks 10000`: runs the demo cloud alone and
 * prints what a person needs to log in to it. Stops cleanly on SIGINT/SIGTERM.
 * `npm run demo-cloud -- --totp`: prints the passcode the demo user `mfa` needs now (any demo cloud
 * of the profile accepts it, `npm start`'s included: the TOTP secret is a fixed public value).
 */

/** The passcode line for `--totp`, or the reason there is none; exit code 2 for the latter. */
function printPasscode(request: DemoPasscodeRequest): void {
  const profile = request.passcodeFor.profile ?? 'default';
  const mfaUser = describeProfile(profile).mfaUser;
  if (!mfaUser) {
    process.stderr.write(`demo-cloud: the ${profile} profile has no user with a second factor.\n`);
    process.exitCode = 2;
    return;
  }
  // On the demo Keystone's clock, which --clock-skew shifts.
  const nowMs = Date.now() + (request.passcodeFor.clockSkewSeconds ?? 0) * 1000;
  const left = secondsLeftInStep(nowMs);
  process.stdout.write(
    `${totpPasscodeAt(mfaUser.totpSecret, nowMs)}   (passcode of user ${mfaUser.username}: current for ${left} s, ` +
      `then accepted 30 s more, as Keystone accepts the previous step)\n`,
  );
}

async function main(): Promise<void> {
  let options: DemoCloudOptions | DemoPasscodeRequest | 'help';
  let cloudsYamlFile: string | undefined;
  try {
    ({ request: options, cloudsYamlFile } = parseDemoCloudCommand(process.argv.slice(2)));
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
  if ('passcodeFor' in options) {
    printPasscode(options);
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
  const { mfa, applicationCredential } = credentials;
  if (cloudsYamlFile !== undefined) {
    try {
      fs.writeFileSync(cloudsYamlFile, demoCloudsYaml(cloud));
    } catch (error) {
      process.stderr.write(
        `demo-cloud: cannot write ${cloudsYamlFile}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      await cloud.close();
      process.exitCode = 1;
      return;
    }
  }
  process.stdout.write(
    [
      `Demo cloud (profile ${cloud.profile}) listening on ${cloud.url}: a local test double, not a real OpenStack.`,
      `  auth URL:       ${cloud.authUrl} (identity API ${cloud.identityApiVersion})`,
      `  regions:        ${cloud.regions.join(', ')}`,
      `  username:       ${credentials.username}`,
      `  password:       ${credentials.password}   (public demo password)`,
      `  user domain:    ${credentials.userDomainName}`,
      `  project:        ${credentials.projectName} (${credentials.projectId})`,
      ...(mfa
        ? [
            `  second factor:  user ${mfa.username} / ${mfa.password}, then a TOTP passcode (same project only)`,
            `                  TOTP secret ${mfa.totpSecret} (base32, SHA-1, 6 digits, 30 s), or the passcode now:`,
            `                  npm run demo-cloud -- --totp${cloud.profile === 'default' ? '' : ` --profile ${cloud.profile}`}`,
          ]
        : []),
      ...(applicationCredential
        ? [
            `  app credential: id ${applicationCredential.id} (name ${applicationCredential.name}, user ${credentials.username})`,
            `                  secret ${applicationCredential.secret}   (public demo secret)`,
          ]
        : []),
      '',
      cloudsYamlFile === undefined
        ? 'clouds.yaml:'
        : `clouds.yaml (also written to ${cloudsYamlFile}: OS_CLIENT_CONFIG_FILE=${cloudsYamlFile} npm start):`,
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
