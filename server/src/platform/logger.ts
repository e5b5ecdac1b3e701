import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Redaction is a second line of defence: the code never passes secrets to
 * the logger in the first place, but a header or body that slips in is censored by path.
 *
 * The field names are every secret of the API contract (server/src/contract/: password, passcode,
 * applicationCredentialSecret, token, csrfToken), of the Keystone bodies the BFF reads
 * (application_credential `secret`, receipts; https://docs.openstack.org/api-ref/identity/v3/) and
 * of the session record (sealed values), each at the top level and up to three levels down. The
 * headers are those that carry a credential: cookies, X-Auth-Token, X-Subject-Token, X-CSRF-Token,
 * Openstack-Auth-Receipt (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html)
 * and Authorization.
 */
export const secretFieldNames = [
  'password',
  'passcode',
  'applicationCredentialSecret',
  'application_credential_secret',
  'secret',
  'token',
  'csrfToken',
  'receipt',
  'sealedPassword',
  'sealedToken',
  'sealedReceipt',
] as const;

export const secretHeaderNames = [
  'cookie',
  'set-cookie',
  'authorization',
  'x-auth-token',
  'x-subject-token',
  'x-csrf-token',
  'openstack-auth-receipt',
] as const;

// fast-redact matches one level per `*`: list each depth a secret may appear at.
const depths = ['', '*.', '*.*.', '*.*.*.'];

export const redactedPaths = [
  ...depths.flatMap((prefix) => secretFieldNames.map((name) => `${prefix}${name}`)),
  ...['', '*.'].flatMap((prefix) =>
    ['headers', 'req.headers', 'res.headers'].flatMap((where) =>
      secretHeaderNames.map((name) => `${prefix}${where}["${name}"]`),
    ),
  ),
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'api-access' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
