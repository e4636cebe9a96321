import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import type { ObjectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { CurrentPointerSchema, parseArtifactJson, parseManifest } from '../../../artifacts/src/manifest/schema.ts';
import { RunRecordSchema, type DispatchRecord, type RetrainKeys, type RunRecord } from '../../../artifacts/src/retrain/records.ts';
import type { LiveVersion, ScheduleState } from './decide.ts';

const HOUR_MS = 3_600_000;

/** Custom metadata on a dispatch record, so a listing tells which ticks called the webhook without reading them. */
export interface DispatchMetadata {
  action: DispatchRecord['action'];
  at: string;
  /** `called` when the webhook was called (dispatched, or failed at the webhook): these start the quiet time. */
  webhook: 'called' | 'not-called';
}

/** The live version from `CURRENT` and its manifest; bucket errors propagate, bad objects make it `unreadable`. */
async function readLive(bucket: R2Bucket, keys: ObjectKeys): Promise<LiveVersion | null> {
  const current = await bucket.get(keys.current);
  if (!current) return null;
  let version = '(unknown)';
  try {
    version = parseArtifactJson(CurrentPointerSchema, await current.text(), 'CURRENT', 'artifact/corrupt').version;
    const manifest = await bucket.get(keys.object(version, 'manifest.json'));
    if (!manifest) return { version, unreadable: 'its manifest is missing' };
    return { version, createdAt: parseManifest(await manifest.text(), `manifest of ${version}`).createdAt };
  } catch (err) {
    if (isGraphrecError(err)) return { version, unreadable: err.message };
    throw err;
  }
}

/** The newest dispatch record since `since` (epoch ms) that called the webhook, from one listing. */
async function readLastDispatch(bucket: R2Bucket, retrain: RetrainKeys, since: number): Promise<ScheduleState['lastDispatch']> {
  const found: R2Object[] = [];
  let cursor: string | undefined;
  // R2 honours `include` from compatibility date 2022-08-04 on; the undated workers-types predate the option.
  const options = { prefix: retrain.dispatchesRoot, startAfter: retrain.dispatch(new Date(since)), include: ['customMetadata'] } as R2ListOptions;
  do {
    const page = await bucket.list({ ...options, cursor });
    found.push(...page.objects);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  // Keys sort by time; the newest first.
  for (const object of found.reverse()) {
    const meta = object.customMetadata as Partial<DispatchMetadata> | undefined;
    if (meta?.webhook === 'called' && meta.at && (meta.action === 'dispatched' || meta.action === 'failed')) return { at: meta.at, action: meta.action };
  }
  return null;
}

/**
 * Reads what a tick decides on: the live version, the LAST run record and the
 * last webhook call within the quiet time. An unreadable LAST counts as no run
 * and is reported in `notes`.
 * @throws whatever the bucket throws (the tick records it as `failed`).
 */
export async function readScheduleState(bucket: R2Bucket, keys: ObjectKeys, retrain: RetrainKeys, now: number, minIntervalHours: number): Promise<{ state: ScheduleState; notes: string[] }> {
  const notes: string[] = [];
  const [live, lastObject, lastDispatch] = await Promise.all([
    readLive(bucket, keys),
    bucket.get(retrain.last),
    minIntervalHours > 0 ? readLastDispatch(bucket, retrain, now - minIntervalHours * HOUR_MS) : null,
  ]);
  let lastRun: RunRecord | null = null;
  if (lastObject) {
    try {
      lastRun = parseArtifactJson(RunRecordSchema, await lastObject.text(), retrain.last, 'retrain/corrupt');
    } catch (err) {
      if (!isGraphrecError(err)) throw err;
      notes.push(`the last run record is unreadable and was ignored (${err.message})`);
    }
  }
  return { state: { live, lastRun, lastDispatch }, notes };
}
