/**
 * Reads an OpenStack RC file (v2.0 or v3, as Horizon and the seed clouds hand them out, for a
 * password or an application credential) in the browser, so the file never leaves it. Only
 * `export OS_NAME=value` / `OS_NAME=value` lines with a literal value count; values that expand a
 * variable (`$OS_PASSWORD_INPUT`), other commands, comments and unknown variables are ignored.
 */
export interface OpenrcValues {
  /** keystoneauth's plugin name, e.g. `v3applicationcredential` or `password`. */
  authType?: string;
  authUrl?: string;
  identityApiVersion?: string;
  username?: string;
  userId?: string;
  password?: string;
  userDomainName?: string;
  userDomainId?: string;
  projectId?: string;
  projectName?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  regionName?: string;
  interface?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
}

// The names the OpenStack clients read from the environment: OS_ + the keystoneauth plugin's
// option in upper snake case (application_credential_id → OS_APPLICATION_CREDENTIAL_ID,
// https://docs.openstack.org/keystoneauth/latest/api/keystoneauth1.identity.v3.html), as in
// Horizon's application credential openrc.sh.template.
const variableToField: Record<string, keyof OpenrcValues> = {
  OS_AUTH_TYPE: 'authType',
  OS_AUTH_URL: 'authUrl',
  OS_IDENTITY_API_VERSION: 'identityApiVersion',
  OS_USERNAME: 'username',
  OS_USER_ID: 'userId',
  OS_PASSWORD: 'password',
  OS_USER_DOMAIN_NAME: 'userDomainName',
  OS_USER_DOMAIN_ID: 'userDomainId',
  OS_PROJECT_ID: 'projectId',
  OS_TENANT_ID: 'projectId', // v2.0 name
  OS_PROJECT_NAME: 'projectName',
  OS_TENANT_NAME: 'projectName', // v2.0 name
  OS_PROJECT_DOMAIN_NAME: 'projectDomainName',
  OS_PROJECT_DOMAIN_ID: 'projectDomainId',
  OS_REGION_NAME: 'regionName',
  OS_INTERFACE: 'interface',
  OS_ENDPOINT_TYPE: 'interface', // v2.0 name, e.g. publicURL
  OS_APPLICATION_CREDENTIAL_ID: 'applicationCredentialId',
  OS_APPLICATION_CREDENTIAL_NAME: 'applicationCredentialName',
  OS_APPLICATION_CREDENTIAL_SECRET: 'applicationCredentialSecret',
};

interface Word {
  value: string;
  /** False when the word expands a variable or a command: its value is not in the file. */
  isLiteral: boolean;
  end: number;
}

