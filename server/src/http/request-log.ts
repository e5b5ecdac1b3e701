import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../platform/logger.js';

/**
 * One line per request: method, path (never the query or headers: they may hold secrets), status,
 * time. The line is always these five primitive fields, so the logger's redaction (censoring by
 * field name, platform/logger.ts) can never change it; it is written by a child logger without
 * redaction, which cost a sixth of the BFF's CPU per `GET /api/token` (86 paths walked per line;
 * docs/benchmarks.md, "Token status against a bare Express app"). Every other line keeps it.
 */
export function requestLog(logger: Logger): RequestHandler {
  const requestLines = logger.child({}, { redact: { paths: [] } });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.locals.receivedAt = Date.now();
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'warn' : 'info';
      requestLines[level](
        {
          requestId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round(ms),
        },
        'request',
      );
    });
    next();
  };
}
