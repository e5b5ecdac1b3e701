import { createHmac } from 'node:crypto';

/**
 * An AWS signature version 2 request (HmacSHA256), as an S3/EC2 client signs it and as Keystone's
 * `POST /v3/ec2tokens` checks it (keystoneclient's Ec2Signer): the string to sign is
 * `VERB\nhost:port\n/path\n` + the query sorted by key, each key and value percent-encoded per
 * RFC 3986 (only A-Z a-z 0-9 - _ . ~ left as they are).
 * https://docs.aws.amazon.com/AWSECommerceService/latest/DG/HMACAuth_ItemsRequired.html
 */
export interface Ec2SignedRequest {
  access: string;
  signature: string;
  host: string;
  verb: string;
  path: string;
  params: Record<string, string>;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function signEc2RequestV2(
  access: string,
  secret: string,
  request: { host: string; verb?: string; path?: string; params?: Record<string, string>; now?: Date },
): Ec2SignedRequest {
  const verb = request.verb ?? 'GET';
  const path = request.path ?? '/';
  const params: Record<string, string> = {
    Action: 'DescribeInstances',
    ...request.params,
    AWSAccessKeyId: access,
    SignatureMethod: 'HmacSHA256',
    SignatureVersion: '2',
    Timestamp: (request.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const query = Object.keys(params)
    .sort()
    .map((key) => `${rfc3986(key)}=${rfc3986(params[key]!)}`)
    .join('&');
  const stringToSign = `${verb}\n${request.host}\n${path}\n${query}`;
  const signature = createHmac('sha256', secret).update(stringToSign).digest('base64');
  return { access, signature, host: request.host, verb, path, params };
}

/** POST /v3/ec2tokens with an admin (or service) token: Keystone's `identity:ec2tokens_validate`. */
export async function askEc2Tokens(
  keystoneUrl: string,
  adminToken: string,
  signed: Ec2SignedRequest,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${keystoneUrl}/v3/ec2tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Auth-Token': adminToken },
    body: JSON.stringify({ credentials: signed }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: response.status, body };
}
