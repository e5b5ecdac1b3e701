import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { UpstreamError } from '../platform/errors.js';

/**
 * What the BFF asks upstreams to compress with. A Keystone or Neutron behind Apache, HAProxy or
 * nginx may compress a catalog of a few hundred KiB or a page of a thousand networks; undici's
 * request() (unlike fetch()) neither asks for compression nor undoes it, so both are done here.
 */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

/** undici gives headers as an object of lower-case names; a repeated header is an array. */
export function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

export function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : Math.round(mib * 10) / 10} MiB`;
}

/**
 * The body as text, never more than `maxBytes` once decompressed (a small compressed body that
 * inflates to gigabytes is cut at the cap like any other): a Content-Length past the cap is refused
 * before reading, and a body without one (chunked) is counted while it streams and abandoned at the
 * cap. Either way the request is aborted, which closes the connection. An encoding we cannot
 * undo, or a body that does not decompress, is upstream_error.
 */
export function readBodyText(
  response: Dispatcher.ResponseData,
  service: string,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
  const tooLarge = (detail: string): UpstreamError => {
    controller.abort();
    discard(response.body);
    return new UpstreamError(
      `${service} answered with ${detail}, more than the ${formatMiB(maxBytes)} API Access reads of an answer.`,
    );
  };
  const declared = Number(headerValue(response.headers['content-length']) ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(tooLarge(`a body of ${formatMiB(declared)} (announced by Content-Length)`));
  }
  const encoding = (headerValue(response.headers['content-encoding']) ?? 'identity').trim().toLowerCase();
  const decompressor = decompressorFor(encoding);
  if (decompressor === undefined) {
    discard(response.body);
    return Promise.reject(
      new UpstreamError(
        `${service} answered in an encoding API Access does not read (${encoding.slice(0, 40)}).`,
      ),
    );
  }
  let body: Readable = response.body;
  if (decompressor) {
    // An abort (the timeout, the cap) reaches the decompressor as its own error.
    body = pipeline(response.body, decompressor, () => {});
  }
  // Listeners rather than `for await`: a quarter of the time per answer (the async iterator
  // makes a promise per chunk), on every upstream call.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        body.removeAllListeners('data');
        body.destroy();
        reject(tooLarge('a larger body'));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () =>
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'),
      ),
    );
    body.on('error', (error: NodeJS.ErrnoException) => {
      const isZlibError = typeof error.code === 'string' && /^(Z_|ERR_BROTLI|ERR__?ZLIB)/.test(error.code);
      reject(
        isZlibError
          ? new UpstreamError(`${service} answered with a ${encoding} body that does not decompress.`)
          : error,
      );
    });
  });
}

/**
 * Closes a body we will not read. undici's body emits an 'error' (request aborted) when destroyed
 * before its end: with no listener that error would end the process.
 */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

/** null for an identity body, undefined for an encoding we do not undo. */
function decompressorFor(encoding: string) {
  switch (encoding) {
    case 'identity':
    case '':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}
