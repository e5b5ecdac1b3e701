import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/**
 * Issue 13 item 9: the redaction list, the second line of defence behind "the code never passes a
 * secret to the logger", covers every secret field name of the API contract (server/src/contract/)
 * and of the Keystone answers the BFF reads, at the top level and nested, and the secret headers.
 */

function capture(level = 'trace') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger(level, sink), text: () => lines.join('') };
}

/** Every field name that carries a secret, with a distinct value each. */
const secretFields = {
  // contract/session.ts, contract/token.ts (requests and answers)
  password: 'S3cret-password-value',
  passcode: '918273',
  applicationCredentialSecret: 'app-cred-secret-value',
  token: 'gAAAAA-token-value',
  csrfToken: 'csrf-token-value',
  // Keystone bodies: application_credential.secret, EC2 credentials, v2.0 token ids, receipts
  secret: 'keystone-secret-value',
  application_credential_secret: 'snake-app-cred-secret',
  receipt: 'gAAAAAB-receipt-value',
  // what the session keeps (sealed, still nothing for a log)
  sealedPassword: 'v1.sealed-password',
  sealedToken: 'v1.sealed-token',
  sealedReceipt: 'v1.sealed-receipt',
};

const secretHeaders = {
  cookie: 'api-access.sid=s%3Acookie-value',
  'x-auth-token': 'header-auth-token',
  'x-subject-token': 'header-subject-token',
  'x-csrf-token': 'header-csrf-token',
  'openstack-auth-receipt': 'header-auth-receipt',
  authorization: 'Bearer header-authorization',
};

function expectNoneOf(text: string, values: string[]): void {
  for (const value of values) expect(text.includes(value), `${value} is in the log`).toBe(false);
}

describe('logger redaction', () => {
  it('censors every secret field name at the top level, one and two levels down', () => {
    const { logger, text } = capture();
    logger.info(secretFields, 'top');
    logger.info({ body: secretFields }, 'nested');
    logger.info({ err: { body: secretFields } }, 'deeper');
    logger.info({ request: { auth: secretFields } }, 'deeper still');
    expectNoneOf(text(), Object.values(secretFields));
    expect(text().match(/\[redacted\]/g)?.length).toBe(4 * Object.keys(secretFields).length);
  });

  it('censors the secret headers of requests, responses and upstream calls', () => {
    const { logger, text } = capture();
    logger.info({ req: { headers: secretHeaders } }, 'req');
    logger.info(
      { res: { headers: { ...secretHeaders, 'set-cookie': ['api-access.sid=set-cookie-value'] } } },
      'res',
    );
    logger.info({ headers: secretHeaders }, 'upstream');
    logger.info({ upstream: { headers: secretHeaders } }, 'upstream nested');
    expectNoneOf(text(), [...Object.values(secretHeaders), 'set-cookie-value']);
  });

  it('keeps what is not secret', () => {
    const { logger, text } = capture();
    logger.info({ cloud: 'lab', username: 'demo', status: 401, tokenPreview: 'gAAAAABn…' }, 'kept');
    expect(text()).toContain('"username":"demo"');
    expect(text()).toContain('"tokenPreview":"gAAAAABn…"');
  });
});
