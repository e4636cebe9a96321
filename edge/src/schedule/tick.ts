import { objectKeys } from '../../../artifacts/src/manifest/keys.ts';
import type { ModelKind } from '../../../artifacts/src/manifest/schema.ts';
import { DispatchRecordSchema, retrainKeys, type DispatchRecord } from '../../../artifacts/src/retrain/records.ts';
import { readConfig, readRetrainConfig, type Env, type RetrainConfig } from '../config.ts';
import { decideRetrain, type RetrainPolicy } from './decide.ts';
import { readScheduleState, type DispatchMetadata } from './state.ts';
import { callWebhook, redact, type Webhook } from './webhook.ts';
import { parseBodyTemplate, renderBody } from './webhook-body.ts';

/** What every model's tick shares: where the records go, the policy, and the webhook (if configured). */
interface TickSetup {
  bucket: R2Bucket;
  prefix: string;
  policy: RetrainPolicy;
  webhook: Webhook | { missing: string };
  template: Record<string, unknown> | undefined;
  fetcher: typeof fetch;
}

function webhookOf(config: RetrainConfig): TickSetup['webhook'] {
  if (!config.RETRAIN_WEBHOOK_URL) return { missing: 'no webhook is configured (set the RETRAIN_WEBHOOK_URL var and the RETRAIN_WEBHOOK_TOKEN secret)' };
  if (!config.RETRAIN_WEBHOOK_TOKEN) return { missing: 'RETRAIN_WEBHOOK_URL is set but the RETRAIN_WEBHOOK_TOKEN secret is not (wrangler secret put RETRAIN_WEBHOOK_TOKEN)' };
  return { url: config.RETRAIN_WEBHOOK_URL, token: config.RETRAIN_WEBHOOK_TOKEN, timeoutMs: config.RETRAIN_WEBHOOK_TIMEOUT_SECONDS * 1000 };
}

/** Writes the record (checked against the shared schema) and logs it as one JSON line; never throws. */
async function record(setup: Pick<TickSetup, 'bucket' | 'prefix'>, record: DispatchRecord, webhookCalled: boolean): Promise<DispatchRecord> {
  let line = JSON.stringify({ event: 'graphrec.retrain-tick', ...record });
  try {
    const key = retrainKeys(objectKeys(setup.prefix, record.model).root).dispatch(new Date(record.at));
    line = JSON.stringify({ event: 'graphrec.retrain-tick', key, ...record });
    const checked = DispatchRecordSchema.parse(record);
    const meta: DispatchMetadata = { action: checked.action, at: checked.at, webhook: webhookCalled ? 'called' : 'not-called' };
    await setup.bucket.put(key, JSON.stringify(checked, null, 2), { httpMetadata: { contentType: 'application/json' }, customMetadata: { ...meta } });
    (record.action === 'failed' ? console.error : console.log)(line);
  } catch (err) {
    console.error(JSON.stringify({ event: 'graphrec.retrain-tick-unrecorded', error: (err as Error).message, record: line }));
  }
  return record;
}

/** One model's tick: read the state, decide, maybe call the webhook, record what happened. */
async function tickModel(setup: TickSetup, model: ModelKind, now: number): Promise<DispatchRecord> {
  const at = new Date(now).toISOString();
  let state;
  try {
    const keys = objectKeys(setup.prefix, model);
    state = await readScheduleState(setup.bucket, keys, retrainKeys(keys.root), now, setup.policy.minIntervalHours);
  } catch (err) {
    const reason = `could not read the retrain state from the bucket: ${(err as Error).message}`;
    return record(setup, { at, model, action: 'failed', reason, liveVersion: null, liveAgeHours: null, lastRun: null }, false);
  }
  const decision = decideRetrain(state.state, setup.policy, now);
  const run = state.state.lastRun;
  const base = {
    at,
    model,
    liveVersion: state.state.live?.version ?? null,
    liveAgeHours: decision.liveAgeHours,
    lastRun: run ? { runId: run.runId, status: run.status, startedAt: run.startedAt } : null,
  };
  const reason = [decision.reason, ...state.notes].join('; ');
  if (!decision.dispatch) return record(setup, { ...base, action: 'skipped', reason }, false);
  if ('missing' in setup.webhook) return record(setup, { ...base, action: 'skipped', reason: `would dispatch (${reason}), but ${setup.webhook.missing}` }, false);
  const body = renderBody(setup.template, { model, reason, liveVersion: base.liveVersion, liveAgeHours: base.liveAgeHours, at, lastRun: base.lastRun });
  const result = await callWebhook(setup.webhook, body, setup.fetcher);
  if (result.ok) return record(setup, { ...base, action: 'dispatched', reason, webhookStatus: result.status }, true);
  return record(setup, { ...base, action: 'failed', reason: `${result.detail}; the dispatch was due because ${reason}`, webhookStatus: result.status }, true);
}

/**
 * The cron tick: for each model in RETRAIN_MODELS (default: MODEL), decides
 * whether a retrain is due and, if so, POSTs to the retrain webhook; writes a
 * {@link DispatchRecord} per model every tick. Training never runs here.
 * Never rejects: failures become `failed` records and error log lines.
 * @param now epoch ms of the tick (`controller.scheduledTime`).
 * @param fetcher the `fetch` used for the webhook.
 * @returns the records written (empty when even the base config is invalid).
 */
export async function runRetrainTick(env: Env, now: number, fetcher: typeof fetch = fetch): Promise<DispatchRecord[]> {
  let base;
  try {
    base = readConfig(env);
  } catch (err) {
    console.error(JSON.stringify({ event: 'graphrec.retrain-tick-unrecorded', error: (err as Error).message }));
    return [];
  }
  const target = { bucket: env.ARTIFACTS, prefix: base.ARTIFACT_PREFIX };
  let config: RetrainConfig;
  let template: TickSetup['template'];
  try {
    config = readRetrainConfig(env);
    template = parseBodyTemplate(config.RETRAIN_WEBHOOK_BODY);
  } catch (err) {
    const at = new Date(now).toISOString();
    const reason = redact(`the retrain config is invalid: ${(err as Error).message}`, env.RETRAIN_WEBHOOK_TOKEN ?? '');
    return [await record(target, { at, model: base.MODEL, action: 'failed', reason, liveVersion: null, liveAgeHours: null, lastRun: null }, false)];
  }
  const setup: TickSetup = {
    ...target,
    policy: { maxAgeHours: config.RETRAIN_MAX_AGE_HOURS, minIntervalHours: config.RETRAIN_MIN_INTERVAL_HOURS, staleRunHours: config.RETRAIN_STALE_RUN_HOURS },
    webhook: webhookOf(config),
    template,
    fetcher,
  };
  const models = config.RETRAIN_MODELS.length > 0 ? [...new Set(config.RETRAIN_MODELS)] : [base.MODEL];
  return Promise.all(models.map((model) => tickModel(setup, model, now)));
}
