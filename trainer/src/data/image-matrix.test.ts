import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { generateSynthetic } from '../synth/generate.ts';
import { Diagnostics } from './diagnostics.ts';
import { encodeImageFeatureRecord, IMAGE_FEATURE_DIM, readImageFeatures } from './image-features.ts';
import { readImageMatrix, readImageMatrixAt } from './image-matrix.ts';
import { ingest } from './ingest.ts';

const { dir } = fixtureFolder('image-matrix');
const vector = (v: number): Float32Array => new Float32Array(IMAGE_FEATURE_DIM).fill(v);
const row = (m: { data: Float32Array }, r: number): Float32Array => m.data.subarray(r * IMAGE_FEATURE_DIM, (r + 1) * IMAGE_FEATURE_DIM);

describe('readImageMatrix', () => {
  it('puts each product at the row ingest gave it', async () => {
    const out = join(dir, 'synth');
    await generateSynthetic({ products: 120, users: 60, categories: 6, seed: 2, out, imageFraction: 0.6 });
    const { reviewGraph, itemFeatures } = await ingest(out);
    const g = reviewGraph!;
    const f = itemFeatures!;
    expect(f.stats.withImage).toBeGreaterThan(10);
    expect(f.stats.withImage).toBeLessThan(g.numItems);
    const m = await readImageMatrixAt(out, g.asins, f.imageRow);
    expect(m.data).toHaveLength(f.stats.withImage * IMAGE_FEATURE_DIM);
    const byAsin = new Map<string, Float32Array>();
    for await (const r of readImageFeatures(join(out, 'image_features_Synthetic.b'), new Diagnostics())) if (!byAsin.has(r.asin)) byAsin.set(r.asin, r.features);
    for (let i = 0; i < g.numItems; i++) {
      if (f.imageRow[i] < 0) expect(byAsin.has(g.asins[i])).toBe(false);
      else expect(row(m, f.imageRow[i])).toEqual(byAsin.get(g.asins[i]));
    }
  });

  it('takes the first valid record of an ASIN across files, skipping others and bad records', async () => {
    const nan = vector(1);
    nan[5] = Number.NaN;
    const first = join(dir, 'a.b');
    const second = join(dir, 'b.b');
    writeFileSync(first, Buffer.concat([encodeImageFeatureRecord('X', vector(9)), encodeImageFeatureRecord('B', vector(2)), encodeImageFeatureRecord('A', nan)]));
    writeFileSync(second, Buffer.concat([encodeImageFeatureRecord('B', vector(3)), encodeImageFeatureRecord('A', vector(4))]));
    const diagnostics = new Diagnostics();
    // As ingest numbers them: B first (row 0), then A (its NaN record is skipped, so its valid one counts); C has none.
    const m = await readImageMatrix([first, second], ['A', 'B', 'C'], Int32Array.of(1, 0, -1), diagnostics);
    expect(m.dim).toBe(IMAGE_FEATURE_DIM);
    expect(row(m, 0)).toEqual(vector(2));
    expect(row(m, 1)).toEqual(vector(4));
    expect(diagnostics.count('wrong-type')).toBe(1);
  });

  it('fails loudly when the rows do not fit the files', async () => {
    const file = join(dir, 'one.b');
    writeFileSync(file, encodeImageFeatureRecord('A', vector(1)));
    const code = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (isGraphrecError(e) ? e.code : String(e)));
    expect(await code(readImageMatrix([file], ['A', 'B'], Int32Array.of(0, 1)))).toBe('data/image-rows');
    expect(await code(readImageMatrix([file], ['A', 'B'], Int32Array.of(0, 2)))).toBe('data/image-rows');
    expect((await readImageMatrix([file], ['A', 'B'], Int32Array.of(-1, -1))).data).toHaveLength(0);
  });
});
