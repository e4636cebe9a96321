import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { generateSynthetic, type SynthSummary } from './generate.ts';

const PYTHON_LITERAL = new URL('../data/python-literal.ts', import.meta.url);
const RECORD_BYTES = 16_394;
const OPTIONS = { products: 2000, users: 1000, seed: 7 };

interface Meta {
  asin: string;
  title?: string;
  price?: number;
  related?: { also_bought?: string[]; also_viewed?: string[]; bought_together?: string[] };
  categories: string[][];
}

interface Review {
  reviewerID: string;
  asin: string;
  overall: number;
  unixReviewTime: number;
  reviewTime: string;
}

/** Minimal decoder for the generator's Python literals: outside strings they are JSON. */
function decodePyLiteral(line: string): unknown {
  let json = '';
  for (let k = 0; k < line.length; k++) {
    const quote = line[k];
    if (quote !== "'" && quote !== '"') {
      json += quote;
      continue;
    }
    let s = '';
    for (k++; line[k] !== quote; k++) {
      if (line[k] !== '\\') {
        s += line[k];
        continue;
      }
      const e = line[++k];
      if (e === 'x') {
        s += String.fromCharCode(parseInt(line.slice(k + 1, k + 3), 16));
        k += 2;
      } else s += ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e;
    }
    json += JSON.stringify(s);
  }
  return JSON.parse(json);
}

async function gzLines(path: string): Promise<string[]> {
  const text = gunzipSync(await readFile(path)).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Jaccard overlap of two titles' word sets. */
function overlap(a: string, b: string): number {
  const wa = new Set(a.toLowerCase().split(' '));
  const wb = new Set(b.toLowerCase().split(' '));
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / (wa.size + wb.size - shared);
}

const niche = (m: Meta): string => m.categories[0][2];

/** The `synth.json` written beside a run's files. */
function saved(run: SynthSummary): { options: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(run.out, run.files.summary), 'utf8'));
}

