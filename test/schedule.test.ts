import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeys } from '../artifacts/src/manifest/keys.ts';
import type { ModelKind } from '../artifacts/src/manifest/schema.ts';
import { DispatchRecordSchema, retrainKeys, type DispatchRecord, type RunRecord } from '../artifacts/src/retrain/records.ts';
import { openLocalR2Store } from '../trainer/src/publish/local-r2-store.ts';
import { bytesBody, type ObjectStore } from '../trainer/src/publish/object-store.ts';
import { publishExport } from '../trainer/src/publish/publish.ts';
import { LOCAL_BUCKET } from './helpers/edge-fixture.ts';
import { fixtureFolder } from './helpers/fixtures.ts';
import { versionId, writeSyntheticExport } from './helpers/synthetic-export.ts';
import { startWorker, type DevWorker } from './helpers/wrangler-dev.ts';

/**
 * The Worker's cron tick in real workerd (`wrangler dev --test-scheduled`,
 * `GET /__scheduled`) against a webhook receiver on 127.0.0.1. One worker with
 * a webhook runs every case; the tests run in order, each publishing the
 * bucket state it needs before ticking. Two more workers, each under its own
 * prefix, have no webhook and a quiet time.
 */
const { dir } = fixtureFolder('schedule');
const persist = join(dir, 'state');
const TOKEN = 'test-token-5f1e';
const HOUR = 3_600_000;

/** The stand-in for a CI dispatch endpoint: checks the bearer token, records every call. */
interface Receiver {
  url: string;
  calls: { authorized: boolean; body: any }[];
  expectedToken: string;
  /** Status answered to an authorized call. */
  status: number;
  server: Server;
}

