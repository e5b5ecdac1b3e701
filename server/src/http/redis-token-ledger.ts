import type { LedgerEntry } from '../auth/auth-state.js';
import type { Catalog } from '../contract/catalog.js';
import type { TokenLedgerStore } from '../auth/token-ledger.js';
import type { GuardedRedis } from '../platform/shared-state/guarded-redis.js';

/**
 * Redis keys of one session: its record (connect-redis), its tombstone once destroyed, its
 * token ledger, a hash with one field per token and one `<id>:revoked` field per revocation, so
 * that no write ever rewrites another request's entry, and its tokens' catalogs, a hash with one
 * field per token and one `<id>:expires` field (docs/decisions/0014-catalog-stored-per-token.md).
 */
export interface RedisSessionKeys {
  session(sid: string): string;
  closed(sid: string): string;
  ledger(sid: string): string;
  catalogs(sid: string): string;
}

export function redisSessionKeys(prefix = 'api-access:'): RedisSessionKeys {
  return {
    session: (sid) => `${prefix}sess:${sid}`,
    closed: (sid) => `${prefix}closed:${sid}`,
    ledger: (sid) => `${prefix}ledger:${sid}`,
    catalogs: (sid) => `${prefix}catalogs:${sid}`,
  };
}

// KEYS[1] catalogs; ARGV[1] token id, ARGV[2] catalog JSON, ARGV[3] its token's expiry (unix ms).
// Catalogs of expired tokens are dropped here (Redis 7.0 has no expiry per field), and one whose
// token has expired already is not written (it would create the hash with no expiry); the hash lives
// as long as its longest-lived token. Only the `:expires` fields are read, not every catalog.
// Called from scripts that checked the tombstone first.
const keepCatalogLua = `
local function keepCatalog(key, id, json, expires)
  local now = tonumber(redis.call('TIME')[1]) * 1000
  local expiring = {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, -8) == ':expires' then table.insert(expiring, field) end
  end
  if #expiring > 0 then
    local values = redis.call('HMGET', key, unpack(expiring))
    for i, field in ipairs(expiring) do
      if tonumber(values[i]) <= now then redis.call('HDEL', key, field, string.sub(field, 1, -9)) end
    end
  end
  local ttl = tonumber(expires) - now
  if ttl <= 0 then return end
  redis.call('HSET', key, id, json, id .. ':expires', expires)
  local current = redis.call('PTTL', key)
  if current < 0 or ttl > current then redis.call('PEXPIRE', key, ttl) end
end`;

// KEYS[1] closed, KEYS[2] ledger, KEYS[3] catalogs; ARGV[1] token id, ARGV[2] entry JSON,
// ARGV[3] its expiry (unix ms), ARGV[4] its catalog JSON or ''. The hash lives as long as its
// longest-lived token.
const appendScript = `${keepCatalogLua}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local ttl = tonumber(ARGV[3]) - tonumber(redis.call('TIME')[1]) * 1000
local current = redis.call('PTTL', KEYS[2])
if ttl > 0 and (current < 0 or ttl > current) then redis.call('PEXPIRE', KEYS[2], ttl)
-- A token recorded after it expired (a clock behind Redis's): never a ledger without an expiry.
elseif current < 0 then redis.call('PEXPIRE', KEYS[2], 1000) end
if ARGV[4] ~= '' then keepCatalog(KEYS[3], ARGV[1], ARGV[4], ARGV[3]) end
return 1`;

// KEYS[1] closed, KEYS[2] catalogs; ARGV as keepCatalog's.
const keepCatalogScript = `${keepCatalogLua}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
keepCatalog(KEYS[2], ARGV[1], ARGV[2], ARGV[3])
return 1`;

// KEYS[1] closed, KEYS[2] ledger, KEYS[3] session record, KEYS[4] catalogs; ARGV[1] tombstone lifetime (ms).
const closeScript = `
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
local entries = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
return entries`;

// KEYS[1] closed, KEYS[2] ledger; ARGV[1] field. Only into a live ledger: a revocation racing a
// sign-out must not recreate the deleted hash (it would have no expiry).
const markRevokedScript = `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
return redis.call('HSET', KEYS[2], ARGV[1], '1')`;

/** The token ledgers in Redis, beside the sessions, for several replicas (ADR 0006). */
export class RedisTokenLedger implements TokenLedgerStore {
  constructor(
    private readonly redis: GuardedRedis,
    private readonly keys: RedisSessionKeys,
    private readonly closedTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async append(sessionId: string, entry: LedgerEntry, catalog: Catalog | null): Promise<boolean> {
    const appended = await this.redis.send((client) =>
      client.eval(appendScript, {
        keys: [this.keys.closed(sessionId), this.keys.ledger(sessionId), this.keys.catalogs(sessionId)],
        arguments: [
          entry.id,
          JSON.stringify(entry),
          String(entry.expiresAtMs),
          catalog ? JSON.stringify(catalog) : '',
        ],
      }),
    );
    return appended === 1;
  }

  /** The token's catalog while the token lives (as the SQLite store: `expires > now`). */
  async readCatalog(sessionId: string, tokenId: string): Promise<Catalog | null> {
    const [json, expires] = await this.redis.send((client) =>
      client.hmGet(this.keys.catalogs(sessionId), [tokenId, `${tokenId}:expires`]),
    );
    if (typeof json !== 'string' || Number(expires) <= this.now()) return null;
    return JSON.parse(json) as Catalog;
  }

  async keepCatalog(sessionId: string, entry: LedgerEntry, catalog: Catalog): Promise<boolean> {
    const kept = await this.redis.send((client) =>
      client.eval(keepCatalogScript, {
        keys: [this.keys.closed(sessionId), this.keys.catalogs(sessionId)],
        arguments: [entry.id, JSON.stringify(catalog), String(entry.expiresAtMs)],
      }),
    );
    return kept === 1;
  }

  async list(sessionId: string): Promise<LedgerEntry[]> {
    const fields = await this.redis.send((client) => client.hGetAll(this.keys.ledger(sessionId)));
    return fromFields(Object.entries(fields)).filter((entry) => entry.expiresAtMs > this.now());
  }

  async markRevoked(sessionId: string, tokenId: string): Promise<void> {
    await this.redis.send((client) =>
      client.eval(markRevokedScript, {
        keys: [this.keys.closed(sessionId), this.keys.ledger(sessionId)],
        arguments: [`${tokenId}:revoked`],
      }),
    );
  }

  async close(sessionId: string): Promise<LedgerEntry[]> {
    const flat = (await this.redis.send((client) =>
      client.eval(closeScript, {
        keys: [
          this.keys.closed(sessionId),
          this.keys.ledger(sessionId),
          this.keys.session(sessionId),
          this.keys.catalogs(sessionId),
        ],
        arguments: [String(this.closedTtlMs)],
      }),
    )) as string[];
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
    return fromFields(pairs);
  }
}

function fromFields(fields: [string, string][]): LedgerEntry[] {
  const revoked = new Set(
    fields.filter(([field]) => field.endsWith(':revoked')).map(([field]) => field.slice(0, -8)),
  );
  return fields
    .filter(([field]) => !field.endsWith(':revoked'))
    .map(([field, json]) => {
      const entry = JSON.parse(json) as LedgerEntry;
      return revoked.has(field) ? { ...entry, isRevoked: true } : entry;
    });
}
