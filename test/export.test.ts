import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedNewProduct } from '../artifacts/src/forward/graphsage.ts';
import { decodeForwardWeights, decodeNeighborState } from '../artifacts/src/forward/weights-codec.ts';
import { catalogueShardOf } from '../artifacts/src/manifest/keys.ts';
import { CatalogueShardSchema, MANIFEST_VERSION, manifestObjects, parseManifest, PopularListSchema, type Manifest } from '../artifacts/src/manifest/schema.ts';
import { Vocabulary } from '../artifacts/src/text/tfidf.ts';
import { cosineToCodes, unitFromCodes } from '../artifacts/src/vectors/maxabs.ts';
import { ingest } from '../trainer/src/data/ingest.ts';
import { exportRun } from '../trainer/src/export/export-run.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { GraphSageConfigSchema } from '../trainer/src/train/graphsage-config.ts';
import { trainRun } from '../trainer/src/train/graphsage-run.ts';
import { errorCode } from './helpers/fixtures.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { S3RVER_CREDENTIALS, useS3Server } from './helpers/s3-server.ts';
import { publishExport } from '../trainer/src/publish/publish.ts';
import { openS3Store } from '../trainer/src/publish/s3-store.ts';
import { objectKeys } from '../artifacts/src/manifest/keys.ts';
import { CurrentPointerSchema, parseArtifactJson } from '../artifacts/src/manifest/schema.ts';
import { assembleShard } from '../artifacts/src/index/shard.ts';
import { ShardRows } from '../artifacts/src/index/shard-rows.ts';
import { SimilarLists } from '../artifacts/src/index/similar-lists.ts';
import { BlockTable } from '../artifacts/src/index/blocks.ts';
import { searchIvf } from '../artifacts/src/index/ivf.ts';
import { sha256Hex } from '../artifacts/src/manifest/sha256.ts';
import { openUsearchIndex } from '../artifacts/src/usearch/index.ts';

const ROOT = join(import.meta.dirname, '..');
const s3 = useS3Server();
const { dir } = fixtureFolder('export');
const data = join(dir, 'data');
const run = join(dir, 'run');
const out = join(dir, 'out');
let manifest: Manifest;
const read = (key: string): Buffer => readFileSync(join(out, key));
const readJson = (key: string): unknown => JSON.parse(read(key).toString('utf8'));
const rowsOf = (s: Manifest['index']['shards'][number]): ShardRows => ShardRows.parse(new Uint8Array(read(s.meta.key)), s.id);

beforeAll(async () => {
  await generateSynthetic({ products: 2000, users: 600, seed: 11, out: data });
  const config = GraphSageConfigSchema.parse({ epochs: 3, inputDim: 32, hiddenDim: 32, outputDim: 32, batchSize: 512 });
  await trainRun({ dataPath: data, runDir: run, protocol: 'standard', config });
  await exportRun(run, { outDir: out, shardItems: 500, recallQueries: 400, ranker: false });
  manifest = parseManifest(read('manifest.json').toString('utf8'));
}, 300_000);

