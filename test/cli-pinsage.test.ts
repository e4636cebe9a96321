import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { fixtureFolder } from './helpers/fixtures.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** Runs the CLI as a user would and parses its last stdout line. */
function graphrec(...args: string[]): { status: number | null; stdout: string; stderr: string; json: Record<string, unknown> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'trainer/src/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    /* not every invocation prints JSON */
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

type Protocols = { protocol: string; methods: { method: string; metrics: Record<string, number> | null }[] }[];

describe('graphrec train pinsage / eval', () => {
  const { dir } = fixtureFolder('cli-pinsage');
  const synth = join(dir, 'synth');
  const run = join(dir, 'run');

  it('trains, evaluates under the user protocols, and eval RUN reproduces the numbers', async () => {
    await generateSynthetic({ products: 200, users: 200, seed: 4, out: synth });
    const train = graphrec('train', 'pinsage', synth, '--out', run, '--epochs', '2', '--dim', '16', '--batch-size', '256', '--json', '--quiet');
    expect(train.status).toBe(0);
    expect(train.json).toMatchObject({ ok: true, command: 'train', model: 'pinsage', backend: 'wasm', epochs: 2, images: true, unifiedGraph: false, transductive: false });
    expect(train.json.secondsPerEpoch).toBeGreaterThan(0);
    const protocols = train.json.protocols as Protocols;
    expect(protocols.map((p) => p.protocol)).toEqual(['user-leave-last-out', 'user-leave-last-out-validation', 'user-temporal', 'user-temporal-validation', 'user-temporal-warm']);
    for (const p of protocols) expect(p.methods.find((m) => m.method === 'pinsage/mean-history')?.metrics).toHaveProperty('hr@500');
    const served = JSON.parse(readFileSync(join(run, 'model', 'items.json'), 'utf8')) as { ids: string[] };
    expect(served.ids.length).toBe((train.json.data as { items: number }).items);

    const evaluated = graphrec('eval', run, '--quiet');
    expect(evaluated.status).toBe(0);
    expect(evaluated.stdout).toMatch(/DGL protocol[\s\S]*pinsage\/mean-history/);
    expect(evaluated.stdout).toMatch(/report: .*index\.html/);
    expect((JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8')) as { protocols: Protocols }).protocols).toEqual(train.json.protocols);
  });
});
