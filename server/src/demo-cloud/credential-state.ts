import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyText } from './demo-http.js';
import { sendKeystoneError } from './keystone-errors.js';
import type { CredentialApiAnswer } from './demo-profiles.js';
import { type DemoWorld } from './demo-world.js';

// What the demo Keystone keeps of credentials per world, and the answers the credential routes share.

export interface DemoEc2Credential {
  access: string;
  secret: string;
  userId: string;
  projectId: string;
}

export interface CredentialState {
  ec2: DemoEc2Credential[];
  /** What Keystone stores besides what sign-in needs (DemoAppCredential), per application credential. */
  details: Map<string, AppCredentialDetails>;
}

export interface AppCredentialDetails {
  description: string | null;
  expiresAt: string | null;
  roles: { id: string; name: string }[];
  /** null when the creation did not say (Keystone 22 answers null then). */
  unrestricted: boolean | null;
  accessRules: { id: string; service: string; method: string; path: string }[];
}

const states = new WeakMap<DemoWorld, CredentialState>();

export function stateOf(world: DemoWorld): CredentialState {
  let state = states.get(world);
  if (!state) {
    state = { ec2: [], details: new Map() };
    states.set(world, state);
  }
  return state;
}

export function sendRefusal(
  res: ServerResponse,
  answer: Exclude<CredentialApiAnswer, 'served'>,
  isCompact: boolean,
): void {
  if (answer === 403) {
    sendKeystoneError(res, 403, 'Forbidden', 'You are not authorized to perform the requested action.', {
      isCompact,
    });
  } else if (answer === 404) {
    sendKeystoneError(res, 404, 'Not Found', 'The resource could not be found.', { isCompact });
  } else {
    sendKeystoneError(
      res,
      501,
      'Not Implemented',
      'The action you have requested has not been implemented.',
      {
        isCompact,
      },
    );
  }
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse(await readBodyText(req)) as unknown;
  } catch {
    return undefined;
  }
}

export function sendBadRequest(res: ServerResponse, message: string, isCompact = true): void {
  sendKeystoneError(res, 400, 'Bad Request', message, { isCompact });
}