describe('graphrec export', () => {
  it('writes a manifest whose every object exists with its size and sha256', () => {
    const objects = manifestObjects(manifest);
    expect(objects.length).toBe(manifest.index.shards.length * 4 + manifest.catalogue.objects.length + 3);
    for (const ref of objects) {
      const bytes = read(ref.key);
      expect(bytes.byteLength, ref.key).toBe(ref.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), ref.key).toBe(ref.sha256);
    }
    expect(manifest.evaluation?.['held-out-edges']?.graphsage?.['hr@10']).toBeGreaterThan(0);
  });

  it('puts every product in exactly one shard, within the capacity, with consistent codes', () => {
    const seen = new Set<number>();
    for (const s of manifest.index.shards) {
      const items = rowsOf(s);
      expect(items.keys.length).toBe(s.items);
      expect(read(s.codes.key).byteLength).toBe(s.items * manifest.model.dimensions * 2);
      for (const k of items.keys) {
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      }
      expect(s.items).toBeLessThanOrEqual(Math.ceil((1.5 * manifest.items) / manifest.index.shards.length));
    }
    expect(seen.size).toBe(manifest.items);
    expect(manifest.index.centroids).toHaveLength(manifest.index.shards.length);
  });

  it('lists every block of the codes, rows and similar objects with the sha256 of exactly its items', async () => {
    const dim = manifest.model.dimensions;
    for (const s of manifest.index.shards) {
      const rows = rowsOf(s);
      const itemBytes = { codes: (i: number) => i * dim * 2, meta: (i: number) => rows.starts[i]!, similar: (i: number) => i * manifest.similar.depth * 6 };
      for (const kind of ['codes', 'meta', 'similar'] as const) {
        const ref = s[kind];
        const bytes = new Uint8Array(read(ref.key));
        const table = BlockTable.parse(ref.blocks, ref, s.items);
        expect(table.count).toBe(Math.ceil(s.items / ref.blocks.rows));
        for (let b = 0; b < table.count; b++) {
          const { offset, length } = table.range(b);
          expect(offset).toBe(itemBytes[kind](table.firstRow(b)));
          expect(offset + length).toBe(itemBytes[kind](Math.min(s.items, table.firstRow(b + 1))));
          expect(await sha256Hex(bytes.subarray(offset, offset + length))).toBe(table.sha256(b));
        }
      }
    }
  });

  it('reaches recall@10 ≥ 0.98 against exact float32 search through the served query path', () => {
    expect(manifest.index.shards.length).toBeGreaterThan(1);
    expect(manifest.index.recallAt10).toBeGreaterThanOrEqual(0.98);
  });

  it('precomputes similar lists equal to exact search over the served int16 codes, best first, never the item itself', () => {
    const dim = manifest.model.dimensions;
    const depth = manifest.similar.depth;
    const shards = manifest.index.shards.map((s) => {
      const bytes = read(s.codes.key);
      return { keys: rowsOf(s).keys, codes: new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), lists: new SimilarLists(s.id, new Uint8Array(read(s.similar.key)), s.items, depth) };
    });
    const all = shards.flatMap((s, id) => s.keys.map((key, row) => ({ key, shard: id, row, code: s.codes.subarray(row * dim, (row + 1) * dim) })));
    const byKey = new Map(all.map((o) => [o.key, o]));
    let positions = 0;
    let agree = 0;
    for (const q of all.filter((_, i) => i % 13 === 0)) {
      const query = unitFromCodes(q.code);
      const exact = all.filter((o) => o.key !== q.key).map((o) => ({ key: o.key, score: cosineToCodes(query, o.code) })).sort((a, b) => b.score - a.score || a.key - b.key).slice(0, 10);
      const served = shards[q.shard]!.lists.neighbours(q.row, 10).map((n) => ({ key: shards[n.shard]!.keys[n.row]!, score: n.score }));
      expect(served).toHaveLength(10);
      expect(served.some((n) => n.key === q.key)).toBe(false);
      expect(served.every((n, i) => i === 0 || served[i - 1]!.score >= n.score)).toBe(true);
      // Scores are the cosines of the served int16 codes, kept to 1/32767.
      served.forEach((n) => expect(Math.abs(n.score - cosineToCodes(query, byKey.get(n.key)!.code))).toBeLessThan(1e-4));
      const truth = new Set(exact.map((e) => e.key));
      positions += 10;
      agree += served.filter((n) => truth.has(n.key)).length;
    }
    // 2,000 items are brute-forced (exact lists); near-ties in int16 can still swap the 10th neighbour.
    expect(agree / positions).toBeGreaterThanOrEqual(0.99);
    expect(manifest.similar.recallAt10).toBeGreaterThanOrEqual(0.99);
  });

  it('finds every product in the catalogue object its id hashes to, pointing at its shard row', async () => {
    const { coPurchase } = await ingest(data);
    const asins = coPurchase!.products.asins;
    const objects = manifest.catalogue.objects;
    const rows = manifest.index.shards.map((s) => rowsOf(s));
    const catalogue = objects.map((o) => CatalogueShardSchema.parse(readJson(o.key)));
    expect(catalogue.reduce((s, c) => s + Object.keys(c.items).length, 0)).toBe(asins.length);
    const keys = new Set<number>();
    for (const asin of asins) {
      const entry = catalogue[catalogueShardOf(asin, objects.length)]!.items[asin]!;
      expect(rows[entry.shard]!.keys[entry.row]).toBe(entry.key);
      expect(rows[entry.shard]!.row(entry.row).id).toBe(asin);
      keys.add(entry.key);
    }
    expect(keys.size).toBe(asins.length);
    const popular = PopularListSchema.parse(readJson(manifest.popular.key)).items;
    expect(popular.length).toBeGreaterThan(0);
    expect(popular.every((p, i) => i === 0 || popular[i - 1]!.popularity >= p.popularity)).toBe(true);
  });

  it("recomputes a known product's embedding from its text and its neighbours' stored states (cosine ≥ 0.999)", async () => {
    const { coPurchase } = await ingest(data);
    const { products, graph } = coPurchase!;
    const forward = manifest.forward!;
    const weights = decodeForwardWeights(read(forward.weights.key), forward.dims);
    const vocabulary = Vocabulary.parse(readJson(forward.vocabulary.key));
    const objects = manifest.catalogue.objects;
    const catalogue = objects.map((o) => CatalogueShardSchema.parse(readJson(o.key)));
    const entryOf = (asin: string) => catalogue[catalogueShardOf(asin, objects.length)]!.items[asin]!;
    const codesOf = new Map<number, Int16Array>();
    for (const s of manifest.index.shards) {
      const keys = rowsOf(s).keys;
      const bytes = read(s.codes.key);
      const codes = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      keys.forEach((k, i) => codesOf.set(k, codes.subarray(i * forward.dims.output, (i + 1) * forward.dims.output)));
    }
    let worst = 1;
    for (let v = 0; v < products.asins.length; v += 7) {
      const neighbors = Array.from(graph.targets.subarray(graph.offsets[v], graph.offsets[v + 1]), (u) => decodeNeighborState(entryOf(products.asins[u]!).state!, forward.dims.hidden));
      const z = embedNewProduct(weights, vocabulary.transformProduct(products.text?.[v] ?? { title: products.titles[v] }), neighbors);
      // Served keys are the export's own numbering; the catalogue maps the product to its key.
      worst = Math.min(worst, cosineToCodes(z, codesOf.get(entryOf(products.asins[v]!).key)!));
    }
    expect(worst).toBeGreaterThanOrEqual(0.999);
  });

  it('refuses a non-empty output folder and a folder that is not a run', async () => {
    await mkdir(join(dir, 'busy'), { recursive: true });
    await expect(exportRun(run, { outDir: out })).rejects.toMatchObject({ code: 'export/out-not-empty' });
    await expect(exportRun(join(dir, 'busy'), { outDir: join(dir, 'x') })).rejects.toMatchObject({ code: 'eval/no-run' });
    expect(errorCode(() => parseManifest(`{"format":"graphrec-manifest","formatVersion":${MANIFEST_VERSION + 1}}`))).toBe('manifest/unsupported-version');
    expect(errorCode(() => parseManifest('{"format":"graphrec-manifest"'))).toBe('manifest/invalid');
  });

  it('publishes to S3 and serves a query from what it reads back, through the artifacts reader', async () => {
    const credentials = { accessKeyId: S3RVER_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: S3RVER_CREDENTIALS.AWS_SECRET_ACCESS_KEY };
    const store = openS3Store({ bucket: s3.bucket, endpoint: s3.endpoint, region: 'auto', credentials });
    try {
      const published = await publishExport(out, store, { prefix: 'e2e' });
      expect(published.version).toBe(manifest.version);
      const keys = objectKeys('e2e', 'graphsage');
      const fetch = async (key: string): Promise<Uint8Array> => {
        const body = await store.get(key);
        if (!body) throw new Error(`missing ${key}`);
        const chunks: Uint8Array[] = [];
        for await (const chunk of body) chunks.push(chunk);
        return new Uint8Array(Buffer.concat(chunks));
      };
      const current = parseArtifactJson(CurrentPointerSchema, new TextDecoder().decode(await fetch(keys.current)), 'CURRENT');
      const manifestBytes = await fetch(keys.object(current.version, 'manifest.json'));
      expect(await sha256Hex(manifestBytes)).toBe(current.manifestSha256);
      const served = parseManifest(new TextDecoder().decode(manifestBytes));
      const load = async (id: number) => {
        const s = served.index.shards[id]!;
        const [index, codes, meta] = await Promise.all([s.index, s.codes, s.meta].map((r) => fetch(keys.object(current.version, r.key))));
        for (const [ref, bytes] of [[s.index, index], [s.codes, codes], [s.meta, meta]] as const) expect(await sha256Hex(bytes!)).toBe(ref.sha256);
        return assembleShard(id, openUsearchIndex(index!), ShardRows.parse(meta!, id).keys, codes!, served.model.dimensions);
      };
      const shard0 = await load(0);
      const key = shard0.keys[0]!;
      const query = Float32Array.from(shard0.codes.subarray(0, served.model.dimensions));
      const hits = await searchIvf(query, served.index.centroids, load, { k: 5, nprobe: served.index.nprobe, shortlist: served.quantization.shortlist, exclude: new Set([key]) });
      expect(hits).toHaveLength(5);
      expect(hits.some((h) => h.key === key)).toBe(false);
      expect(hits.every((h, i) => i === 0 || hits[i - 1]!.score >= h.score)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('runs from the command line and prints one JSON object', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'trainer/src/cli.ts', 'export', run, '--out', join(dir, 'cli-out'), '--shard-items', '1000', '--recall-queries', '100', '--json', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(json).toMatchObject({ ok: true, command: 'export', items: manifest.items, shards: 2 });
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'trainer/src/cli.ts', 'export', run, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(bad.stdout.trim())).toMatchObject({ ok: false, error: { code: 'cli/bad-arguments' } });
  });
});
