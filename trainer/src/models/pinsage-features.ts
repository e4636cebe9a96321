import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import type { ItemFeatures } from '../graph/review-graph.ts';
import { titleFeatures, type NodeFeatures } from './feature-rows.ts';
import type { SparseMatrix } from './sparse-ops.ts';

/** An image feature matrix: row `r` is `data[r * dim .. (r + 1) * dim)`. */
export interface ImageMatrix {
  dim: number;
  data: Float32Array;
}

/** Mean and standard deviation of `log1p(price in dollars)` over products with a known price. */
export interface PriceStats {
  mean: number;
  std: number;
}

/**
 * Per-product inputs of the PinSage projector, prepared once per run: every
 * feature as the projector consumes it, indexed by product id.
 */
export interface ItemInputs {
  numItems: number;
  /** TF-IDF rows of the titles under the run's vocabulary. */
  titles: NodeFeatures;
  /** `[numItems * 2]`: standardised log price, and 1 where the price was known (0 where median-filled). */
  price: Float32Array;
  priceStats: PriceStats;
  /** Image rows by product (`-1`: none) and the matrix, when the run uses images. */
  images?: { row: Int32Array; matrix: ImageMatrix; invNorm: Float32Array };
}

/**
 * Price statistics of a catalogue: the projector standardises `log1p(dollars)`
 * with them, so they are saved with the weights.
 */
export function priceStatsOf(features: ItemFeatures): PriceStats {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < features.priceCents.length; i++) {
    if (!features.hasPrice[i]) continue;
    const x = Math.log1p(features.priceCents[i] / 100);
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = n > 0 ? sum / n : 0;
  const std = n > 1 ? Math.sqrt(Math.max(sq / n - mean * mean, 0)) : 0;
  return { mean, std: std > 1e-6 ? std : 1 };
}

/**
 * Prepares the projector's inputs.
 *
 * @param features titles, prices and image rows of the review graph's products.
 * @param vocabulary the title vocabulary (TF-IDF transform as on the edge).
 * @param images rows indexed by `features.imageRow`; omit to train without images.
 * @param priceStats saved statistics when re-embedding; computed from `features` otherwise.
 * @throws GraphrecError `pinsage/image-rows` when an image row is outside the matrix.
 */
export function buildItemInputs(features: ItemFeatures, vocabulary: Vocabulary, images?: ImageMatrix, priceStats: PriceStats = priceStatsOf(features)): ItemInputs {
  const numItems = features.titles.length;
  const price = new Float32Array(numItems * 2);
  for (let i = 0; i < numItems; i++) {
    price[2 * i] = (Math.log1p(features.priceCents[i] / 100) - priceStats.mean) / priceStats.std;
    price[2 * i + 1] = features.hasPrice[i];
  }
  const inputs: ItemInputs = { numItems, titles: titleFeatures(features.titles, vocabulary), price, priceStats };
  if (images) inputs.images = { row: features.imageRow, matrix: images, invNorm: inverseRowNorms(images, features.imageRow) };
  return inputs;
}

/** 1 / |row| for each matrix row (0 for all-zero rows): images are projected as unit vectors, so their scale does not matter. */
function inverseRowNorms(m: ImageMatrix, rowOf: Int32Array): Float32Array {
  const rows = m.dim > 0 ? Math.floor(m.data.length / m.dim) : 0;
  for (let i = 0; i < rowOf.length; i++) {
    if (rowOf[i] >= rows) throw new GraphrecError('pinsage/image-rows', `product ${i} has image row ${rowOf[i]} but the matrix has ${rows} rows of ${m.dim}`);
  }
  const inv = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = r * m.dim; c < (r + 1) * m.dim; c++) s += m.data[c] * m.data[c];
    inv[r] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  return inv;
}

/** The TF-IDF rows of `nodes` as one sparse matrix `[nodes.length, vocab]`. */
export function titleRows(titles: NodeFeatures, nodes: Int32Array): SparseMatrix {
  const offsets = new Int32Array(nodes.length + 1);
  for (let i = 0; i < nodes.length; i++) offsets[i + 1] = offsets[i] + titles.offsets[nodes[i] + 1] - titles.offsets[nodes[i]];
  const index = new Int32Array(offsets[nodes.length]);
  const weight = new Float32Array(offsets[nodes.length]);
  for (let i = 0; i < nodes.length; i++) {
    const from = titles.offsets[nodes[i]];
    const to = titles.offsets[nodes[i] + 1];
    index.set(titles.indices.subarray(from, to), offsets[i]);
    weight.set(titles.weights.subarray(from, to), offsets[i]);
  }
  return { rows: nodes.length, cols: titles.dim, offsets, index, weight };
}

/** One-hot rows selecting `nodes` from a table of `cols` rows (an embedding lookup with a cheap gradient). */
export function selectRows(nodes: Int32Array, cols: number): SparseMatrix {
  return { rows: nodes.length, cols, offsets: Int32Array.from({ length: nodes.length + 1 }, (_, i) => i), index: Int32Array.from(nodes), weight: new Float32Array(nodes.length).fill(1) };
}

/** The price inputs of `nodes`, `[nodes.length * 2]` row-major. */
export function priceRows(inputs: ItemInputs, nodes: Int32Array): Float32Array {
  const out = new Float32Array(nodes.length * 2);
  for (let i = 0; i < nodes.length; i++) {
    out[2 * i] = inputs.price[2 * nodes[i]];
    out[2 * i + 1] = inputs.price[2 * nodes[i] + 1];
  }
  return out;
}

/**
 * The unit image vectors of those `nodes` that have one: `data` `[k, dim]`
 * and `place`, which scatters the k projected rows back to their node rows
 * (`[nodes.length, k]`; rows of image-less nodes stay zero).
 */
export function imageRows(inputs: ItemInputs, nodes: Int32Array): { data: Float32Array; k: number; place: SparseMatrix } | undefined {
  const img = inputs.images;
  if (!img) return undefined;
  const dim = img.matrix.dim;
  const which: number[] = [];
  for (let i = 0; i < nodes.length; i++) if (img.row[nodes[i]] >= 0) which.push(i);
  const data = new Float32Array(which.length * dim);
  for (let k = 0; k < which.length; k++) {
    const r = img.row[nodes[which[k]]];
    const scale = img.invNorm[r];
    const base = r * dim;
    for (let c = 0; c < dim; c++) data[k * dim + c] = img.matrix.data[base + c] * scale;
  }
  const offsets = new Int32Array(nodes.length + 1);
  for (const i of which) offsets[i + 1] = 1;
  for (let i = 0; i < nodes.length; i++) offsets[i + 1] += offsets[i];
  return { data, k: which.length, place: { rows: nodes.length, cols: which.length, offsets, index: Int32Array.from({ length: which.length }, (_, k) => k), weight: new Float32Array(which.length).fill(1) } };
}
