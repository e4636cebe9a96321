import { availableParallelism } from 'node:os';
import { exactSearch, MetricKind } from 'usearch';
import { Rng } from '../util/rng.ts';

export interface KMeansOptions {
  /** Number of clusters (capped at the number of points). */
  k: number;
  seed: number;
  /** Lloyd iterations on the sample. */
  iterations?: number;
  /** Centroids are fitted on at most this many points; all points are then assigned. */
  sampleSize?: number;
  /** Seedings tried; the one with the best objective on the sample wins (k-means++ can still land two seeds in one cluster). */
  restarts?: number;
  /** No cluster takes more than `capacityFactor · n / k` points, so no IVF shard outgrows the isolate budget. */
  capacityFactor?: number;
  /** Called after each Lloyd iteration and after the final assignment: `done` of `total` steps (an upper bound: iterations may stop early). */
  onStep?: (done: number, total: number) => void;
}

export interface KMeansResult {
  /** `[k, dim]`, L2-normalised. */
  centroids: Float32Array;
  /** Cluster of each point. */
  assignment: Int32Array;
  sizes: Int32Array;
  /** Points placed in a cluster other than their nearest because it was full. */
  displaced: number;
}

/**
 * Spherical k-means (cosine) for IVF sharding: k-means++ seeding and Lloyd
 * iterations on a sample, then a capacity-bounded assignment of every point.
 * Deterministic for a seed.
 */
export function sphericalKMeans(vectors: Float32Array, dim: number, options: KMeansOptions): KMeansResult {
  const n = vectors.length / dim;
  const k = Math.max(1, Math.min(options.k, n));
  const rng = new Rng(options.seed);
  const sample = samplePoints(n, options.sampleSize ?? 100_000, rng);
  const restarts = Math.max(1, options.restarts ?? 3);
  const iterations = options.iterations ?? 12;
  const total = restarts * iterations + 1;
  let best: { centroids: Float32Array; objective: number } | undefined;
  for (let r = 0; r < restarts; r++) {
    const fitted = lloyd(vectors, dim, sample, k, iterations, rng, (it) => options.onStep?.(r * iterations + it, total));
    if (!best || fitted.objective > best.objective) best = fitted;
  }
  const result = assignWithCapacity(vectors, dim, best!.centroids, k, Math.ceil(((options.capacityFactor ?? 1.5) * n) / k));
  options.onStep?.(total, total);
  return result;
}

/** One seeding plus Lloyd iterations; the objective is the summed cosine of sample points to their centroid. */
function lloyd(vectors: Float32Array, dim: number, sample: Int32Array, k: number, iterations: number, rng: Rng, onIteration: (done: number) => void): { centroids: Float32Array; objective: number } {
  const centroids = seedPlusPlus(vectors, dim, sample, k, rng);
  const points = new Float32Array(sample.length * dim);
  sample.forEach((p, s) => points.set(vectors.subarray(p * dim, (p + 1) * dim), s * dim));
  const assignment = new Int32Array(sample.length);
  let objective = 0;
  for (let it = 0; it < iterations; it++) {
    let moved = 0;
    objective = 0;
    const best = nearestCentroids(points, dim, centroids, k);
    for (let s = 0; s < sample.length; s++) {
      if (best.index[s] !== assignment[s]) moved++;
      assignment[s] = best.index[s];
      objective += best.similarity[s];
    }
    onIteration(it + 1);
    if (it > 0 && moved === 0) break;
    recomputeCentroids(vectors, dim, sample, assignment, centroids, k, rng);
  }
  return { centroids, objective };
}

function samplePoints(n: number, size: number, rng: Rng): Int32Array {
  if (n <= size) return Int32Array.from({ length: n }, (_, i) => i);
  // Partial Fisher–Yates over an index array: exact sampling without replacement.
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.slice(0, size);
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += a[ao + j] * b[bo + j];
  return s;
}

/** Rows per native call: usearch's exact search holds a [centroids × rows] distance matrix. */
const NATIVE_BATCH = 16_384;

/**
 * The nearest centroid (largest dot product) of every row of `points`, by
 * usearch's native exact search — SIMD over all cores, where a JS loop over
 * a million points × 230 centroids took minutes.
 */
