import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from './diagnostics.ts';
import {
  IMAGE_FEATURE_DIM,
  IMAGE_RECORD_BYTES,
  encodeImageFeatureRecord,
  readImageFeatures,
  type ReadImageFeaturesOptions,
} from './image-features.ts';
import type { ImageFeatureRecord } from './records.ts';

/** Deterministic features for record `i`: distinct per record and per position. */
function featuresOf(i: number): Float32Array {
  const f = new Float32Array(IMAGE_FEATURE_DIM);
  for (let k = 0; k < IMAGE_FEATURE_DIM; k++) f[k] = i * 0.5 + k / 1024 - 1.25;
  return f;
}

/** Bitwise equality; much faster than `toEqual` on 4,096-element arrays. */
function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const asinOf = (i: number): string => `B${String(i).padStart(9, '0')}`;

function fileOf(records: Uint8Array[]): Buffer {
  return Buffer.concat(records);
}

async function collect(path: string, diagnostics: Diagnostics, options?: ReadImageFeaturesOptions): Promise<ImageFeatureRecord[]> {
  const out: ImageFeatureRecord[] = [];
  for await (const r of readImageFeatures(path, diagnostics, options)) out.push(r);
  return out;
}

describe('readImageFeatures', () => {
  let dir: string;
  // 70 records are 1.15 MB, more than one 1 MiB read chunk, so one record straddles a chunk boundary.
  const COUNT = 70;
  const records = Array.from({ length: COUNT }, (_, i) => encodeImageFeatureRecord(asinOf(i), featuresOf(i)));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graphrec-image-features-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has 16,394-byte records of a 10-byte ASIN and 4,096 float32', () => {
    expect(IMAGE_RECORD_BYTES).toBe(10 + 4 * IMAGE_FEATURE_DIM);
    const bytes = encodeImageFeatureRecord('B01', featuresOf(3));
    expect(bytes).toHaveLength(IMAGE_RECORD_BYTES);
    expect(Buffer.from(bytes.subarray(0, 10)).toString('latin1')).toBe('B01       ');
    expect(Buffer.from(bytes).readFloatLE(10 + 4 * 7)).toBe(featuresOf(3)[7]);
  });

  it('streams every record, across chunk boundaries, with exact values', async () => {
    const path = join(dir, 'all.b');
    await writeFile(path, fileOf(records));
    const diagnostics = new Diagnostics({ strict: true });
    const read = await collect(path, diagnostics);
    expect(read.map((r) => r.asin)).toEqual(records.map((_, i) => asinOf(i)));
    expect(read.every((r, i) => r.features.length === IMAGE_FEATURE_DIM && sameFloats(r.features, featuresOf(i)))).toBe(true);
    expect(read[63].features).toEqual(featuresOf(63));
    // Each record owns its buffer, so earlier records survive later reads.
    expect(new Set(read.map((r) => r.features.buffer)).size).toBe(COUNT);
  });

  it('yields only the requested ASINs', async () => {
    const path = join(dir, 'filter.b');
    await writeFile(path, fileOf(records));
    const wanted = new Set([asinOf(0), asinOf(63), asinOf(64), asinOf(69), 'B999999999']);
    const read = await collect(path, new Diagnostics({ strict: true }), { asins: wanted });
    expect(read.map((r) => r.asin)).toEqual([asinOf(0), asinOf(63), asinOf(64), asinOf(69)]);
    expect(read[2].features).toEqual(featuresOf(64));
  });

  it('reports a trailing partial record with its record number and skips it', async () => {
    const path = join(dir, 'truncated.b');
    await writeFile(path, fileOf(records.slice(0, 3)).subarray(0, 2 * IMAGE_RECORD_BYTES + 1000));
    const diagnostics = new Diagnostics();
    const read = await collect(path, diagnostics);
    expect(read.map((r) => r.asin)).toEqual([asinOf(0), asinOf(1)]);
    expect(diagnostics.summary().counts).toEqual({ 'partial-record': 1 });
    expect(diagnostics.summary().examples[0]).toMatchObject({ kind: 'partial-record', line: 3 });
    expect(diagnostics.summary().examples[0].message).toContain('1000 bytes');
  });

  it('reports a non-ASCII or blank ASIN as malformed-record and keeps going', async () => {
    const bad = Uint8Array.from(records[1]);
    bad[3] = 0xe9;
    const blank = Uint8Array.from(records[2]);
    blank.fill(0x20, 0, 10);
    const path = join(dir, 'bad-asin.b');
    await writeFile(path, fileOf([records[0], bad, blank, records[3]]));
    const diagnostics = new Diagnostics();
    const read = await collect(path, diagnostics, { asins: new Set([asinOf(3)]) });
    expect(read.map((r) => r.asin)).toEqual([asinOf(3)]);
    expect(diagnostics.summary().counts).toEqual({ 'malformed-record': 2 });
    expect(diagnostics.summary().examples.map((e) => e.line)).toEqual([2, 3]);
  });

  it('reports NaN and infinite features as wrong-type', async () => {
    const nan = featuresOf(1);
    nan[100] = Number.NaN;
    const inf = featuresOf(2);
    inf[4095] = -Infinity;
    const path = join(dir, 'nan.b');
    await writeFile(path, fileOf([records[0], encodeImageFeatureRecord('NAN', nan), encodeImageFeatureRecord('INF', inf)]));
    const diagnostics = new Diagnostics();
    const read = await collect(path, diagnostics);
    expect(read.map((r) => r.asin)).toEqual([asinOf(0)]);
    expect(diagnostics.summary().counts).toEqual({ 'wrong-type': 2 });
    expect(diagnostics.summary().examples.map((e) => e.message)).toEqual([
      'ASIN NAN: feature 100 is NaN',
      'ASIN INF: feature 4095 is -Infinity',
    ]);
  });

  it('reads gzip files, whose 16 KiB chunks split nearly every record', async () => {
    const path = join(dir, 'all.b.gz');
    await writeFile(path, gzipSync(fileOf(records)));
    const read = await collect(path, new Diagnostics({ strict: true }));
    expect(read).toHaveLength(COUNT);
    expect(read[37].asin).toBe(asinOf(37));
    expect(read[37].features).toEqual(featuresOf(37));
  });

  it('reports a cut gzip stream as truncated-gzip after the records before the cut', async () => {
    const gz = gzipSync(fileOf(records));
    const path = join(dir, 'cut.b.gz');
    await writeFile(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const diagnostics = new Diagnostics();
    const read = await collect(path, diagnostics);
    expect(read.length).toBeGreaterThan(0);
    expect(read.length).toBeLessThan(COUNT);
    read.forEach((r, i) => expect(r.asin).toBe(asinOf(i)));
    expect(diagnostics.summary().counts).toEqual({ 'truncated-gzip': 1 });
  });

  it('throws data/partial-record when strict', async () => {
    const path = join(dir, 'strict.b');
    await writeFile(path, fileOf(records.slice(0, 2)).subarray(0, IMAGE_RECORD_BYTES + 1));
    const err = await collect(path, new Diagnostics({ strict: true })).catch((e: unknown) => e);
    expect(isGraphrecError(err, 'data/partial-record')).toBe(true);
  });
});

describe('encodeImageFeatureRecord', () => {
  it.each(['', 'B0123456789', 'B01\u00e9', 'B01\n', 'B01 '])('refuses the ASIN %j', (asin) => {
    expect(() => encodeImageFeatureRecord(asin, featuresOf(0))).toThrow(
      expect.objectContaining({ code: 'data/bad-asin' }),
    );
  });

  it('refuses features that are not 4,096 long', () => {
    expect(() => encodeImageFeatureRecord('B01', new Float32Array(10))).toThrow(
      expect.objectContaining({ code: 'data/dim-mismatch' }),
    );
  });
});
