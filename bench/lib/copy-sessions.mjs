import path from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from 'redis';

/**
 * Copies one stored session under new ids, at the storage level, whatever the build's layout:
 * its record and, where the build keeps them, its token ledger and its tokens' catalogs. Signing
 * in 10,000 times is not possible within the per-user token budget, and a raw copy works the same
 * for a build from before the catalog moved out of the record (--baseline). Copies cannot open
 * their sealed token (it is bound to the original id), which GET /api/token never does.
 * Returns what one session occupies: its record's bytes and its catalogs' bytes.
 */
export async function copySqliteSessions(dataDir, templateSid, newSids) {
  const db = new Database(path.join(dataDir, 'sessions.db'));
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
    const copies = [['sessions', 'sess, expires']];
    if (tables.has('token_ledger')) copies.push(['token_ledger', 'token_id, entry, expires, revoked']);
    if (tables.has('token_catalogs')) copies.push(['token_catalogs', 'token_id, catalog, expires']);
    const statements = copies.map(([table, columns]) =>
      db.prepare(`INSERT INTO ${table} (sid, ${columns}) SELECT ?, ${columns} FROM ${table} WHERE sid = ?`),
    );
    const copyAll = db.transaction((sids) => {
      for (const sid of sids) for (const statement of statements) statement.run(sid, templateSid);
    });
    for (let i = 0; i < newSids.length; i += 1000) copyAll(newSids.slice(i, i + 1000));
    const bytes = (sql) => db.prepare(sql).pluck().get(templateSid) ?? 0;
    return {
      recordBytes: bytes('SELECT length(CAST(sess AS BLOB)) FROM sessions WHERE sid = ?'),
      catalogBytes: tables.has('token_catalogs')
        ? bytes('SELECT SUM(length(CAST(catalog AS BLOB))) FROM token_catalogs WHERE sid = ?')
        : 0,
    };
  } finally {
    db.close();
  }
}

const PREFIX = 'api-access:';

/** The same in Redis: the record (a string), the ledger and the catalogs (hashes), with their expiry. */
export async function copyRedisSessions(redisUrl, templateSid, newSids) {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const usedBefore = await usedMemory(client);
    const record = await client.get(`${PREFIX}sess:${templateSid}`);
    const recordTtl = await client.pTTL(`${PREFIX}sess:${templateSid}`);
    const hashes = [];
    for (const kind of ['ledger', 'catalogs']) {
      const key = `${PREFIX}${kind}:${templateSid}`;
      const fields = await client.hGetAll(key);
      if (Object.keys(fields).length > 0) hashes.push({ kind, fields, ttl: await client.pTTL(key) });
    }
    for (let i = 0; i < newSids.length; i += 500) {
      const batch = client.multi();
      for (const sid of newSids.slice(i, i + 500)) {
        batch.set(`${PREFIX}sess:${sid}`, record, { expiration: { type: 'PX', value: recordTtl } });
        for (const { kind, fields, ttl } of hashes) {
          batch.hSet(`${PREFIX}${kind}:${sid}`, fields);
          batch.pExpire(`${PREFIX}${kind}:${sid}`, ttl);
        }
      }
      await batch.exec();
    }
    const catalogs = hashes.find((hash) => hash.kind === 'catalogs');
    return {
      recordBytes: Buffer.byteLength(record),
      catalogBytes: catalogs
        ? Object.entries(catalogs.fields)
            .filter(([field]) => !field.endsWith(':expires'))
            .reduce((sum, [, json]) => sum + Buffer.byteLength(json), 0)
        : 0,
      redisUsedBytes: { before: usedBefore, after: await usedMemory(client) },
    };
  } finally {
    await client.close();
  }
}

export async function usedMemory(client) {
  const info = await client.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)[1]);
}
