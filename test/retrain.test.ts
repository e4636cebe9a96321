import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { objectKeys } from '../artifacts/src/manifest/keys.ts';
import { RetrainLockSchema, retrainKeys, RunRecordSchema, type RunRecord } from '../artifacts/src/retrain/records.ts';
import { bytesBody, readAll, type ObjectStore } from '../trainer/src/publish/object-store.ts';
import { openTarget, parseTarget, type Target } from '../trainer/src/publish/target.ts';
import { listVersions, readCurrent } from '../trainer/src/publish/versions.ts';
import { parseRetrainConfig, type RetrainConfig } from '../trainer/src/retrain/config.ts';
import { tryAcquireLock } from '../trainer/src/retrain/lock.ts';
import { retrain, type RetrainOptions } from '../trainer/src/retrain/retrain.ts';
import { newRunId } from '../trainer/src/retrain/run-record.ts';
import { generateSynthetic } from '../trainer/src/synth/generate.ts';
import { failingPuts } from './helpers/faulty-store.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { runGraphrec } from './helpers/run-cli.ts';
import { useS3Server } from './helpers/s3-server.ts';

// s3rver behind the front that enforces If-None-Match / If-Match as S3 and R2 do (s3rver alone ignores them on PUT).
const s3 = useS3Server('graphrec-retrain', { preconditions: true });
const { dir } = fixtureFolder('retrain');
const data = join(dir, 'data');
const workDir = join(dir, 'work');

/** A small, quick GraphSAGE retrain config; `training` overrides the hyper-parameters. */
function configJson(prefix: string, extra: { training?: Record<string, unknown>; gate?: Record<string, unknown>; lock?: Record<string, unknown> } = {}) {
  return {
    model: 'graphsage',
    data: { path: data },
    training: { epochs: 2, inputDim: 16, hiddenDim: 16, outputDim: 16, batchSize: 256, ...extra.training },
    export: { shardItems: 200, blockRows: 64, recallQueries: 50 },
    target: { to: `s3://${s3.bucket}/${prefix}`, endpoint: s3.endpoint },
    gate: { tolerance: 0.02, ...extra.gate },
    lock: { ttlSeconds: 60, ...extra.lock },
    workDir,
  };
}
const config = (prefix: string, extra?: Parameters<typeof configJson>[1]): RetrainConfig => parseRetrainConfig(configJson(prefix, extra), dir);
/** An essentially untrained model: one epoch at a learning rate of 1e-6 (its own stage folder: the config hash differs). */
const UNTRAINED = { epochs: 1, learningRate: 1e-6 };

const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...s3.env });
const open = (t: Target): Promise<ObjectStore> => openTarget(t, {}, env());
const quiet: RetrainOptions = { openStore: open };

async function inspect(prefix: string, model: 'graphsage' | 'pinsage' = 'graphsage') {
  const store = await open(parseTarget(`s3://${s3.bucket}/${prefix}`, { endpoint: s3.endpoint }));
  const keys = objectKeys(prefix, model);
  const rkeys = retrainKeys(keys.root);
  const json = async (key: string) => {
    const body = await store.get(key);
    return body === null ? null : (JSON.parse(new TextDecoder().decode(await readAll(body))) as unknown);
  };
  try {
    const loc = { store, keys, model };
    const runs = (await store.list(rkeys.runsRoot)).map((o) => o.key);
    const last = await json(rkeys.last);
    const lock = await json(rkeys.lock);
    return {
      current: (await readCurrent(loc))?.version ?? null,
      versions: (await listVersions(loc)).versions,
      last: last === null ? null : RunRecordSchema.parse(last),
      lock: lock === null ? null : RetrainLockSchema.parse(lock),
      runs,
      record: async (runId: string): Promise<RunRecord> => RunRecordSchema.parse(await json(rkeys.run(runId))),
    };
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  await generateSynthetic({ products: 300, users: 200, seed: 3, out: data });
});

