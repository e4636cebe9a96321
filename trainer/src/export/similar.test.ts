import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimilarLists } from '../../../artifacts/src/index/similar-lists.ts';
import { cosineToCodes, quantizeRows, unitFromCodes } from '../../../artifacts/src/vectors/maxabs.ts';
import { silentProgress } from '../util/progress.ts';
import { Rng } from '../util/rng.ts';
import { writeSimilarLists } from './similar.ts';

const dim = 16;
const n = 1500;
const depth = 20;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Clustered unit-ish vectors, split into three shards of interleaved keys. */
function catalogue() {
  const rng = new Rng(5);
  const centres = Array.from({ length: 12 }, () => Float32Array.from({ length: dim }, () => rng.normal()));
  const z = new Float32Array(n * dim);
  for (let v = 0; v < n; v++) for (let j = 0; j < dim; j++) z[v * dim + j] = centres[v % 12]![j]! + 0.4 * rng.normal();
  const codes = quantizeRows(z, dim, 16).codes as Int16Array;
  const shardKeys = [0, 1, 2].map((s) => Array.from({ length: n }, (_, v) => v).filter((v) => v % 3 === s));
  return { z, codes, shardKeys };
}

async function build(exactMaxItems: number) {
  const { z, codes, shardKeys } = catalogue();
  const dir = mkdtempSync(join(tmpdir(), 'graphrec-similar-'));
  dirs.push(dir);
  const out = await writeSimilarLists(dir, { z, codes, dim, shardKeys }, { depth, connectivity: 16, expansionAdd: 64, expansionSearch: 96, threads: 2, recallQueries: 200, seed: 1, blockRows: 64, exactMaxItems }, silentProgress);
  const lists = out.refs.map((ref, s) => new SimilarLists(s, new Uint8Array(readFileSync(join(dir, ref.key))), shardKeys[s]!.length, depth));
  /** Item v's list as keys, best first. */
  const listOf = (v: number) => lists[v % 3]!.neighbours(Math.floor(v / 3), depth).map((x) => shardKeys[x.shard]![x.row]!);
  return { ...out, codes, listOf };
}

function exactOnCodes(codes: Int16Array, v: number): number[] {
  const query = unitFromCodes(codes.subarray(v * dim, (v + 1) * dim));
  return Array.from({ length: n }, (_, u) => u)
    .filter((u) => u !== v)
    .map((u) => ({ u, score: cosineToCodes(query, codes, u * dim) }))
    .sort((a, b) => b.score - a.score || a.u - b.u)
    .slice(0, depth)
    .map((x) => x.u);
}

describe('writeSimilarLists', () => {
  it('lists exactly the nearest items on the served codes when the catalogue is small enough to brute-force', async () => {
    const { codes, listOf, recallAt10 } = await build(n);
    for (let v = 0; v < n; v += 37) {
      const want = exactOnCodes(codes, v);
      const got = listOf(v);
      // Equal up to near-ties at the list's tail (float32 dot versus the float64 re-score).
      expect(got.slice(0, 10)).toEqual(want.slice(0, 10));
      expect(got.filter((u) => want.includes(u)).length).toBeGreaterThanOrEqual(depth - 1);
    }
    expect(recallAt10).toBeGreaterThanOrEqual(0.97);
  });

  it('builds lists from HNSW candidates above the brute-force size, close to exact', async () => {
    const { codes, listOf, recallAt10 } = await build(0);
    let agree = 0;
    let total = 0;
    for (let v = 0; v < n; v += 7) {
      const want = new Set(exactOnCodes(codes, v).slice(0, 10));
      const got = listOf(v).slice(0, 10);
      expect(got).not.toContain(v);
      agree += got.filter((u) => want.has(u)).length;
      total += 10;
    }
    expect(agree / total).toBeGreaterThanOrEqual(0.95);
    expect(recallAt10).toBeGreaterThanOrEqual(0.95);
  });
});
