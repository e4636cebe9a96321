import type { Rng } from '../util/rng.ts';
import type { Catalogue } from './catalogue.ts';
import { asinOf } from './ids.ts';
import type { FileSink } from './sink.ts';
import type { Taxonomy } from './taxonomy.ts';

/** Floats per image feature vector (the 2014 CNN features). */
export const IMAGE_DIM = 4096;
/** Bytes per `.b` record: a 10-byte ASCII ASIN, then IMAGE_DIM little-endian float32. */
export const IMAGE_RECORD_BYTES = 10 + 4 * IMAGE_DIM;
const RECORDS_PER_BATCH = 64;
const NOISE_SCALE = 0.6;
/** Shifts centroids down so about two thirds of the features are zero after the ReLU, as in CNN activations. */
const BIAS = -0.4;
const PROGRESS_EVERY = 1000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Which products get an image feature record: each with probability `fraction`.
 * @returns [numProducts] 1 for products with a record.
 */
export function selectImageProducts(rng: Rng, numProducts: number, fraction: number): Uint8Array {
  const mask = new Uint8Array(numProducts);
  if (fraction >= 1) return mask.fill(1);
  for (let i = 0; i < numProducts; i++) mask[i] = rng.next() < fraction ? 1 : 0;
  return mask;
}

/** xorshift32: a fast seeded stream for the millions of noise values; the shared Rng would dominate the run time. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** Roughly standard normal (sum of three uniforms, variance 1) for the inner loops. */
function fastNormal(u: () => number): number {
  return (u() + u() + u() - 1.5) * 2;
}

/**
 * Category centroids: a top-level, a sub and a niche component, so niches of the
 * same top category have more similar images.
 * @returns [numCategories * IMAGE_DIM] row-major.
 */
function buildCentroids(taxonomy: Taxonomy, seed: number): Float32Array {
  const u = xorshift(seed);
  const component = (n: number): Float32Array => {
    const v = new Float32Array(n * IMAGE_DIM);
    for (let k = 0; k < v.length; k++) v[k] = fastNormal(u);
    return v;
  };
  const top = component(taxonomy.tops.length);
  const sub = component(taxonomy.subs.length);
  const niche = component(taxonomy.niches.length);
  for (let c = 0; c < taxonomy.niches.length; c++) {
    const s = taxonomy.nicheSub[c];
    const t = taxonomy.subTop[s];
    for (let j = 0; j < IMAGE_DIM; j++) {
      const k = c * IMAGE_DIM + j;
      niche[k] = BIAS + 0.4 * top[t * IMAGE_DIM + j] + 0.4 * sub[s * IMAGE_DIM + j] + 0.6 * niche[k];
    }
  }
  return niche;
}

/** Writes one record at `offset` of `batch`: the ASIN, then the features little-endian. */
function putRecord(batch: Buffer, offset: number, asin: string, features: Float32Array): void {
  batch.write(asin.padEnd(10, ' '), offset, 10, 'latin1');
  if (LITTLE_ENDIAN) {
    batch.set(new Uint8Array(features.buffer, features.byteOffset, features.byteLength), offset + 10);
    return;
  }
  for (let j = 0; j < IMAGE_DIM; j++) batch.writeFloatLE(features[j], offset + 10 + 4 * j);
}

/**
 * Streams `image_features_*.b`: for each selected product, in ASIN order,
 * relu(category centroid + noise), so features correlate with the category.
 * @param hasImage [numProducts] from {@link selectImageProducts}.
 * @returns the number of records written.
 */
export async function writeImageFeatures(
  out: FileSink,
  catalogue: Catalogue,
  taxonomy: Taxonomy,
  hasImage: Uint8Array,
  rng: Rng,
  progress: (done: number, total: number) => void,
): Promise<number> {
  const centroids = buildCentroids(taxonomy, rng.nextUint32());
  const u = xorshift(rng.nextUint32());
  const features = new Float32Array(IMAGE_DIM);
  const total = hasImage.reduce((a, b) => a + b, 0);
  let batch = Buffer.allocUnsafe(RECORDS_PER_BATCH * IMAGE_RECORD_BYTES);
  let inBatch = 0;
  let written = 0;
  for (let i = 0; i < catalogue.numProducts; i++) {
    if (hasImage[i] === 0) continue;
    const base = catalogue.category[i] * IMAGE_DIM;
    for (let j = 0; j < IMAGE_DIM; j++) {
      const v = centroids[base + j] + NOISE_SCALE * fastNormal(u);
      features[j] = v > 0 ? v : 0;
    }
    putRecord(batch, inBatch * IMAGE_RECORD_BYTES, asinOf(i), features);
    written++;
    if (++inBatch === RECORDS_PER_BATCH) {
      // The stream keeps the buffer until it is flushed, so each batch gets a fresh one.
      await out.write(batch);
      batch = Buffer.allocUnsafe(RECORDS_PER_BATCH * IMAGE_RECORD_BYTES);
      inBatch = 0;
    }
    if (written % PROGRESS_EVERY === 0) progress(written, total);
  }
  if (inBatch > 0) await out.write(batch.subarray(0, inBatch * IMAGE_RECORD_BYTES));
  progress(written, total);
  return written;
}
