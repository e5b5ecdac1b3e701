import { parseArgs } from 'node:util';
import type { DemoCloudOptions } from './demo-cloud.js';
import { demoProfiles, isDemoProfile } from './demo-profiles.js';

/** Command-line flags of `npm run demo-cloud`; kept apart from main.ts so tests can import it. */

export const demoCloudUsage = `Usage: npm run demo-cloud -- [options]
  --profile <name>        ${demoProfiles.join(' | ')} (default: default)
  --port <n>              port on 127.0.0.1 (default: 0 = any free port)
  --networks <n>          networks per project per region (default: 5)
  --token-lifetime <s>    token lifetime in seconds (default: the profile's)
  --clock-skew <s>        the fake Keystone's clock offset in seconds (default: 0; negative: --clock-skew=-300)
  --rate-limit <n>        token creations per user per minute before 429 (default: the profile's)
  --clouds-yaml <file>    also write the clouds.yaml for this demo cloud to <file> (for OS_CLIENT_CONFIG_FILE)
  --totp                  print the TOTP passcode the demo user "mfa" needs now, and exit
                          (with the running demo cloud's --profile and --clock-skew, if any)
  -h, --help              show this help`;

/** `--totp`: compute the passcode a demo cloud started with these options accepts now; serve nothing. */
export interface DemoPasscodeRequest {
  passcodeFor: DemoCloudOptions;
}

export function parseDemoCloudArgs(argv: string[]): DemoCloudOptions | DemoPasscodeRequest | 'help' {
  return parseDemoCloudCommand(argv).request;
}

/** Like parseDemoCloudArgs, plus the flags that are not demo cloud options. */
export function parseDemoCloudCommand(argv: string[]): {
  request: DemoCloudOptions | DemoPasscodeRequest | 'help';
  cloudsYamlFile?: string;
} {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string' },
      port: { type: 'string' },
      networks: { type: 'string' },
      'token-lifetime': { type: 'string' },
      'clock-skew': { type: 'string' },
      'rate-limit': { type: 'string' },
      totp: { type: 'boolean' },
      'clouds-yaml': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { request: 'help' };
  if (positionals.length > 0) throw new Error(`Unexpected argument "${positionals[0]}"`);
  const options: DemoCloudOptions = {};
  if (values.profile !== undefined) {
    if (!isDemoProfile(values.profile)) {
      throw new Error(`--profile must be one of ${demoProfiles.join(', ')}, got "${values.profile}"`);
    }
    options.profile = values.profile;
  }
  const integer = (flag: string, text: string | undefined, allowNegative = false): number | undefined => {
    if (text === undefined) return undefined;
    if (!(allowNegative ? /^-?\d+$/ : /^\d+$/).test(text)) {
      throw new Error(`--${flag} must be ${allowNegative ? 'an integer' : 'a whole number'}, got "${text}"`);
    }
    return Number.parseInt(text, 10);
  };
  const port = integer('port', values.port);
  if (port !== undefined) options.port = port;
  const networks = integer('networks', values.networks);
  if (networks !== undefined) options.networkCount = networks;
  const lifetime = integer('token-lifetime', values['token-lifetime']);
  if (lifetime !== undefined) options.tokenLifetimeSeconds = lifetime;
  const skew = integer('clock-skew', values['clock-skew'], true);
  if (skew !== undefined) options.clockSkewSeconds = skew;
  const rate = integer('rate-limit', values['rate-limit']);
  if (rate !== undefined) options.tokenCreationsPerMinute = rate;
  const cloudsYamlFile = values['clouds-yaml'];
  if (cloudsYamlFile === '') throw new Error('--clouds-yaml needs a file name');
  return {
    request: values.totp ? { passcodeFor: options } : options,
    ...(cloudsYamlFile !== undefined ? { cloudsYamlFile } : {}),
  };
}
