import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { TransformOptions, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import { createGzip, type ZlibOptions } from 'node:zlib';

/** Bytes of lines buffered before a batch is handed to the stream. */
const BATCH_BYTES = 1 << 20;

/**
 * A file written with backpressure: `write` resolves once the stream can take
 * more, so memory stays bounded however much is written. Optionally gzip.
 */
export class FileSink {
  private readonly head: Writable;
  private readonly done: Promise<void>;

  private constructor(head: Writable, done: Promise<void>) {
    this.head = head;
    this.done = done;
    // Errors surface from write() or close(); this only stops an early rejection from being unhandled.
    done.catch(() => undefined);
  }

  /**
   * Opens `path` for writing, truncating it.
   * @param gzipLevel zlib level 1–9, or `undefined` for a plain file.
   */
  static open(path: string, gzipLevel?: number): FileSink {
    const file = createWriteStream(path, { highWaterMark: 1 << 20 });
    if (gzipLevel === undefined) return new FileSink(file, finished(file));
    // A deep write buffer lets zlib compress one batch on its thread while the next is being generated.
    const gzipOptions: ZlibOptions & TransformOptions = { level: gzipLevel, chunkSize: 1 << 20, writableHighWaterMark: 1 << 23 };
    const gzip = createGzip(gzipOptions);
    return new FileSink(gzip, pipeline(gzip, file));
  }

  /**
   * Writes one chunk, waiting for 'drain' when the stream's buffer is full.
   * Otherwise it still yields one event-loop turn: zlib hands each chunk to its
   * thread from an I/O callback, which never runs while generation only awaits microtasks.
   */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.head.write(chunk)) await Promise.race([once(this.head, 'drain'), this.done]);
    else await setImmediate();
  }

  /** Ends the stream and waits until everything is on disk. */
  async close(): Promise<void> {
    this.head.end();
    await this.done;
  }
}

/**
 * Collects lines into a byte buffer and writes them to a {@link FileSink} in
 * ~1 MB batches. Encoding each line at once lets its string die young, which
 * keeps garbage collection cheap when millions of lines are written.
 */
export class LineWriter {
  private readonly sink: FileSink;
  private buffer = Buffer.allocUnsafe(BATCH_BYTES * 2);
  private used = 0;
  /** Lines written so far. */
  lines = 0;

  constructor(sink: FileSink) {
    this.sink = sink;
  }

  /** Queues `line` (without its newline); `true` when a batch is due and the caller should `await flush()`. */
  add(line: string): boolean {
    const most = 3 * line.length + 1;
    if (this.used + most > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + most));
      this.buffer.copy(bigger, 0, 0, this.used);
      this.buffer = bigger;
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
    this.buffer[this.used++] = 0x0a;
    this.lines++;
    return this.used >= BATCH_BYTES;
  }

  /** Writes the queued lines. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    const batch = this.buffer.subarray(0, this.used);
    // The stream keeps the batch until it is written, so the next lines go to a fresh buffer.
    this.buffer = Buffer.allocUnsafe(this.buffer.length);
    this.used = 0;
    await this.sink.write(batch);
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await this.sink.close();
  }
}
