import { randomBytes } from 'node:crypto';
import { RunRecordSchema, type RetrainKeys, type RetrainStage, type RunRecord } from '../../../artifacts/src/retrain/records.ts';
import { sha256Hex } from '../../../artifacts/src/manifest/sha256.ts';
import { bytesBody, type ObjectStore } from '../publish/object-store.ts';
import { DEFAULT_RETRY, withRetry } from '../publish/retry.ts';

/** A run id: UTC start time to the second and 8 random hex digits, e.g. `20261128T051500Z-3fa9c1d2`. */
export function newRunId(at: Date = new Date()): string {
  return `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

/**
 * The run record of one retrain, kept in the bucket as it goes: every change
 * rewrites `runs/<runId>.json`, then `LAST` (a copy, what the Worker's cron
 * reads). Each write is checked against {@link RunRecordSchema} first.
 */
export class RunRecorder {
  readonly record: RunRecord;

  constructor(
    private readonly store: ObjectStore,
    private readonly keys: RetrainKeys,
    record: RunRecord,
  ) {
    this.record = record;
  }

  /** Appends a finished stage and saves. */
  async stage(stage: RetrainStage, seconds: number, reused: boolean): Promise<void> {
    this.record.stages.push({ stage, seconds: Math.round(seconds * 1000) / 1000, ...(reused ? { reused } : {}) });
    await this.save();
  }

  /** Applies `change` and saves. */
  async update(change: Partial<RunRecord>): Promise<void> {
    Object.assign(this.record, change);
    await this.save();
  }

  async save(): Promise<void> {
    const bytes = new TextEncoder().encode(`${JSON.stringify(RunRecordSchema.parse(this.record), null, 2)}\n`);
    const sha256 = await sha256Hex(bytes);
    for (const key of [this.keys.run(this.record.runId), this.keys.last]) {
      await withRetry(`put ${key}`, DEFAULT_RETRY, () => this.store.put(key, bytesBody(bytes), { contentType: 'application/json', sha256 }));
    }
  }
}
