import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { searchIvf, storedUnitVector, type ShardVectors } from '../../../artifacts/src/index/ivf.ts';
import { ShardRows } from '../../../artifacts/src/index/shard-rows.ts';
import { catalogueShardOf } from '../../../artifacts/src/manifest/keys.ts';
import { CatalogueShardSchema, manifestObjects, parseManifest, PopularListSchema, type CatalogueEntry, type Manifest } from '../../../artifacts/src/manifest/schema.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { trainPinSageFixture, type PinSageFixture } from '../../../test/helpers/pinsage-fixture.ts';
import { Diagnostics } from '../data/diagnostics.ts';
import { readMetadata } from '../data/metadata.ts';
import { readReviews } from '../data/reviews.ts';
import { detectSources } from '../data/sources.ts';
import { generateSynthetic } from '../synth/generate.ts';
import { parsePinSageConfig } from '../train/pinsage-config.ts';
import { writePinSageRunFile, writeServedEmbeddings } from '../train/pinsage-run-file.ts';
import { exportRun } from './export-run.ts';
import { exactNeighbours, loadShards, sampleQueryKeys } from './recall.ts';

const { dir } = fixtureFolder('pinsage-export');
const data = join(dir, 'data');
const out = join(dir, 'out');
let fx: PinSageFixture;
let manifest: Manifest;
let shards: ShardVectors[];

const read = (key: string): Buffer => readFileSync(join(out, key));
function entryOf(exportDir: string, m: Manifest, id: string): CatalogueEntry | undefined {
  const ref = m.catalogue.objects[catalogueShardOf(id, m.catalogue.objects.length)]!;
  return CatalogueShardSchema.parse(JSON.parse(readFileSync(join(exportDir, ref.key), 'utf8'))).items[id];
}
async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    if (isGraphrecError(err)) return err.code;
    throw err;
  }
  return undefined;
}

beforeAll(async () => {
  await generateSynthetic({ products: 600, users: 600, categories: 8, seed: 7, out: data });
  fx = await trainPinSageFixture(data, join(dir, 'run'));
  await exportRun(fx.runDir, { outDir: out, shardItems: 60, blockRows: 16, recallQueries: 200, now: new Date('2026-11-02T00:00:00Z') });
  manifest = parseManifest(read('manifest.json').toString('utf8'));
  shards = await loadShards(out, manifest.index, manifest.model.dimensions);
}, 180_000);