const expansionStart = /^\$[\w{(@*#?$!-]|^`/;

const namedEscapes: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  e: 0x1b,
  E: 0x1b,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  '?': 0x3f,
};

/**
 * Bash's ANSI-C quoting, `$'…'` (our own openrc writes control characters so), from the `$` at
 * `start`: the escapes of https://www.gnu.org/software/bash/manual/bash.html#ANSI_002dC-Quoting.
 * `\xHH` and octal escapes are bytes, read as UTF-8 like the rest. Null when unterminated.
 */
function readAnsiCQuoted(line: string, start: number): { value: string; end: number } | null {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushText = (text: string) => bytes.push(...encoder.encode(text));
  let i = start + 2;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "'") {
      // A shell string ends at a NUL byte: bash keeps what comes before it.
      const value = new TextDecoder().decode(new Uint8Array(bytes)).split('\u0000')[0] ?? '';
      return { value, end: i + 1 };
    }
    if (ch !== '\\' || i + 1 >= line.length) {
      pushText(ch);
      i += 1;
      continue;
    }
    const next = line[i + 1]!;
    i += 2;
    const named = namedEscapes[next];
    if (named !== undefined) {
      bytes.push(named);
    } else if (/[0-7]/.test(next)) {
      const digits = next + (/^[0-7]{0,2}/.exec(line.slice(i))?.[0] ?? '');
      bytes.push(parseInt(digits, 8) & 0xff);
      i += digits.length - 1;
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const most = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const digits = new RegExp(`^[0-9a-fA-F]{1,${most}}`).exec(line.slice(i))?.[0];
      if (!digits) {
        pushText(`\\${next}`);
        continue;
      }
      const code = parseInt(digits, 16);
      if (next === 'x') bytes.push(code);
      else pushText(code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd');
      i += digits.length;
    } else if (next === 'c' && i < line.length) {
      bytes.push(line.charCodeAt(i) & 0x1f);
      i += 1;
    } else {
      pushText(`\\${next}`);
    }
  }
  return null;
}

/** Read one shell word starting at `start`; null on an unterminated quote. */
function readWord(line: string, start: number): Word | null {
  let value = '';
  let isLiteral = true;
  let i = start;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === ';' || ch === '&' || ch === '|') break;
    if (ch === '$' && line[i + 1] === "'") {
      const quoted = readAnsiCQuoted(line, i);
      if (!quoted) return null;
      value += quoted.value;
      i = quoted.end;
    } else if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) return null;
      value += line.slice(i + 1, close);
      i = close + 1;
    } else if (ch === '"') {
      i += 1;
      let closed = false;
      while (i < line.length) {
        const c = line[i]!;
        if (c === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (c === '\\' && i + 1 < line.length && '$`"\\'.includes(line[i + 1]!)) {
          value += line[i + 1];
          i += 2;
          continue;
        }
        if (expansionStart.test(line.slice(i))) isLiteral = false;
        value += c;
        i += 1;
      }
      if (!closed) return null;
    } else if (ch === '\\') {
      if (i + 1 < line.length) value += line[i + 1];
      i += 2;
    } else {
      if (expansionStart.test(line.slice(i))) isLiteral = false;
      value += ch;
      i += 1;
    }
  }
  return { value, isLiteral, end: i };
}

function normalizeInterface(value: string): string {
  // v2.0 endpoint types carry a URL suffix: publicURL, internalURL, adminURL.
  return value.replace(/URL$/, '');
}

export function parseOpenrc(text: string): OpenrcValues {
  const values: OpenrcValues = {};
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice('export '.length).trimStart();
    let i = 0;
    while (i < line.length) {
      const assignment = /^([A-Za-z_]\w*)=/.exec(line.slice(i));
      if (!assignment) break; // not an assignment: another command, or a comment after the value
      const name = assignment[1]!;
      const word = readWord(line, i + assignment[0].length);
      if (!word) break;
      const field = variableToField[name];
      if (field && word.isLiteral) {
        values[field] = field === 'interface' ? normalizeInterface(word.value) : word.value;
      }
      i = word.end;
      while (line[i] === ' ' || line[i] === '\t') i += 1;
    }
  }
  return values;
}

export type OpenrcCredentialKind = 'password' | 'application_credential';

/**
 * Which sign-in an openrc is for. OS_AUTH_TYPE decides when it is set (a file may carry both
 * kinds of variables, and keystoneauth only reads the plugin's own); an application credential
 * type without any of its variables is read as a password file, as before. Without OS_AUTH_TYPE,
 * a credential id or name means an application credential.
 */
export function detectCredentialKind(values: OpenrcValues): OpenrcCredentialKind {
  const namesCredential = Boolean(values.applicationCredentialId ?? values.applicationCredentialName);
  if (values.authType === undefined) return namesCredential ? 'application_credential' : 'password';
  const isApplicationCredentialType = values.authType.trim().toLowerCase() === 'v3applicationcredential';
  return isApplicationCredentialType && (namesCredential || Boolean(values.applicationCredentialSecret))
    ? 'application_credential'
    : 'password';
}

/** Auth URLs are compared without trailing slashes or the version suffix: `.../v3/` equals `...`. */
export function normalizeAuthUrl(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/v(3|2\.0)$/, '')
    .toLowerCase();
}
