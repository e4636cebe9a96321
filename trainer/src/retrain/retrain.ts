import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphrecError, isGraphrecError } from '../../../artifacts/src/errors.ts';
import { objectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { parseManifest } from '../../../artifacts/src/manifest/schema.ts';
import { retrainKeys, type GateDecision, type RetrainLock, type RetrainStage, type RunRecord } from '../../../artifacts/src/retrain/records.ts';
import { ingest } from '../data/ingest.ts';
import { exportRun } from '../export/export-run.ts';
import { fingerprintPath } from '../export/files.ts';
import type { ObjectStore } from '../publish/object-store.ts';
import { uploadVersion } from '../publish/publish.ts';
import { pruneVersions } from '../publish/retention.ts';
import { rollback } from '../publish/rollback.ts';
import { describeTarget, openTarget, parseTarget, type Target } from '../publish/target.ts';
import { readCurrent, type ModelLocation } from '../publish/versions.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { configHash, type RetrainConfig } from './config.ts';
import { decideGate, type Metrics } from './gate.ts';
import { readLive, type LiveVersion } from './live.ts';
import { acquireLock, type LockLease } from './lock.ts';
import { evaluateStage, trainStage } from './model-stages.ts';
import { newRunId, RunRecorder } from './run-record.ts';
import { StageFolder } from './stages.ts';

export interface RetrainOptions {
  /** Opens the target's store; default {@link openTarget}. Tests wrap it to inject faults. */
  openStore?: (target: Target) => Promise<ObjectStore>;
  progress?: Progress;
  /** One line per stage and decision. */
  log?: (line: string) => void;
  runId?: string;
}

/** How a retrain ended, short of failing (a failure throws `retrain/failed`). */
export interface RetrainResult {
  runId: string;
  /** `busy`: another run holds the lock, nothing was done (no run record either). */
  outcome: 'published' | 'refused' | 'busy';
  model: RetrainConfig['model'];
  target: string;
  /** The run record as last written (absent when busy). */
  record?: RunRecord;
  /** The lock's holder when busy. */
  holder?: RetrainLock;
  /** The stage folder of this data fingerprint and configuration. */
  stageFolder?: string;
}

/**
 * `graphrec retrain`: ingest → train → evaluate → gate → export → publish →
 * switch `CURRENT`, under the retrain lock, recording each stage in the
 * bucket (`retrain/runs/<runId>.json` and `retrain/LAST`).
 *
 * The lock is taken before anything else and held to the end, renewed in the
 * background every TTL/3 and, as a proof that no other run took it over,
 * right before the gate and right before `CURRENT` moves. A second run thus
 * exits (or waits) at once instead of training for nothing, and two runs
 * never gate and switch at the same time.
 *
 * Finished stages of the same data fingerprint and configuration are reused
 * from `workDir`; the gate, publish (which skips objects already stored) and
 * switch always run. A failure at any stage leaves `CURRENT` as it was.
 * @throws GraphrecError `retrain/failed` naming the stage and the cause; config and target errors as they are.
 * @example const result = await retrain(await readRetrainConfig('infra/retrain.example.json'))
 */
export async function retrain(config: RetrainConfig, options: RetrainOptions = {}): Promise<RetrainResult> {
  const log = options.log ?? (() => {});
  const target = parseTarget(config.target.to, { endpoint: config.target.endpoint, region: config.target.region, persistTo: config.target.persistTo });
  const keys = objectKeys(target.prefix, config.model);
  const rkeys = retrainKeys(keys.root);
  const runId = options.runId ?? newRunId();
  const base = { runId, model: config.model, target: describeTarget(target) };
  const store = await (options.openStore ?? ((t: Target) => openTarget(t)))(target);
  let lease: LockLease | undefined;
  try {
    const got = await acquireLock(store, rkeys.lock, {
      runId, ttlMs: config.lock.ttlSeconds * 1000, waitMs: config.lock.waitSeconds * 1000,
      onWait: (h) => log(`lock held by run ${h.runId} (${h.owner}) until ${h.expiresAt}; waiting up to ${config.lock.waitSeconds}s`),
    });
    if (!got.acquired) {
      log(`another retrain holds the lock: run ${got.holder.runId} on ${got.holder.owner}, until ${got.holder.expiresAt}; nothing done`);
      return { ...base, outcome: 'busy', holder: got.holder };
    }
    lease = got.lease;
    if (got.tookOver) log(`took over the expired lock of run ${got.tookOver.runId} (${got.tookOver.owner}, expired ${got.tookOver.expiresAt})`);
    lease.startHeartbeat();
    const recorder = new RunRecorder(store, rkeys, { runId, model: config.model, status: 'running', startedAt: new Date().toISOString(), stages: [] });
    await recorder.save();
    const loc: ModelLocation = { store, keys, model: config.model };
    return await runStages(config, { recorder, lease, loc, prefix: target.prefix, log, progress: options.progress ?? silentProgress, base });
  } finally {
    await lease?.release().catch(() => undefined);
    await store.close();
  }
}

interface RunContext {
  recorder: RunRecorder;
  lease: LockLease;
  loc: ModelLocation;
  prefix: string;
  log: (line: string) => void;
  progress: Progress;
  base: Pick<RetrainResult, 'runId' | 'model' | 'target'>;
}

async function runStages(config: RetrainConfig, ctx: RunContext): Promise<RetrainResult> {
  const { recorder, lease, loc, log, progress } = ctx;
  let stage: RetrainStage = 'ingest';
  let live: LiveVersion | null | undefined;
  let switchedTo: string | undefined;
  const done = async (s: RetrainStage, seconds: number, reused: boolean, note = ''): Promise<void> => {
    log(`${s}: ${reused ? 'reused' : 'done'} in ${seconds.toFixed(1)}s${note ? ` — ${note}` : ''}`);
    await recorder.stage(s, seconds, reused);
  };
  const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
    const started = performance.now();
    const value = await fn();
    return { value, seconds: (performance.now() - started) / 1000 };
  };
  try {
    const fp = await timed(() => fingerprintPath(config.data.path));
    const folder = new StageFolder(config.workDir, fp.value, configHash(config));
    recorder.record.dataFingerprint = fp.value;
    const ingested = await folder.run('ingest', async () => {
      const { report } = await ingest(config.data.path, { strict: config.data.strict, metadataFormat: config.data.format, progress });
      return { fingerprint: fp.value, sources: report.sources.length, problems: report.problems.total };
    });
    await done('ingest', fp.seconds + ingested.seconds, ingested.reused, `data ${fp.value.slice(0, 12)}, stages in ${folder.root}`);

    stage = 'train';
    const trained = await folder.run('train', (dir) => trainStage(config, dir, { progress, log }), { keep: true });
    await done('train', trained.seconds, trained.reused, `${trained.value.epochs} epochs on ${trained.value.backend}`);

    stage = 'evaluate';
    const evaluated = await folder.run('evaluate', () => evaluateStage(config, trained.value.runDir, { progress, log }));
    recorder.record.candidate = { metrics: evaluated.value };
    await done('evaluate', evaluated.seconds, evaluated.reused);

    stage = 'gate';
    const gate = await timed(async () => {
      await lease.renew();
      live = await readLive(loc);
      return decideGate(evaluated.value, live, config.gate);
    });
    recorder.record.gate = gate.value;
    recorder.record.live = live ? { version: live.version, metrics: live.metrics } : null;
    await done('gate', gate.seconds, false, `${gate.value.decision}: ${gate.value.reason}`);
    if (gate.value.decision === 'refuse') {
      await recorder.update({ status: 'refused', finishedAt: new Date().toISOString() });
      return { ...ctx.base, outcome: 'refused', record: recorder.record, stageFolder: folder.root };
    }

    stage = 'export';
    const exported = await folder.run('export', async (dir) => {
      const outDir = join(dir, 'version');
      const summary = await exportRun(trained.value.runDir, { outDir, ...config.export, progress });
      return { outDir, version: summary.manifest.version };
    });
    const manifest = parseManifest(await readFile(join(exported.value.outDir, 'manifest.json'), 'utf8'));
    if (manifest.source.fingerprint !== fp.value) {
      throw new GraphrecError('retrain/data-changed', `the data at ${config.data.path} changed during the run (fingerprint ${fp.value.slice(0, 12)} at ingest, ${manifest.source.fingerprint.slice(0, 12)} at export); run again`);
    }
    recorder.record.candidate = { version: exported.value.version, metrics: evaluated.value };
    await done('export', exported.seconds, exported.reused, `version ${exported.value.version}`);

    stage = 'publish';
    const uploaded = await timed(() => uploadVersion(exported.value.outDir, loc.store, { prefix: ctx.prefix, progress }));
    await done('publish', uploaded.seconds, false, `${uploaded.value.uploaded} objects uploaded, ${uploaded.value.skipped} already stored`);

    stage = 'switch';
    const switched = await timed(async () => {
      await lease.renew();
      // The ETag before the read: if CURRENT changes after it (a run that took over an
      // expired lock, a manual rollback), the conditional write below refuses to overwrite it.
      const seen = await loc.store.head(loc.keys.current);
      const current = await readCurrent(loc);
      if ((current?.version ?? null) !== (live?.version ?? null)) {
        throw new GraphrecError('retrain/current-moved', `CURRENT moved from ${live?.version ?? 'nothing'} to ${current?.version ?? 'nothing'} after the gate (a manual publish or rollback?); not switching`);
      }
      if (current?.version === exported.value.version) return { previous: current.version, deleted: [] as string[], already: true };
      // S3 and R2 always return an ETag; a store that did not could not take the lock either, so the write is then plain.
      const expected = seen === null ? { etag: null } : seen.etag ? { etag: seen.etag } : undefined;
      const result = await rollback(loc, exported.value.version, new Date(), { expected });
      switchedTo = result.version;
      const pruned = await pruneVersions(loc, config.publish.keep).catch((err: unknown) => ({ deleted: [], error: String(err) }));
      return { previous: result.previous, deleted: pruned.deleted, already: false };
    });
    const was = switched.value.already ? ' (already live, not rewritten)' : switched.value.previous ? ` (was ${switched.value.previous})` : '';
    await done('switch', switched.seconds, false, `CURRENT → ${exported.value.version}${was}`);
    await recorder.update({ status: 'published', finishedAt: new Date().toISOString() });
    return { ...ctx.base, outcome: 'published', record: recorder.record, stageFolder: folder.root };
  } catch (err) {
    const moved = isGraphrecError(err, 'retrain/current-moved') || isGraphrecError(err, 'publish/current-moved');
    const still = switchedTo
      ? `CURRENT already names the new version ${switchedTo}`
      : moved ? 'CURRENT was moved by another writer and left as that writer set it'
      : live === undefined ? 'CURRENT was not touched' : `CURRENT still names ${live?.version ?? 'nothing'}`;
    throw await fail(err, stage, recorder, still);
  }
}

/** Records the failure (best effort: the store may be what failed) and returns the error to throw. */
async function fail(err: unknown, stage: RetrainStage, recorder: RunRecorder, still: string): Promise<GraphrecError> {
  const message = err instanceof Error ? err.message : String(err);
  const saved = await recorder.update({ status: 'failed', failed: { stage, message }, finishedAt: new Date().toISOString() }).then(() => '', (e: unknown) => ` (the run record could not be written: ${(e as Error).message})`);
  return new GraphrecError('retrain/failed', `retrain ${recorder.record.runId} failed at stage ${stage}: ${message}; ${still}${saved}`, {
    runId: recorder.record.runId, stage, cause: isGraphrecError(err) ? err.code : 'internal',
  });
}

export type { GateDecision, Metrics };
