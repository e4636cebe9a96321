import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Diagnostics, NumberedLine } from './diagnostics.ts';

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts with the gzip magic bytes (the name is not trusted). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

/** A byte stream of the file's content, gunzipped when the file is gzip. */
export async function openMaybeGzip(path: string): Promise<Readable> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!(await isGzipFile(path))) return raw;
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * Streams the lines of a plain or gzip text file with bounded memory.
 * Empty lines are skipped (they are not records). A truncated or corrupt gzip
 * stream is reported as `truncated-gzip` and ends the iteration; the partial
 * line at the cut is dropped with it, so callers only ever see whole lines.
 *
 * @param path file to read; gzip is detected by its magic bytes.
 * @param diagnostics where the truncation is reported.
 */
export async function* readLines(path: string, diagnostics: Diagnostics): AsyncGenerator<NumberedLine> {
  const stream = await openMaybeGzip(path);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  try {
    for await (const chunk of stream) {
      const text = carry + decoder.write(chunk as Buffer);
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
        line++;
        let end = nl;
        if (end > start && text.charCodeAt(end - 1) === 13) end--;
        if (end > start) yield { text: text.slice(start, end), line };
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    diagnostics.report('truncated-gzip', path, line + 1, `stream ended early (${message}); the rest of the file was skipped`);
    return;
  } finally {
    stream.destroy();
  }
  carry += decoder.end();
  if (carry.length > 0) {
    line++;
    yield { text: carry.endsWith('\r') ? carry.slice(0, -1) : carry, line };
  }
}