function startReceiver(): Promise<Receiver> {
  const receiver = { calls: [], expectedToken: TOKEN, status: 204 } as unknown as Receiver;
  receiver.server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const authorized = req.method === 'POST' && req.headers.authorization === `Bearer ${receiver.expectedToken}`;
      receiver.calls.push({ authorized, body: JSON.parse(text || 'null') });
      res.writeHead(authorized ? receiver.status : 401, { 'content-type': 'application/json' });
      res.end(authorized ? (receiver.status >= 300 ? '{"message":"Server Error"}' : '') : '{"message":"Bad credentials"}');
    });
  });
  return new Promise((resolve) =>
    receiver.server.listen(0, '127.0.0.1', () => {
      receiver.url = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/dispatch`;
      resolve(receiver);
    }),
  );
}

let receiver: Receiver;
let store: ObjectStore;
let worker: DevWorker;
let bare: DevWorker;
let quiet: DevWorker;

beforeAll(async () => {
  receiver = await startReceiver();
  const vars = { RETRAIN_MODELS: 'graphsage,pinsage', RETRAIN_MAX_AGE_HOURS: '24', RETRAIN_MIN_INTERVAL_HOURS: '0', RETRAIN_STALE_RUN_HOURS: '1', USE_CACHE_API: 'false' };
  const webhook = { RETRAIN_WEBHOOK_URL: receiver.url, RETRAIN_WEBHOOK_TOKEN: TOKEN };
  // One at a time: three workerd processes starting together on one persist folder failed to start
  // once under the full suite's load ("The Workers runtime failed to start").
  store = await openLocalR2Store({ bucket: LOCAL_BUCKET, persistTo: persist });
  worker = await startWorker(persist, { ...vars, ...webhook }, { testScheduled: true });
  bare = await startWorker(persist, { ARTIFACT_PREFIX: 'bare' }, { testScheduled: true });
  quiet = await startWorker(persist, { ARTIFACT_PREFIX: 'quiet', RETRAIN_MIN_INTERVAL_HOURS: '1', ...webhook }, { testScheduled: true });
}, 120_000);
afterAll(async () => {
  await Promise.all([worker?.stop(), bare?.stop(), quiet?.stop(), store?.close(), new Promise((r) => receiver?.server.close(r))]);
});

const text = async (chunks: AsyncIterable<Uint8Array>): Promise<string> => {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString();
};

/** Every dispatch record of a model, oldest first. */
async function records(model: ModelKind, prefix = ''): Promise<DispatchRecord[]> {
  const keys = retrainKeys(objectKeys(prefix, model).root);
  const listed = await store.list(keys.dispatchesRoot);
  return Promise.all(listed.map(async (o) => DispatchRecordSchema.parse(JSON.parse(await text((await store.get(o.key))!)))));
}

/**
 * Runs one cron tick on `w` and returns the record it wrote for each model in
 * `models` (and checks it wrote none for the others), and the webhook calls it made.
 */
async function tick(w: DevWorker = worker, prefix = '', models: ModelKind[] = ['graphsage', 'pinsage']): Promise<Record<ModelKind, DispatchRecord> & { calls: Receiver['calls'] }> {
  const all: ModelKind[] = ['graphsage', 'pinsage'];
  const before = await Promise.all(all.map(async (m) => (await records(m, prefix)).length));
  const calls = receiver.calls.length;
  const r = await fetch(`${w.url}/__scheduled?cron=0+3+*+*+*`);
  expect(r.status, w.output()).toBe(200);
  await r.text();
  const after = await Promise.all(all.map((m) => records(m, prefix)));
  const out = { calls: receiver.calls.slice(calls) } as Record<ModelKind, DispatchRecord> & { calls: Receiver['calls'] };
  all.forEach((m, i) => {
    expect(after[i]!.length, `${m} records written by one tick`).toBe(before[i]! + (models.includes(m) ? 1 : 0));
    out[m] = after[i]!.at(-1)!;
  });
  return out;
}

/** Publishes a synthetic graphsage version created `ageHours` ago; returns its id. */
async function publishVersion(n: number, ageHours: number): Promise<string> {
  const ex = writeSyntheticExport(join(dir, 'exports'), { version: versionId(n), createdAt: new Date(Date.now() - ageHours * HOUR), largeBytes: 1024 });
  await publishExport(ex.dir, store, { prefix: '' });
  return ex.manifest.version;
}

async function writeLastRun(run: Partial<RunRecord>): Promise<void> {
  const record: RunRecord = { runId: '20261128T000000Z-0123abcd', model: 'graphsage', status: 'running', startedAt: new Date().toISOString(), stages: [], ...run };
  await store.put(retrainKeys(objectKeys('', 'graphsage').root).last, bytesBody(new TextEncoder().encode(JSON.stringify(record))));
}

describe('retrain cron in workerd', () => {
  it('dispatches every model with no live version: one authorized POST each, body from the template, `dispatched` records', async () => {
    const t = await tick();
    expect(t.calls).toHaveLength(2);
    expect(t.calls.every((c) => c.authorized)).toBe(true);
    // The workflow_dispatch template of infra/wrangler.jsonc.
    expect(t.calls.map((c) => c.body).sort((a, b) => a.inputs.model.localeCompare(b.inputs.model))).toEqual([
      { ref: 'main', inputs: { model: 'graphsage', reason: 'no live version is published' } },
      { ref: 'main', inputs: { model: 'pinsage', reason: 'no live version is published' } },
    ]);
    expect(t.graphsage).toMatchObject({ model: 'graphsage', action: 'dispatched', reason: 'no live version is published', liveVersion: null, liveAgeHours: null, lastRun: null, webhookStatus: 204 });
    expect(t.pinsage).toMatchObject({ model: 'pinsage', action: 'dispatched', webhookStatus: 204 });
  });

  it('dispatches for a live version older than RETRAIN_MAX_AGE_HOURS, naming it and its age', async () => {
    const version = await publishVersion(1, 48);
    const t = await tick();
    const call = t.calls.find((c) => c.body.inputs.model === 'graphsage');
    expect(call).toMatchObject({ authorized: true, body: { ref: 'main', inputs: { reason: `the live version ${version} is 48 h old (≥ max 24 h)` } } });
    expect(t.graphsage).toMatchObject({ action: 'dispatched', liveVersion: version, webhookStatus: 204 });
    expect(t.graphsage.liveAgeHours).toBeCloseTo(48, 1);
  });

  it('skips a fresh live version without calling the webhook', async () => {
    const version = await publishVersion(2, 0);
    const t = await tick();
    expect(t.calls.filter((c) => c.body.inputs.model === 'graphsage')).toEqual([]);
    expect(t.graphsage).toMatchObject({ action: 'skipped', liveVersion: version });
    expect(t.graphsage.reason).toMatch(new RegExp(`^the live version ${version} is 0(\\.\\d+)? h old \\(< max 24 h\\)$`));
    expect(t.graphsage.webhookStatus).toBeUndefined();
  });

  it('waits while the last run is running, and dispatches once it is older than RETRAIN_STALE_RUN_HOURS', async () => {
    await publishVersion(3, 100);
    await writeLastRun({ status: 'running', startedAt: new Date(Date.now() - 0.2 * HOUR).toISOString() });
    const waiting = await tick();
    expect(waiting.calls.filter((c) => c.body.inputs.model === 'graphsage')).toEqual([]);
    expect(waiting.graphsage).toMatchObject({ action: 'skipped', lastRun: { runId: '20261128T000000Z-0123abcd', status: 'running' } });
    expect(waiting.graphsage.reason).toMatch(/^run 20261128T000000Z-0123abcd is still running \(started 0\.2 h ago, taken for crashed after 1 h\); the live version \S+ is 100 h old/);

    await writeLastRun({ status: 'running', startedAt: new Date(Date.now() - 3 * HOUR).toISOString() });
    const stale = await tick();
    expect(stale.calls.filter((c) => c.body.inputs.model === 'graphsage')).toHaveLength(1);
    expect(stale.graphsage.action).toBe('dispatched');
    expect(stale.graphsage.reason).toContain('has been running longer than 1 h and is taken for crashed');
  });

  it('records `failed` with the status when the webhook answers 500 or refuses the token, and keeps serving', async () => {
    receiver.status = 500;
    const t500 = await tick();
    expect(t500.calls.every((c) => c.authorized)).toBe(true);
    expect(t500.graphsage).toMatchObject({ action: 'failed', webhookStatus: 500 });
    expect(t500.graphsage.reason).toMatch(/^webhook answered 500: \{"message":"Server Error"\}; the dispatch was due because the live version/);
    expect(t500.pinsage).toMatchObject({ action: 'failed', webhookStatus: 500 });

    receiver.status = 204;
    receiver.expectedToken = 'another-token';
    const t401 = await tick();
    expect(t401.calls.every((c) => !c.authorized)).toBe(true);
    expect(t401.graphsage).toMatchObject({ action: 'failed', webhookStatus: 401 });
    expect(t401.graphsage.reason).toContain('webhook answered 401: {"message":"Bad credentials"}');
    receiver.expectedToken = TOKEN;

    const all = JSON.stringify([...(await records('graphsage')), ...(await records('pinsage'))]);
    expect(all).not.toContain(TOKEN);
    expect(worker.output()).not.toContain(TOKEN);
    expect((await fetch(`${worker.url}/v1/health`)).status).toBe(200);
  });

  it('records `skipped` with the reason when no webhook is configured', async () => {
    const calls = receiver.calls.length;
    const t = await tick(bare, 'bare', ['graphsage']);
    expect(receiver.calls.length).toBe(calls);
    // Without RETRAIN_MODELS the cron looks after MODEL alone (graphsage); pinsage's record is absent.
    expect(t.graphsage).toMatchObject({ action: 'skipped', liveVersion: null });
    expect(t.graphsage.reason).toBe('would dispatch (no live version is published), but no webhook is configured (set the RETRAIN_WEBHOOK_URL var and the RETRAIN_WEBHOOK_TOKEN secret)');
  });

  it('backs off for RETRAIN_MIN_INTERVAL_HOURS after a webhook call, looking past the skipped ticks since', async () => {
    const first = await tick(quiet, 'quiet', ['graphsage']);
    expect(first.calls).toHaveLength(1);
    expect(first.graphsage).toMatchObject({ action: 'dispatched', webhookStatus: 204 });
    for (let i = 0; i < 2; i++) {
      const again = await tick(quiet, 'quiet', ['graphsage']);
      expect(again.calls).toEqual([]);
      expect(again.graphsage.action).toBe('skipped');
      expect(again.graphsage.reason).toMatch(/^backing off: the last dispatch went out 0(\.\d+)? h ago \(quiet time 1 h\); no live version is published$/);
    }
  });
});