describe('graphrec export of a PinSage run', () => {
  it('writes a PinSage manifest without a forward pass, every object with its size and sha256', () => {
    expect(manifest.model).toEqual({ kind: 'pinsage', dimensions: fx.dim, transductive: false });
    expect(manifest.forward).toBeUndefined();
    expect(manifest.items).toBe(fx.ids.length);
    expect(manifest.source).toMatchObject({ dataset: 'data', items: fx.ids.length, edges: fx.graph.item.length });
    const objects = manifestObjects(manifest);
    expect(objects.length).toBe(manifest.index.shards.length * 4 + manifest.catalogue.objects.length + 1);
    for (const ref of objects) {
      const bytes = read(ref.key);
      expect(bytes.byteLength, ref.key).toBe(ref.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), ref.key).toBe(ref.sha256);
    }
  });

  it('serves every product exactly once, its catalogue entry pointing at its shard row and carrying no neighbour state', () => {
    expect(manifest.index.shards.length).toBeGreaterThan(1);
    const seen = new Set<number>();
    for (const s of manifest.index.shards) {
      for (const key of ShardRows.parse(new Uint8Array(read(s.meta.key)), s.id).keys) {
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    expect(seen.size).toBe(fx.ids.length);
    const keys = new Set<number>();
    for (const id of fx.ids) {
      const entry = entryOf(out, manifest, id)!;
      expect(entry.state).toBeUndefined();
      expect(Number(shards[entry.shard]!.keys[entry.row])).toBe(entry.key);
      expect(ShardRows.parse(new Uint8Array(read(manifest.index.shards[entry.shard]!.meta.key)), entry.shard).row(entry.row).id).toBe(id);
      keys.add(entry.key);
    }
    expect(keys.size).toBe(fx.ids.length);
  });

  it('shows the metadata of each product and its review count as popularity', async () => {
    const sources = await detectSources(data);
    const meta = new Map<string, { title?: string; price?: number; imageUrl?: string; category?: string }>();
    for (const s of sources.filter((x) => x.kind === 'metadata')) {
      for await (const p of readMetadata(s.file, new Diagnostics())) meta.set(p.asin, { title: p.title, price: p.price, imageUrl: p.imageUrl, category: p.categories[0]?.at(-1) });
    }
    const reviews = new Map<string, number>();
    for (const s of sources.filter((x) => x.kind === 'reviews')) for await (const r of readReviews(s.file, new Diagnostics())) reviews.set(r.asin, (reviews.get(r.asin) ?? 0) + 1);
    // The data gives the fields something to show.
    for (const field of ['title', 'price', 'imageUrl', 'category'] as const) expect(fx.ids.filter((id) => meta.get(id)?.[field] !== undefined).length, field).toBeGreaterThan(fx.ids.length / 2);
    for (const id of fx.ids) {
      const entry = entryOf(out, manifest, id)!;
      const m = meta.get(id);
      expect(entry.title).toBe(m?.title?.trim() || id);
      expect(entry.price).toBe(m?.price);
      expect(entry.image).toBe(m?.imageUrl);
      expect(entry.category).toBe(m?.category);
      expect(entry.popularity).toBe(reviews.get(id));
    }
    const popular = PopularListSchema.parse(JSON.parse(read(manifest.popular.key).toString('utf8'))).items;
    expect(popular[0]!.popularity).toBe(Math.max(...reviews.values()));
  });

  it("finds each product's nearest neighbours among the run's embeddings through the served query path (recall@10 ≥ 0.95)", async () => {
    expect(manifest.index.recallAt10).toBeGreaterThanOrEqual(0.95);
    expect(manifest.similar.recallAt10).toBeGreaterThanOrEqual(0.95);
    const queries = sampleQueryKeys(fx.ids.length, 100, 4);
    const rowOfId = new Map(fx.ids.map((id, row) => [id, row]));
    const rows = manifest.index.shards.map((s) => ShardRows.parse(new Uint8Array(read(s.meta.key)), s.id));
    const servedId = (h: { shard: number; row: number }): string => rows[h.shard]!.row(h.row).id;
    const truth = exactNeighbours(fx.embeddings, fx.dim, queries, 10);
    let found = 0;
    for (let i = 0; i < queries.length; i++) {
      const entry = entryOf(out, manifest, fx.ids[queries[i]!]!)!;
      const query = storedUnitVector(shards[entry.shard]!, entry.key)!;
      const hits = await searchIvf(query, manifest.index.centroids, async (s) => shards[s]!, { k: 10, nprobe: manifest.index.nprobe, shortlist: manifest.quantization.shortlist, exclude: new Set([entry.key]) });
      // Served keys are the export's own numbering: compare by product id.
      for (const h of hits) if (truth[i]!.has(rowOfId.get(servedId(h))!)) found++;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses a non-empty output folder', async () => {
    expect(await codeOf(() => exportRun(fx.runDir, { outDir: out }))).toBe('export/out-not-empty');
  });
});

describe('graphrec export of a PinSage run on MovieLens', () => {
  const ml = join(dir, 'ml');
  const run = join(dir, 'ml-run');
  const ids = ['1', '2', '3', '50', '99'];
  const dim = 4;

  async function writeRun(runDir: string, runIds: string[], embeddings: Float32Array, dataset = ml): Promise<void> {
    await writePinSageRunFile(runDir, {
      model: 'pinsage',
      dataset,
      config: parsePinSageConfig({ dim, idEmbedding: true }),
      backend: 'cpu',
      createdAt: '2026-11-02T00:00:00Z',
      data: { items: runIds.length },
      history: [],
      trainSeconds: 0,
      transductive: true,
      unifiedGraph: false,
    });
    await writeServedEmbeddings(runDir, { ids: runIds, embeddings, dim });
  }
  // Rows that are not unit length: the exporter normalises them.
  const rows = Float32Array.from({ length: ids.length * dim }, (_, i) => ((i * 7919) % 13) - 6 + (i % dim === 0 ? 0.5 : 0));

  beforeAll(async () => {
    await mkdir(ml, { recursive: true });
    writeFileSync(join(ml, 'ratings.csv'), ['userId,movieId,rating,timestamp', '1,1,4.0,10', '1,2,3.5,11', '2,1,5.0,12', '2,99,1.0,13', '3,1,2.0,14', '3,3,4.0,15', '3,50,4.0,16'].join('\n') + '\n');
    // Movie 99 was rated but is not listed: its row shows its id.
    writeFileSync(join(ml, 'movies.csv'), ['movieId,title,genres', '1,Toy Story (1995),Adventure|Animation|Children', '2,"Jumanji, The (1995)",Adventure|Fantasy', '3,Heat (1995),(no genres listed)', '50,Usual Suspects (1995),Crime|Mystery'].join('\n') + '\n');
    await writeRun(run, ids, rows);
  });

  it('shows titles and genres, the id for an unlisted movie, and rating counts; records the model as transductive', async () => {
    const summary = await exportRun(run, { outDir: join(dir, 'ml-out'), shardItems: 2, recallQueries: 5 });
    const m = summary.manifest;
    expect(m.model).toEqual({ kind: 'pinsage', dimensions: dim, transductive: true });
    expect(m.forward).toBeUndefined();
    const entry = (id: string) => entryOf(join(dir, 'ml-out'), m, id)!;
    expect(entry('1')).toMatchObject({ title: 'Toy Story (1995)', category: 'Adventure, Animation, Children', popularity: 3 });
    expect(entry('2')).toMatchObject({ title: 'Jumanji, The (1995)', category: 'Adventure, Fantasy', popularity: 1 });
    expect(entry('3').category).toBeUndefined();
    expect(entry('99')).toMatchObject({ title: '99', popularity: 1 });
    expect(entry('99').price).toBeUndefined();
    expect(m.items).toBe(ids.length);
  });

  it('refuses repeated ids and embeddings that cannot be normalised, naming the product', async () => {
    await writeRun(join(dir, 'dup'), ['1', '2', '1', '3', '50'], rows);
    expect(await codeOf(() => exportRun(join(dir, 'dup'), { outDir: join(dir, 'dup-out') }))).toBe('export/bad-ids');
    const zero = rows.slice();
    zero.fill(0, dim, 2 * dim);
    await writeRun(join(dir, 'zero'), ids, zero);
    await expect(exportRun(join(dir, 'zero'), { outDir: join(dir, 'zero-out') })).rejects.toThrow(/embedding of 2 \(row 1\)/);
  });
});
