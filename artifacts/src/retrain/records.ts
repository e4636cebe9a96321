import { z } from 'zod';
import type { ModelKind } from '../manifest/schema.ts';

/**
 * The retrain records kept in the bucket beside a model's versions, shared by
 * `graphrec retrain` (which writes them) and the Worker's scheduled handler
 * (which reads them to decide whether to dispatch a retrain):
 *
 *   <prefix>/<model>/retrain/lock                  {@link RetrainLock}: held while a retrain publishes
 *   <prefix>/<model>/retrain/runs/<runId>.json     {@link RunRecord}: one per retrain run, rewritten as it goes
 *   <prefix>/<model>/retrain/LAST                  the latest run's record (a copy, so a reader needs one get)
 *   <prefix>/<model>/retrain/dispatches/<at>.json  {@link DispatchRecord}: what each cron tick decided
 */
export interface RetrainKeys {
  readonly lock: string;
  readonly last: string;
  readonly runsRoot: string;
  readonly dispatchesRoot: string;
  run(runId: string): string;
  dispatch(at: Date): string;
}

/** Keys under a model's root (`ObjectKeys.root`, `<prefix>/<model>/`). */
export function retrainKeys(modelRoot: string): RetrainKeys {
  const root = `${modelRoot}retrain/`;
  return {
    lock: `${root}lock`,
    last: `${root}LAST`,
    runsRoot: `${root}runs/`,
    dispatchesRoot: `${root}dispatches/`,
    run: (runId) => `${root}runs/${runId}.json`,
    // ISO time with ':' and '.' removed sorts by time and is a safe key on every store.
    dispatch: (at) => `${root}dispatches/${at.toISOString().replace(/[:.]/g, '')}.json`,
  };
}

/** A run id: UTC start time and a random suffix, e.g. `20261128T051500Z-3fa9c1d2`; sorts by start time. */
export const RunIdSchema = z.string().regex(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);

/**
 * The retrain lock: created only if absent (a conditional write), so one run
 * holds it at a time. A lock past `expiresAt` belongs to a crashed run and may
 * be taken over (again by a conditional write, on the stale lock's ETag).
 */
export const RetrainLockSchema = z.object({
  runId: RunIdSchema,
  /** Host and process of the holder, for messages. */
  owner: z.string(),
  acquiredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /**
   * Set when the holder let go. A released lock is not deleted (neither R2's
   * binding nor every S3 offers a conditional delete, and an unconditional one
   * could remove a successor's lock): it is rewritten, on its own ETag, with
   * `expiresAt` = `releasedAt`, so the next run takes it over as expired.
   */
  releasedAt: z.iso.datetime().optional(),
});
export type RetrainLock = z.infer<typeof RetrainLockSchema>;

export const RETRAIN_STAGES = ['ingest', 'train', 'evaluate', 'gate', 'export', 'publish', 'switch'] as const;
export type RetrainStage = (typeof RETRAIN_STAGES)[number];

/** Metrics per protocol and method, as in the manifest's `evaluation`. */
const MetricsSchema = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number())));

export const GateDecisionSchema = z.object({
  /** `first`: no live version, published; `publish`: not worse beyond the tolerance; `refuse`: worse. */
  decision: z.enum(['first', 'publish', 'refuse']),
  /** The metric compared, `protocol/method/metric`, e.g. `held-out edges/graphsage/hr@10`. */
  metric: z.string(),
  /** Largest drop accepted, absolute (0.01 = one point of HR). */
  tolerance: z.number().nonnegative(),
  candidate: z.number().optional(),
  live: z.number().optional(),
  reason: z.string(),
});
export type GateDecision = z.infer<typeof GateDecisionSchema>;

export const RunRecordSchema = z.object({
  runId: RunIdSchema,
  model: z.enum(['graphsage', 'pinsage']),
  status: z.enum(['running', 'published', 'refused', 'failed']),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  /** sha256 of the input data: a re-run on the same fingerprint reuses finished stages. */
  dataFingerprint: z.string().optional(),
  /** Stages finished so far, in order; `reused` ones came from an earlier run on the same fingerprint. */
  stages: z.array(z.object({ stage: z.enum(RETRAIN_STAGES), seconds: z.number().nonnegative(), reused: z.boolean().optional() })),
  /** Where a failed run stopped, and why. The live version is untouched by a failed run. */
  failed: z.object({ stage: z.enum(RETRAIN_STAGES), message: z.string() }).optional(),
  candidate: z.object({ version: z.string().optional(), metrics: MetricsSchema }).optional(),
  live: z.object({ version: z.string(), metrics: MetricsSchema }).nullable().optional(),
  gate: GateDecisionSchema.optional(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** What one tick of the Worker's cron decided. */
export const DispatchRecordSchema = z.object({
  at: z.iso.datetime(),
  model: z.enum(['graphsage', 'pinsage']),
  action: z.enum(['dispatched', 'skipped', 'failed']),
  reason: z.string(),
  liveVersion: z.string().nullable(),
  /** Hours since the live version was created. */
  liveAgeHours: z.number().nullable(),
  lastRun: z.object({ runId: z.string(), status: z.string(), startedAt: z.string() }).nullable(),
  /** HTTP status of the webhook, when one was called. */
  webhookStatus: z.number().int().optional(),
});
export type DispatchRecord = z.infer<typeof DispatchRecordSchema>;

export type { ModelKind };
