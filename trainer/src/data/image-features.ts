import { endianness } from 'node:os';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { openMaybeGzip } from './lines.ts';
import type { ImageFeatureRecord } from './records.ts';

/*
 * McAuley image features (`image_features_<Category>.b`): a headerless stream
 * of fixed-size records, each laid out as
 *
 * | field    | type                  | size   | offset |
 * |----------|-----------------------|--------|--------|
 * | asin     | ASCII, space-padded   | 10     | 0      |
 * | features | float32 LE × 4,096    | 16,384 | 10     |
 */

/** Number of float32 values per image feature record. */
export const IMAGE_FEATURE_DIM = 4096;
/** Bytes per record: a 10-byte ASIN and {@link IMAGE_FEATURE_DIM} float32 values. */
export const IMAGE_RECORD_BYTES = 16394;

const ASIN_BYTES = 10;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** Options of {@link readImageFeatures}. */
export interface ReadImageFeaturesOptions {
  /** Only yield these ASINs; the floats of other records are never decoded. */
  asins?: ReadonlySet<string>;
}

/**
 * Streams the records of an image feature file with bounded memory (the full
 * Electronics file is about 8 GB). Plain or gzip. Records may straddle read
 * chunks. Each yielded `features` is a fresh, aligned copy that the caller may keep.
 *
 * Problems are reported by 1-based record number and the record is skipped:
 * `malformed-record` (ASIN not printable ASCII), `wrong-type` (NaN or ±Inf
 * feature), `partial-record` (the file ends inside a record), `truncated-gzip`
 * (the gzip stream is cut; the rest is skipped).
 *
 * @param path `.b` file, optionally gzip.
 * @param diagnostics where problems are reported.
 * @param options `asins` to filter by.
 * @example
 * const wanted = new Set(['B00001P4ZH']);
 * for await (const { asin, features } of readImageFeatures('image_features_Electronics.b', diag, { asins: wanted })) {
 *   store(asin, features); // features: Float32Array [4096]
 * }
 */
export async function* readImageFeatures(
  path: string,
  diagnostics: Diagnostics,
  options: ReadImageFeaturesOptions = {},
): AsyncGenerator<ImageFeatureRecord> {
  const stream = await openMaybeGzip(path);
  const pending = Buffer.alloc(IMAGE_RECORD_BYTES);
  let filled = 0;
  let recordNumber = 0;
  const decode = (bytes: Buffer): ImageFeatureRecord | undefined =>
    decodeRecord(bytes, ++recordNumber, path, diagnostics, options.asins);
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      let pos = 0;
      if (filled > 0) {
        const take = Math.min(IMAGE_RECORD_BYTES - filled, buf.length);
        buf.copy(pending, filled, 0, take);
        filled += take;
        pos = take;
        if (filled < IMAGE_RECORD_BYTES) continue;
        filled = 0;
        const record = decode(pending);
        if (record) yield record;
      }
      for (; pos + IMAGE_RECORD_BYTES <= buf.length; pos += IMAGE_RECORD_BYTES) {
        const record = decode(buf.subarray(pos, pos + IMAGE_RECORD_BYTES));
        if (record) yield record;
      }
      filled = buf.copy(pending, 0, pos);
    }
  } catch (err) {
    if (!isZlibError(err)) throw err;
    const message = `stream ended early (${err.message}); the rest of the file was skipped`;
    diagnostics.report('truncated-gzip', path, recordNumber + 1, message);
    return;
  } finally {
    stream.destroy();
  }
  if (filled > 0) {
    diagnostics.report(
      'partial-record',
      path,
      recordNumber + 1,
      `file ends ${filled} bytes into a ${IMAGE_RECORD_BYTES}-byte record; the partial record was skipped`,
    );
  }
}

function decodeRecord(
  bytes: Buffer,
  recordNumber: number,
  path: string,
  diagnostics: Diagnostics,
  asins: ReadonlySet<string> | undefined,
): ImageFeatureRecord | undefined {
  const asin = decodeAsin(bytes);
  if (asin === undefined) {
    const hex = bytes.subarray(0, ASIN_BYTES).toString('hex');
    diagnostics.report('malformed-record', path, recordNumber, `ASIN bytes 0x${hex} are not printable ASCII`);
    return undefined;
  }
  if (asins !== undefined && !asins.has(asin)) return undefined;
  const features = decodeFeatures(bytes);
  const bad = firstNonFinite(features);
  if (bad !== -1) {
    diagnostics.report('wrong-type', path, recordNumber, `ASIN ${asin}: feature ${bad} is ${features[bad]}`);
    return undefined;
  }
  return { asin, features };
}

/** The ASIN without its space padding, or `undefined` when it is blank or not printable ASCII. */
function decodeAsin(bytes: Buffer): string | undefined {
  for (let i = 0; i < ASIN_BYTES; i++) {
    if (bytes[i] < 0x20 || bytes[i] > 0x7e) return undefined;
  }
  const asin = bytes.toString('latin1', 0, ASIN_BYTES).trimEnd();
  return asin.length > 0 ? asin : undefined;
}

function decodeFeatures(bytes: Buffer): Float32Array {
  const features = new Float32Array(IMAGE_FEATURE_DIM);
  if (LITTLE_ENDIAN_HOST) {
    // Copy the bytes rather than view them: offset 10 is not 4-byte aligned.
    new Uint8Array(features.buffer).set(bytes.subarray(ASIN_BYTES, IMAGE_RECORD_BYTES));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + ASIN_BYTES, IMAGE_FEATURE_DIM * 4);
    for (let i = 0; i < IMAGE_FEATURE_DIM; i++) features[i] = view.getFloat32(i * 4, true);
  }
  return features;
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    // v - v is NaN exactly when v is NaN or ±Inf.
    if (values[i] - values[i] !== 0) return i;
  }
  return -1;
}

function isZlibError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Encodes one image feature record, as the synthetic generator writes them.
 *
 * @param asin 1–10 printable ASCII characters; padded with spaces to 10 bytes.
 * @param features `[4096]` values, written as little-endian float32.
 * @returns {@link IMAGE_RECORD_BYTES} bytes.
 * @throws GraphrecError `data/bad-asin` when the ASIN is empty, longer than 10 or not printable ASCII.
 * @throws GraphrecError `data/dim-mismatch` when `features` does not hold 4096 values.
 */
export function encodeImageFeatureRecord(asin: string, features: Float32Array): Uint8Array {
  if (asin.length === 0 || asin.length > ASIN_BYTES || !/^[\x20-\x7e]+$/.test(asin) || asin.trimEnd() !== asin) {
    throw new GraphrecError(
      'data/bad-asin',
      `asin "${asin}" must be 1 to ${ASIN_BYTES} printable ASCII characters without trailing spaces`,
      { asin },
    );
  }
  if (features.length !== IMAGE_FEATURE_DIM) {
    throw new GraphrecError(
      'data/dim-mismatch',
      `features has ${features.length} values, expected ${IMAGE_FEATURE_DIM}`,
      { length: features.length },
    );
  }
  const out = new Uint8Array(IMAGE_RECORD_BYTES);
  for (let i = 0; i < ASIN_BYTES; i++) out[i] = i < asin.length ? asin.charCodeAt(i) : 0x20;
  const view = new DataView(out.buffer, ASIN_BYTES);
  for (let i = 0; i < IMAGE_FEATURE_DIM; i++) view.setFloat32(i * 4, features[i], true);
  return out;
}
