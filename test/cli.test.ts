import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureFolder } from './helpers/fixtures.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const DATASETS = join(ROOT, '..', 'shared', 'datasets');
const absent = (name: string): string => (existsSync(join(DATASETS, name)) ? '' : ` (skipped: data set folder ${join(DATASETS, name)} is absent)`);

/** Runs the CLI as a user would (`npm run -s graphrec -- …` runs the same entry point). */
function graphrec(...args: string[]): { status: number | null; stdout: string; stderr: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'trainer/src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(last) as Record<string, unknown>;
  } catch {
    /* not every invocation prints JSON */
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

describe('graphrec CLI', () => {
  const { dir } = fixtureFolder('cli');

  it('synth then ingest --json print one JSON object as the last stdout line', () => {
    const out = join(dir, 'synth');
    const synth = graphrec('synth', '--products', '300', '--users', '120', '--seed', '4', '--out', out, '--json');
    expect(synth.status).toBe(0);
    expect(synth.stdout.trim().split('\n')).toHaveLength(1);
    expect(synth.json).toMatchObject({ ok: true, command: 'synth', counts: { products: 300, users: 120 } });
    const ingest = graphrec('ingest', out, '--json');
    expect(ingest.status).toBe(0);
    expect(ingest.json).toMatchObject({ ok: true, command: 'ingest', metadata: { products: 300 }, reviews: { users: 120 } });
    expect((ingest.json.problems as { total: number }).total).toBe(0);
    expect(ingest.stderr).toMatch(/reading metadata/);
  });

  it('reports deterministic split sizes with --splits', () => {
    const a = graphrec('ingest', join(dir, 'synth'), '--splits', '--seed', '3', '--json', '--quiet');
    const splits = a.json.splits as { coPurchase: { random90_10: { trainEdges: number; testEdges: number } }; reviews: { leaveLastOut: { test: number } } };
    const edges = (a.json.coPurchase as { edges: number }).edges;
    expect(splits.coPurchase.random90_10.testEdges).toBe(Math.round(edges * 0.1));
    expect(splits.coPurchase.random90_10.trainEdges + splits.coPurchase.random90_10.testEdges).toBe(edges);
    expect(splits.reviews.leaveLastOut.test).toBe(120);
    expect(graphrec('ingest', join(dir, 'synth'), '--splits', '--seed', '3', '--json', '--quiet').json.splits).toEqual(splits);
  });

  it('train graphsage and eval RUN print one JSON object per method, protocol and metric', () => {
    const run = join(dir, 'run');
    const train = graphrec('train', 'graphsage', join(dir, 'synth'), '--out', run, '--epochs', '2', '--dim', '16', '--batch-size', '256', '--json', '--quiet');
    expect(train.status).toBe(0);
    expect(train.json).toMatchObject({ ok: true, command: 'train', backend: 'wasm' });
    const again = graphrec('train', 'graphsage', join(dir, 'synth'), '--out', run, '--json', '--quiet');
    expect(again.json).toMatchObject({ ok: false, error: { code: 'train/run-exists' } });
    const evaluated = graphrec('eval', run, '--json', '--quiet');
    expect(evaluated.status).toBe(0);
    const protocols = evaluated.json.protocols as { protocol: string; methods: { method: string; metrics: Record<string, number> | null }[] }[];
    expect(protocols.map((p) => p.protocol)).toEqual(['held-out-edges', 'study-protocol', 'cold-start-title', 'cold-start-title+1', 'held-out-edges-auc']);
    const sage = protocols[0].methods.find((m) => m.method === 'graphsage')!;
    expect(Object.keys(sage.metrics!)).toEqual(expect.arrayContaining(['hr@10', 'recall@50', 'ndcg@100', 'hr@500', 'mrr']));
    expect(evaluated.json.protocols).toEqual(train.json.protocols);
    const table = graphrec('eval', run, '--quiet');
    expect(table.stdout).toMatch(/held-out edges \(honest/);
    expect(table.stdout).toMatch(/report: .*index\.html/);
  });

  it('prints a table without --json', () => {
    const r = graphrec('ingest', join(dir, 'synth'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/co-purchase graph\s+nodes/);
    expect(r.stdout).toMatch(/bad input: none/);
  });

  it('reports errors as JSON with a code and a non-zero exit', () => {
    const missing = graphrec('ingest', join(dir, 'nowhere'), '--json');
    expect(missing.status).toBe(2);
    expect(missing.json).toEqual({ ok: false, command: 'ingest', error: { code: 'ingest/no-input', message: expect.stringMatching(/does not exist/) } });
    const badFlag = graphrec('synth', '--products', 'many', '--out', dir, '--json');
    expect(badFlag.json).toMatchObject({ ok: false, error: { code: 'cli/bad-arguments', message: expect.stringMatching(/--products must be an integer/) } });
    const unknownFlag = graphrec('ingest', dir, '--frobnicate', '--json');
    expect(unknownFlag.json).toMatchObject({ ok: false, error: { code: 'cli/bad-arguments' } });
    const unknown = graphrec('frobnicate', '--json');
    expect(unknown.status).toBe(2);
    expect(unknown.json).toMatchObject({ ok: false, error: { code: 'cli/unknown-command' } });
  });

  it(`ingest of the real Gift Cards 2018 set reports 1,547 products${absent('amazon-gift-cards-2018')}`, ({ skip }) => {
    if (absent('amazon-gift-cards-2018')) skip();
    const r = graphrec('ingest', join(DATASETS, 'amazon-gift-cards-2018'), '--json', '--quiet');
    expect(r.json).toMatchObject({ ok: true, metadata: { products: 1547 }, reviews: { reviews: 2972, users: 458, items: 148 } });
    expect(r.stderr).toBe('');
  });
});
