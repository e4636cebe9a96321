import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { sphericalKMeans } from './kmeans.ts';

/** `clusters` well-separated directions with `per` noisy unit points around each. */
function planted(clusters: number, per: number, dim: number, noise: number, seed: number): { vectors: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const centers = Float32Array.from({ length: clusters * dim }, () => rng.normal());
  const vectors = new Float32Array(clusters * per * dim);
  const labels = new Int32Array(clusters * per);
  for (let i = 0; i < clusters * per; i++) {
    const c = i % clusters;
    labels[i] = c;
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = centers[c * dim + j]! + noise * rng.normal();
      vectors[i * dim + j] = v;
      s += v * v;
    }
    for (let j = 0; j < dim; j++) vectors[i * dim + j]! /= Math.sqrt(s);
  }
  return { vectors, labels };
}

describe('sphericalKMeans', () => {
  it('recovers planted clusters: every cluster maps to one label', () => {
    const { vectors, labels } = planted(8, 200, 16, 0.3, 1);
    const { assignment, sizes, centroids } = sphericalKMeans(vectors, 16, { k: 8, seed: 3 });
    const labelOf = new Map<number, Set<number>>();
    assignment.forEach((c, i) => labelOf.set(c, (labelOf.get(c) ?? new Set()).add(labels[i]!)));
    expect([...labelOf.values()].every((s) => s.size === 1)).toBe(true);
    expect(Array.from(sizes).reduce((a, b) => a + b)).toBe(1600);
    for (let c = 0; c < 8; c++) {
      const norm = Math.hypot(...centroids.subarray(c * 16, c * 16 + 16));
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('bounds every cluster by the capacity and counts displaced points', () => {
    // One huge cluster and three small ones: the capacity must split the big one.
    const big = planted(1, 3000, 8, 0.2, 2).vectors;
    const small = planted(3, 100, 8, 0.2, 5).vectors;
    const vectors = new Float32Array([...big, ...small]);
    const n = vectors.length / 8;
    const r = sphericalKMeans(vectors, 8, { k: 4, seed: 1, capacityFactor: 1.2 });
    const cap = Math.ceil((1.2 * n) / 4);
    expect(Math.max(...r.sizes)).toBeLessThanOrEqual(cap);
    expect(Array.from(r.sizes).reduce((a, b) => a + b)).toBe(n);
    const counted = new Int32Array(4);
    r.assignment.forEach((c) => counted[c]!++);
    expect(Array.from(counted)).toEqual(Array.from(r.sizes));
  });

  it('is deterministic for a seed and caps k at n', () => {
    const { vectors } = planted(3, 10, 4, 0.5, 9);
    const a = sphericalKMeans(vectors, 4, { k: 5, seed: 7, sampleSize: 20 });
    const b = sphericalKMeans(vectors, 4, { k: 5, seed: 7, sampleSize: 20 });
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    expect(sphericalKMeans(vectors.subarray(0, 8), 4, { k: 5, seed: 1 }).sizes.length).toBe(2);
  });
});