describe('graphrec retrain (s3rver with conditional writes)', () => {
  let firstVersion = '';

  it('the first retrain publishes: CURRENT set, the run record says gate "first", the lock is released', async () => {
    const file = join(dir, 'first.json');
    writeFileSync(file, JSON.stringify(configJson('shop')));
    const run = await runGraphrec(['retrain', '--config', file, '--json'], s3.env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ ok: true, command: 'retrain', outcome: 'published', gate: { decision: 'first', metric: 'held-out-edges/graphsage/hr@10' }, live: null });
    expect(run.stderr).toMatch(/retrain: gate: done in .* — first: no live version/);
    const state = await inspect('shop');
    firstVersion = String(run.json.version);
    expect(state.current).toBe(firstVersion);
    expect(state.last).toMatchObject({ runId: run.json.runId, status: 'published', candidate: { version: firstVersion }, gate: { decision: 'first' } });
    expect(state.last!.stages.map((s) => s.stage)).toEqual(['ingest', 'train', 'evaluate', 'gate', 'export', 'publish', 'switch']);
    expect(await state.record(String(run.json.runId))).toEqual(state.last);
    expect(state.lock).toMatchObject({ runId: run.json.runId, releasedAt: expect.any(String) });
  });

  it('a deliberately worse model is refused by the gate: CURRENT unchanged, both metric sets recorded, a clean exit', async () => {
    const result = await retrain(config('shop', { training: UNTRAINED }), quiet);
    expect(result.outcome).toBe('refused');
    const state = await inspect('shop');
    expect(state.current).toBe(firstVersion);
    expect(state.versions.map((v) => v.version)).toEqual([firstVersion]);
    const record = state.last!;
    expect(record).toMatchObject({ runId: result.runId, status: 'refused', gate: { decision: 'refuse' }, live: { version: firstVersion } });
    expect(record.gate!.candidate!).toBeLessThan(record.gate!.live! - 0.02);
    expect(record.candidate!.metrics['held-out-edges']!.graphsage!['hr@10']).toBe(record.gate!.candidate);
    expect(record.live!.metrics['held-out-edges']!.graphsage!['hr@10']).toBe(record.gate!.live);
    expect(record.stages.map((s) => s.stage)).toEqual(['ingest', 'train', 'evaluate', 'gate']);
  });

  it('two concurrent retrains: exactly one publishes, the other exits at once naming the holder; the CLI exits 0 when busy', async () => {
    const outcomes = await Promise.all([retrain(config('race'), quiet), retrain(config('race'), quiet)]);
    const published = outcomes.filter((o) => o.outcome === 'published');
    const busy = outcomes.filter((o) => o.outcome === 'busy');
    expect(published).toHaveLength(1);
    expect(busy).toHaveLength(1);
    expect(busy[0]!.holder!.runId).toBe(published[0]!.runId);
    const state = await inspect('race');
    expect(state.runs).toHaveLength(1); // the busy run did nothing, not even a record
    expect(state.last).toMatchObject({ runId: published[0]!.runId, status: 'published' });

    // Through the CLI, while another run holds the lock.
    const store = await open(parseTarget(`s3://${s3.bucket}/race`, { endpoint: s3.endpoint }));
    const held = await tryAcquireLock(store, retrainKeys(objectKeys('race', 'graphsage').root).lock, { runId: newRunId(), ttlMs: 60_000, owner: 'other-host:1' });
    try {
      const file = join(dir, 'race.json');
      writeFileSync(file, JSON.stringify(configJson('race')));
      const cli = await runGraphrec(['retrain', '--config', file, '--json'], s3.env);
      expect(cli.status, cli.stderr).toBe(0);
      expect(cli.json).toMatchObject({ ok: true, outcome: 'busy', holder: { owner: 'other-host:1' } });
    } finally {
      if (held.acquired) await held.lease.release();
      await store.close();
    }
  });

  it('a writer that moves CURRENT between the switch\'s read and its write wins: the run stops instead of overwriting it', async () => {
    const keys = objectKeys('cas', 'graphsage');
    const other = { version: '20261128T120000Z-0123abcd', manifestSha256: 'a'.repeat(64), publishedAt: new Date().toISOString() };
    // Fault injection: just before the switch's conditional write of CURRENT, another writer (a manual rollback) writes it.
    const slipIn = (store: ObjectStore): ObjectStore => {
      const first = async (key: string) => {
        if (key === keys.current) await store.put(key, bytesBody(new TextEncoder().encode(JSON.stringify(other))), { contentType: 'application/json' });
      };
      return {
        ...store,
        description: store.description,
        putIfAbsent: async (...args) => (await first(args[0]), store.putIfAbsent(...args)),
        putIfMatch: async (...args) => (await first(args[0]), store.putIfMatch(...args)),
      };
    };
    const err = await retrain(config('cas'), { openStore: async (t) => slipIn(await open(t)) }).then(() => null, (e: Error & { code?: string }) => e);
    expect(err?.code).toBe('retrain/failed');
    expect(err?.message).toMatch(/switch/);
    expect(err?.message).toMatch(/changed after it was read .* not overwriting it/);
    expect(err?.message).toMatch(/CURRENT was moved by another writer/);
    const state = await inspect('cas');
    expect(state.current).toBe(other.version);
    expect(state.last).toMatchObject({ status: 'failed' });
  });

  it('a crash mid-publish leaves the live version serving; the re-run takes over the stale lock and resumes, reusing finished stages', async () => {
    const first = await retrain(config('crash'), quiet);
    const live = first.record!.candidate!.version!;
    // A different model (seed 2) to publish over it; the store loses its connection after 3 version objects.
    const next = config('crash', { training: { seed: 2 }, gate: { tolerance: 1 } });
    let faulty: ReturnType<typeof failingPuts> | undefined;
    const crashed = retrain(next, { openStore: async (t) => (faulty = failingPuts(await open(t), 4, Number.POSITIVE_INFINITY, (k) => k.includes('/versions/'))) });
    await expect(crashed).rejects.toMatchObject({ code: 'retrain/failed', message: expect.stringMatching(/failed at stage publish: .*injected fault.*; CURRENT still names/) });
    expect(faulty!.failed).toBeGreaterThan(0);
    let state = await inspect('crash');
    expect(state.current).toBe(live);
    expect(state.versions.find((v) => v.version === live)).toMatchObject({ complete: true, current: true });
    expect(state.versions.some((v) => !v.complete)).toBe(true); // the half-uploaded candidate
    expect(state.last).toMatchObject({ status: 'failed', failed: { stage: 'publish', message: expect.stringMatching(/injected fault/) } });

    // As a killed process would leave it: the crashed run's lock, never released, now expired.
    const store = await open(parseTarget(`s3://${s3.bucket}/crash`, { endpoint: s3.endpoint }));
    const lockKey = retrainKeys(objectKeys('crash', 'graphsage').root).lock;
    const stale = { runId: state.last!.runId, owner: 'killed-host:99', acquiredAt: new Date(Date.now() - 120_000).toISOString(), expiresAt: new Date(Date.now() - 1000).toISOString() };
    expect((await store.putIfMatch(lockKey, new TextEncoder().encode(JSON.stringify(stale)), (await store.head(lockKey))!.etag!)).won).toBe(true);
    await store.close();

    const lines: string[] = [];
    const rerun = await retrain(next, { ...quiet, log: (l) => lines.push(l) });
    expect(rerun.outcome).toBe('published');
    expect(lines.join('\n')).toMatch(/took over the expired lock of run .* \(killed-host:99/);
    const stages = Object.fromEntries(rerun.record!.stages.map((s) => [s.stage, s.reused === true]));
    expect(stages).toEqual({ ingest: true, train: true, evaluate: true, gate: false, export: true, publish: false, switch: false });
    expect(lines.join('\n')).toMatch(/publish: done .* — \d+ objects uploaded, [1-9]\d* already stored/);
    state = await inspect('crash');
    expect(state.current).toBe(rerun.record!.candidate!.version);
    expect(state.current).not.toBe(live);
    expect(state.last).toMatchObject({ runId: rerun.runId, status: 'published', gate: { decision: 'publish' }, live: { version: live } });
  });
});

describe('graphrec retrain of PinSage', () => {
  const pinsage = (prefix: string, training: Record<string, unknown>): RetrainConfig =>
    parseRetrainConfig({ ...configJson(prefix), model: 'pinsage', training: { epochs: 3, dim: 16, batchSize: 128, ...training } }, dir);

  it('publishes under its default gate metric, then refuses an untrained model', async () => {
    const first = await retrain(pinsage('pins', {}), quiet);
    expect(first.outcome).toBe('published');
    const state = await inspect('pins', 'pinsage');
    expect(state.current).toBe(first.record!.candidate!.version);
    expect(state.last).toMatchObject({ status: 'published', gate: { decision: 'first', metric: 'user-leave-last-out/pinsage/mean-history/hr@10' } });
    expect(state.last!.gate!.candidate).toBeGreaterThan(0);

    const worse = await retrain(pinsage('pins', { epochs: 1, learningRate: 1e-6 }), quiet);
    expect(worse.outcome).toBe('refused');
    const after = await inspect('pins', 'pinsage');
    expect(after.current).toBe(state.current);
    expect(after.last!.gate!.candidate!).toBeLessThan(after.last!.gate!.live! - 0.02);
  });
});