describe('generateSynthetic', () => {
  let dir: string;
  let summary: SynthSummary;
  let metaLines: string[];
  let meta: Meta[];
  let reviews: Review[];
  const out = (run: string, file = ''): string => join(dir, run, file);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graphrec-synth-'));
    summary = await generateSynthetic({ ...OPTIONS, out: out('a') });
    await generateSynthetic({ ...OPTIONS, out: out('b') });
    await generateSynthetic({ ...OPTIONS, seed: 8, out: out('c') });
    metaLines = await gzLines(out('a', summary.files.metadata));
    meta = metaLines.map((l) => decodePyLiteral(l) as Meta);
    reviews = (await gzLines(out('a', summary.files.reviews))).map((l) => JSON.parse(l) as Review);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the four files and a summary of counts', async () => {
    expect(summary.files).toEqual({
      metadata: 'meta_Synthetic.json.gz',
      reviews: 'reviews_Synthetic_5.json.gz',
      images: 'image_features_Synthetic.b',
      summary: 'synth.json',
    });
    for (const file of Object.values(summary.files)) expect(existsSync(out('a', file))).toBe(true);
    const saved = JSON.parse(await readFile(out('a', 'synth.json'), 'utf8'));
    const { out: _dir, ...expected } = summary;
    expect(saved).toEqual(expected);
    expect(saved.options).toMatchObject({ ...OPTIONS, categories: 22, imageFraction: 1, gzip: true });
    expect(summary.counts.products).toBe(2000);
    expect(summary.counts.users).toBe(1000);
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    for (const file of Object.values(summary.files)) {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((run) => readFile(out(run, file))));
      expect(a.equals(b), file).toBe(true);
      expect(a.equals(c), file).toBe(false);
    }
  });

  it('writes one 2014 Python dict literal per product, some fields missing', () => {
    expect(metaLines).toHaveLength(2000);
    for (const line of metaLines) {
      expect(line.startsWith("{'asin': '")).toBe(true);
      expect(line.endsWith('}')).toBe(true);
    }
    expect(meta.map((m) => m.asin)).toEqual(Array.from({ length: 2000 }, (_, i) => 'B' + String(i + 1).padStart(9, '0')));
    expect(meta.every((m) => m.categories.length === 1 && m.categories[0].length === 3)).toBe(true);
    const missing = (pick: (m: Meta) => unknown): number => meta.filter((m) => pick(m) === undefined).length;
    expect(missing((m) => m.price)).toBeGreaterThan(20);
    expect(missing((m) => m.title)).toBeGreaterThan(5);
    expect(missing((m) => m.related?.also_bought)).toBeGreaterThan(40);
    expect(missing((m) => m.price)).toBe(2000 - summary.counts.productsWithPrice);
    expect(metaLines.some((l) => l.includes(`'title': "`))).toBe(true);
  });

  it.skipIf(!existsSync(PYTHON_LITERAL))('parses every metadata line with parsePythonLiteral', async () => {
    const { parsePythonLiteral } = (await import(PYTHON_LITERAL.href)) as { parsePythonLiteral: (text: string) => unknown };
    metaLines.forEach((line, i) => expect(parsePythonLiteral(line)).toEqual(meta[i]));
  });

  it('writes a 5-core review file with increasing times per user', () => {
    expect(reviews).toHaveLength(summary.counts.reviews);
    const byUser = new Map<string, Review[]>();
    const perItem = new Map<string, number>();
    for (const r of reviews) {
      byUser.set(r.reviewerID, [...(byUser.get(r.reviewerID) ?? []), r]);
      perItem.set(r.asin, (perItem.get(r.asin) ?? 0) + 1);
      expect(r.reviewTime).toMatch(/^\d\d \d{1,2}, 201[0-4]$/);
      expect(new Date(r.reviewTime.replace(' ', '/') + ' UTC').getTime() / 1000).toBe(r.unixReviewTime);
    }
    expect(byUser.size).toBe(1000);
    expect(perItem.size).toBe(summary.counts.reviewedProducts);
    expect(Math.min(...perItem.values())).toBeGreaterThanOrEqual(5);
    for (const list of byUser.values()) {
      expect(list.length).toBeGreaterThanOrEqual(5);
      expect(new Set(list.map((r) => r.asin)).size).toBe(list.length);
      expect(new Set(list.map((r) => r.unixReviewTime)).size).toBe(list.length);
    }
    const asins = new Set(meta.map((m) => m.asin));
    expect(reviews.every((r) => asins.has(r.asin))).toBe(true);
  });

  it('writes 16,394-byte image records of nonnegative features that cluster by category', async () => {
    const bytes = await readFile(out('a', summary.files.images));
    expect(summary.counts.imageRecords).toBe(2000);
    expect((await stat(out('a', summary.files.images))).size).toBe(2000 * RECORD_BYTES);
    const records = Array.from({ length: 200 }, (_, r) => {
      const rec = bytes.subarray(r * RECORD_BYTES, (r + 1) * RECORD_BYTES);
      const features = new Float32Array(4096);
      for (let j = 0; j < 4096; j++) features[j] = rec.readFloatLE(10 + 4 * j);
      return { asin: rec.toString('latin1', 0, 10), features };
    });
    expect(records.map((r) => r.asin)).toEqual(meta.slice(0, 200).map((m) => m.asin));
    expect(records.every((r) => r.features.every((v) => v >= 0))).toBe(true);
    const cosine = (a: Float32Array, b: Float32Array): number => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let j = 0; j < a.length; j++) (ab += a[j] * b[j]), (aa += a[j] * a[j]), (bb += b[j] * b[j]);
      return ab / Math.sqrt(aa * bb);
    };
    const sims = { same: [] as number[], other: [] as number[] };
    for (let a = 0; a < records.length; a++) {
      for (let b = a + 1; b < records.length; b++) {
        const kind = niche(meta[a]) === niche(meta[b]) ? 'same' : 'other';
        sims[kind].push(cosine(records[a].features, records[b].features));
      }
    }
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(sims.same)).toBeGreaterThan(mean(sims.other) + 0.1);
  });

  it('plants category structure in also_bought lists and titles', () => {
    const nicheOf = new Map(meta.map((m) => [m.asin, niche(m)]));
    let same = 0;
    let edges = 0;
    for (const m of meta) {
      for (const target of m.related?.also_bought ?? []) {
        edges++;
        if (nicheOf.get(target) === niche(m)) same++;
      }
    }
    expect(edges).toBe(summary.counts.alsoBought);
    expect(same / edges).toBeGreaterThan(0.6);
    expect(same / edges).toBeLessThan(0.95);

    const titled = meta.filter((m) => m.title !== undefined);
    const sims = { same: [0, 0], other: [0, 0] };
    for (let a = 0; a < 400; a++) {
      for (let b = a + 1; b < 400; b++) {
        const kind = niche(titled[a]) === niche(titled[b]) ? 'same' : 'other';
        sims[kind][0] += overlap(titled[a].title!, titled[b].title!);
        sims[kind][1]++;
      }
    }
    expect(sims.same[0] / sims.same[1]).toBeGreaterThan(3 * (sims.other[0] / sims.other[1]));
  });

  it('scales also_bought list lengths with alsoBoughtMean, keeping lists distinct and the niche share', async () => {
    expect(saved(summary).options).not.toHaveProperty('alsoBoughtMean');
    const long = await generateSynthetic({ ...OPTIONS, alsoBoughtMean: 24, out: out('long') });
    expect(saved(long).options).toMatchObject({ ...OPTIONS, alsoBoughtMean: 24 });
    // 3× the default mean 8: about 3× the links (small niches of ~90 products cap the longest lists).
    const ratio = long.counts.alsoBought / summary.counts.alsoBought;
    expect(ratio).toBeGreaterThan(2.6);
    expect(ratio).toBeLessThan(3.4);
    const longMeta = (await gzLines(out('long', long.files.metadata))).map((l) => decodePyLiteral(l) as Meta);
    const nicheOf = new Map(longMeta.map((m) => [m.asin, niche(m)]));
    const lists = longMeta.filter((m) => m.related?.also_bought).map((m) => ({ asin: m.asin, list: m.related!.also_bought! }));
    let links = 0;
    let same = 0;
    for (const { asin, list } of lists) {
      expect(new Set(list).size).toBe(list.length);
      expect(list).not.toContain(asin);
      links += list.length;
      for (const target of list) if (nicheOf.get(target) === nicheOf.get(asin)) same++;
    }
    expect(links).toBe(long.counts.alsoBought);
    expect(same / links).toBeGreaterThan(0.8);
    expect(same / links).toBeLessThan(0.9);
    // Heavy tail kept and the cap raised to 5 × mean (default cap 40).
    const lengths = lists.map((l) => l.list.length);
    expect(Math.max(...lengths)).toBeGreaterThan(40);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(120);
    const median = lengths.sort((a, b) => a - b)[lengths.length >> 1];
    expect(links / lists.length).toBeGreaterThan(1.2 * median);
    // Other streams are untouched: reviews and image features match the default run.
    for (const file of [long.files.reviews, long.files.images]) {
      const [a, b] = await Promise.all([readFile(out('a', file)), readFile(out('long', file))]);
      expect(a.equals(b), file).toBe(true);
    }
  });

  it('rejects an alsoBoughtMean outside [1, 40]', async () => {
    for (const alsoBoughtMean of [0.5, 41, Number.NaN]) {
      await expect(generateSynthetic({ products: 100, alsoBoughtMean, out: out('bad') })).rejects.toThrow(/alsoBoughtMean/);
    }
  });

  it('writes plain JSON lines without gzip and no image records at fraction 0', async () => {
    const small = await generateSynthetic({ products: 300, users: 100, seed: 1, out: out('plain'), gzip: false, imageFraction: 0 });
    expect(small.files.metadata).toBe('meta_Synthetic.json');
    const text = await readFile(out('plain', small.files.metadata), 'utf8');
    expect(text.startsWith("{'asin': 'B000000001'")).toBe(true);
    expect((await stat(out('plain', small.files.images))).size).toBe(0);
  });

  it('rejects invalid options with synth/bad-option', async () => {
    await expect(generateSynthetic({ products: 5, out: out('bad') })).rejects.toSatisfy((e) => isGraphrecError(e, 'synth/bad-option'));
    await expect(generateSynthetic({ products: 100, imageFraction: 2, out: out('bad') })).rejects.toThrow(/imageFraction/);
  });
});
