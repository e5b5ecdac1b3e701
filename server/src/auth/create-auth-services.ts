import type { CloudRegistry } from '../config/clouds-config.js';
import type { Logger } from '../platform/logger.js';
import type { SecretBox } from '../platform/secret-box.js';
import type { SharedState } from '../platform/shared-state/shared-state.js';
import type { SlidingWindow } from '../platform/shared-state/sliding-window.js';
import { CloudDirectory } from './cloud-directory.js';
import { SessionCatalog } from './session-catalog.js';
import { SessionOpener } from './session-opener.js';
import { TokenAccess, type Renewal } from './token-access.js';
import { TokenBudget } from './token-budget.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenLedger, type TokenLedgerStore } from './token-ledger.js';

/** How long a finished renewal is kept for requests that arrived while it was running. */
const RENEWAL_SETTLED_TTL_MS = 10_000;

/** What every feature shares about signed-in sessions; made once per app. */
export interface AuthServices {
  clouds: CloudDirectory;
  ledger: TokenLedger;
  issuer: TokenIssuer;
  access: TokenAccess;
  opener: SessionOpener;
  catalog: SessionCatalog;
  /** Token creations per user per minute: credentials for automation count against it too. */
  budget: TokenBudget;
  secretBox: SecretBox;
  /** Rate windows shared by every replica (Redis) or this process: counts that must not race. */
  windows: SlidingWindow;
  now: () => number;
}

export interface AuthOptions {
  clouds: CloudRegistry;
  ledgerStore: TokenLedgerStore;
  secretBox: SecretBox;
  logger: Logger;
  sharedState: SharedState;
  keepPasswordForReissue: boolean;
  upstreamTimeoutMs: number;
  tokenCreationsPerMinute: number;
  now: () => number;
}

export function createAuthServices(options: AuthOptions): AuthServices {
  const { secretBox, logger, now, sharedState } = options;
  const clouds = new CloudDirectory(options.clouds, { timeoutMs: options.upstreamTimeoutMs, now });
  const ledger = new TokenLedger(options.ledgerStore, secretBox, logger, now);
  const budget = new TokenBudget(options.tokenCreationsPerMinute, now, sharedState.window);
  const issuer = new TokenIssuer(budget, secretBox, now);
  // A renewal is one token creation, at most one catalog fetch and a ledger write.
  const renewals = sharedState.createFlight<Renewal>(
    'renewal',
    2 * options.upstreamTimeoutMs + 2000,
    RENEWAL_SETTLED_TTL_MS,
  );
  const access = new TokenAccess(clouds, issuer, ledger, secretBox, renewals, now);
  const opener = new SessionOpener(clouds, ledger, secretBox, logger, options.keepPasswordForReissue, now);
  const catalog = new SessionCatalog(clouds, access, ledger);
  return {
    clouds,
    ledger,
    issuer,
    access,
    opener,
    catalog,
    budget,
    secretBox,
    windows: sharedState.window,
    now,
  };
}
