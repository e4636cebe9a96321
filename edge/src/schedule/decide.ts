import type { DispatchRecord, RunRecord } from '../../../artifacts/src/retrain/records.ts';

/** The thresholds of the retrain cron, in hours (vars `RETRAIN_*_HOURS`). */
export interface RetrainPolicy {
  /** A live version older than this is retrained. */
  maxAgeHours: number;
  /** Quiet time after a dispatch (sent or failed) and after a failed or refused run. */
  minIntervalHours: number;
  /** A run `running` for longer than this is taken for crashed. */
  staleRunHours: number;
}

/** The live version as the cron sees it: `createdAt` from its manifest, or why it could not be read. */
export type LiveVersion = { version: string; createdAt: string } | { version: string; unreadable: string };

/** What one tick knows about a model, read from the bucket by `state.ts`. */
export interface ScheduleState {
  live: LiveVersion | null;
  lastRun: RunRecord | null;
  /** The newest dispatch record within the quiet time that called the webhook (`dispatched`, or `failed` at the webhook). */
  lastDispatch: Pick<DispatchRecord, 'at' | 'action'> | null;
}

export interface RetrainDecision {
  dispatch: boolean;
  /** One sentence for the dispatch record and the log. */
  reason: string;
  liveAgeHours: number | null;
}

const HOUR_MS = 3_600_000;

/** Hours as people read them: `0.25`, `7.3`, `168`. */
export function formatHours(hours: number): string {
  return String(hours >= 10 ? Math.round(hours) : Number(hours.toPrecision(2)));
}

const hoursSince = (iso: string, now: number): number => (now - Date.parse(iso)) / HOUR_MS;

/** Why a retrain must wait for the last run, or undefined; a stale `running` run does not hold it back. */
function runHoldsBack(run: RunRecord, policy: RetrainPolicy, now: number): string | undefined {
  const age = hoursSince(run.finishedAt ?? run.startedAt, now);
  if (run.status === 'running' && age < policy.staleRunHours) {
    return `run ${run.runId} is still running (started ${formatHours(age)} h ago, taken for crashed after ${formatHours(policy.staleRunHours)} h)`;
  }
  if ((run.status === 'failed' || run.status === 'refused') && age < policy.minIntervalHours) {
    const what = run.status === 'failed' ? `failed${run.failed ? ` at ${run.failed.stage}` : ''}` : 'was refused by the gate';
    return `backing off: run ${run.runId} ${what} ${formatHours(age)} h ago (quiet time ${formatHours(policy.minIntervalHours)} h)`;
  }
  return undefined;
}

/** Whether the live version calls for a retrain, and why (its age when known). */
function liveNeedsRetrain(live: LiveVersion | null, policy: RetrainPolicy, now: number): { needed: boolean; reason: string; ageHours: number | null } {
  if (!live) return { needed: true, reason: 'no live version is published', ageHours: null };
  if ('unreadable' in live) return { needed: true, reason: `the live version ${live.version} cannot be read (${live.unreadable})`, ageHours: null };
  const ageHours = hoursSince(live.createdAt, now);
  const needed = ageHours >= policy.maxAgeHours;
  return { needed, reason: `the live version ${live.version} is ${formatHours(ageHours)} h old (${needed ? '≥' : '<'} max ${formatHours(policy.maxAgeHours)} h)`, ageHours };
}

/**
 * Decides whether this tick dispatches a retrain. In order: a run still going
 * (and not stale) waits; a recent dispatch, or a recent failed or refused run,
 * backs off for `minIntervalHours`; then a model with no live version, with an
 * unreadable one, or with one at least `maxAgeHours` old is retrained; else skipped.
 * @param state what the bucket says (live version, LAST run record, last dispatch).
 * @param now epoch milliseconds of the tick.
 * @example
 * decideRetrain({ live: null, lastRun: null, lastDispatch: null }, policy, Date.now())
 * // { dispatch: true, reason: 'no live version is published', liveAgeHours: null }
 */
export function decideRetrain(state: ScheduleState, policy: RetrainPolicy, now: number): RetrainDecision {
  const live = liveNeedsRetrain(state.live, policy, now);
  const skip = (reason: string): RetrainDecision => ({ dispatch: false, reason: `${reason}; ${live.reason}`, liveAgeHours: live.ageHours });
  const held = state.lastRun && runHoldsBack(state.lastRun, policy, now);
  if (held) return skip(held);
  if (state.lastDispatch) {
    const age = hoursSince(state.lastDispatch.at, now);
    if (age < policy.minIntervalHours) {
      return skip(`backing off: the last dispatch ${state.lastDispatch.action === 'failed' ? 'failed' : 'went out'} ${formatHours(age)} h ago (quiet time ${formatHours(policy.minIntervalHours)} h)`);
    }
  }
  const staleRun = state.lastRun?.status === 'running' ? `; run ${state.lastRun.runId} has been running longer than ${formatHours(policy.staleRunHours)} h and is taken for crashed` : '';
  return { dispatch: live.needed, reason: `${live.reason}${staleRun}`, liveAgeHours: live.ageHours };
}