function nearestCentroids(points: Float32Array, dim: number, centroids: Float32Array, k: number): { index: Int32Array; similarity: Float32Array } {
  const n = points.length / dim;
  const index = new Int32Array(n);
  const similarity = new Float32Array(n);
  const dataset = centroids.slice(0, k * dim);
  const threads = availableParallelism();
  for (let start = 0; start < n; start += NATIVE_BATCH) {
    const end = Math.min(n, start + NATIVE_BATCH);
    // A copy, not a view: the native side ignores a typed array's byteOffset.
    const found = exactSearch(dataset, points.slice(start * dim, end * dim), dim, 1, MetricKind.IP, threads);
    // One query comes back as Matches, several as BatchMatches; with k = 1 both hold one key a row.
    for (let i = start; i < end; i++) {
      index[i] = Number(found.keys[i - start]);
      similarity[i] = 1 - found.distances[i - start];
    }
  }
  return { index, similarity };
}

function normaliseRow(m: Float32Array, offset: number, dim: number): boolean {
  let s = 0;
  for (let j = 0; j < dim; j++) s += m[offset + j] * m[offset + j];
  if (!(s > 0)) return false;
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < dim; j++) m[offset + j] *= inv;
  return true;
}

/** k-means++ with cosine distance `1 − cos`. */
function seedPlusPlus(vectors: Float32Array, dim: number, sample: Int32Array, k: number, rng: Rng): Float32Array {
  const centroids = new Float32Array(k * dim);
  const distance = new Float64Array(sample.length).fill(Infinity);
  let pick = sample[rng.int(sample.length)];
  for (let c = 0; c < k; c++) {
    centroids.set(vectors.subarray(pick * dim, pick * dim + dim), c * dim);
    normaliseRow(centroids, c * dim, dim);
    let total = 0;
    for (let s = 0; s < sample.length; s++) {
      const d = Math.max(0, 1 - dot(vectors, sample[s] * dim, centroids, c * dim, dim));
      if (d < distance[s]) distance[s] = d;
      total += distance[s] * distance[s];
    }
    let r = rng.next() * total;
    pick = sample[rng.int(sample.length)];
    if (total > 0) {
      for (let s = 0; s < sample.length; s++) {
        r -= distance[s] * distance[s];
        if (r <= 0) {
          pick = sample[s];
          break;
        }
      }
    }
  }
  return centroids;
}

function recomputeCentroids(vectors: Float32Array, dim: number, sample: Int32Array, assignment: Int32Array, centroids: Float32Array, k: number, rng: Rng): void {
  const sums = new Float32Array(k * dim);
  for (let s = 0; s < sample.length; s++) {
    const base = sample[s] * dim;
    const c = assignment[s] * dim;
    for (let j = 0; j < dim; j++) sums[c + j] += vectors[base + j];
  }
  for (let c = 0; c < k; c++) {
    // An emptied cluster restarts from a random sample point rather than vanishing.
    if (!normaliseRow(sums, c * dim, dim)) {
      const p = sample[rng.int(sample.length)] * dim;
      sums.set(vectors.subarray(p, p + dim), c * dim);
      normaliseRow(sums, c * dim, dim);
    }
  }
  centroids.set(sums);
}

function assignWithCapacity(vectors: Float32Array, dim: number, centroids: Float32Array, k: number, capacity: number): KMeansResult {
  const n = vectors.length / dim;
  const assignment = new Int32Array(n);
  const best = nearestCentroids(vectors, dim, centroids, k);
  const similarity = best.similarity;
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    assignment[i] = best.index[i];
    sizes[best.index[i]]++;
  }
  // Overfull clusters keep the points closest to their centroid; the rest go
  // to their nearest cluster with room.
  const overflow: number[] = [];
  for (let c = 0; c < k; c++) {
    if (sizes[c] <= capacity) continue;
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (assignment[i] === c) members.push(i);
    members.sort((a, b) => similarity[b] - similarity[a]);
    for (const i of members.slice(capacity)) overflow.push(i);
    sizes[c] = capacity;
  }
  const scores = new Float32Array(k);
  for (const i of overflow) {
    for (let c = 0; c < k; c++) scores[c] = sizes[c] < capacity ? dot(vectors, i * dim, centroids, c * dim, dim) : -Infinity;
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[c] > scores[best]) best = c;
    assignment[i] = best;
    sizes[best]++;
  }
  return { centroids, assignment, sizes, displaced: overflow.length };
}
