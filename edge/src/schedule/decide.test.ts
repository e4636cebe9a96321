import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../artifacts/src/retrain/records.ts';
import { decideRetrain, formatHours, type RetrainPolicy, type ScheduleState } from './decide.ts';

const NOW = Date.parse('2026-06-10T03:00:00Z');
const hoursAgo = (h: number): string => new Date(NOW - h * 3_600_000).toISOString();
const policy: RetrainPolicy = { maxAgeHours: 168, minIntervalHours: 12, staleRunHours: 6 };
const live = (ageHours: number): ScheduleState['live'] => ({ version: 'v1', createdAt: hoursAgo(ageHours) });
const run = (status: RunRecord['status'], ageHours: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId: '20260610T000000Z-0123abcd',
  model: 'graphsage',
  status,
  startedAt: hoursAgo(ageHours),
  stages: [],
  ...extra,
});
const state = (s: Partial<ScheduleState>): ScheduleState => ({ live: live(200), lastRun: null, lastDispatch: null, ...s });

describe('decideRetrain', () => {
  it('dispatches when no version is live', () => {
    expect(decideRetrain(state({ live: null }), policy, NOW)).toEqual({ dispatch: true, reason: 'no live version is published', liveAgeHours: null });
  });

  it('dispatches when the live version is at least the max age, with its age', () => {
    const d = decideRetrain(state({ live: live(200) }), policy, NOW);
    expect(d).toMatchObject({ dispatch: true, liveAgeHours: 200 });
    expect(d.reason).toBe('the live version v1 is 200 h old (≥ max 168 h)');
    expect(decideRetrain(state({ live: live(168) }), policy, NOW).dispatch).toBe(true);
  });

  it('skips a live version younger than the max age', () => {
    const d = decideRetrain(state({ live: live(30.25) }), policy, NOW);
    expect(d).toEqual({ dispatch: false, reason: 'the live version v1 is 30 h old (< max 168 h)', liveAgeHours: 30.25 });
  });

  it('dispatches when the live version cannot be read', () => {
    const d = decideRetrain(state({ live: { version: 'v1', unreadable: 'its manifest is missing' } }), policy, NOW);
    expect(d).toMatchObject({ dispatch: true, reason: 'the live version v1 cannot be read (its manifest is missing)', liveAgeHours: null });
  });

  it('waits for a run still running, even with no live version', () => {
    const d = decideRetrain(state({ live: null, lastRun: run('running', 2) }), policy, NOW);
    expect(d.dispatch).toBe(false);
    expect(d.reason).toBe('run 20260610T000000Z-0123abcd is still running (started 2 h ago, taken for crashed after 6 h); no live version is published');
  });

  it('takes a run running past the stale limit for crashed and dispatches', () => {
    const d = decideRetrain(state({ lastRun: run('running', 7) }), policy, NOW);
    expect(d.dispatch).toBe(true);
    expect(d.reason).toContain('has been running longer than 6 h and is taken for crashed');
  });

  it('backs off after a failed or refused run within the quiet time, from when it finished', () => {
    const failed = decideRetrain(state({ lastRun: run('failed', 20, { finishedAt: hoursAgo(3), failed: { stage: 'train', message: 'NaN loss' } }) }), policy, NOW);
    expect(failed).toMatchObject({ dispatch: false, liveAgeHours: 200 });
    expect(failed.reason).toMatch(/^backing off: run \S+ failed at train 3 h ago \(quiet time 12 h\); the live version v1 is 200 h old/);
    expect(decideRetrain(state({ lastRun: run('refused', 1) }), policy, NOW).reason).toContain('was refused by the gate 1 h ago');
    expect(decideRetrain(state({ lastRun: run('failed', 13) }), policy, NOW).dispatch).toBe(true);
  });

  it('does not hold back after a published run', () => {
    expect(decideRetrain(state({ lastRun: run('published', 1) }), policy, NOW).dispatch).toBe(true);
  });

  it('backs off after a recent dispatch, sent or failed, and not after an old one', () => {
    const sent = decideRetrain(state({ lastDispatch: { at: hoursAgo(1), action: 'dispatched' } }), policy, NOW);
    expect(sent.dispatch).toBe(false);
    expect(sent.reason).toMatch(/^backing off: the last dispatch went out 1 h ago/);
    const failed = decideRetrain(state({ live: null, lastDispatch: { at: hoursAgo(11.5), action: 'failed' } }), policy, NOW);
    expect(failed.reason).toBe('backing off: the last dispatch failed 12 h ago (quiet time 12 h); no live version is published');
    expect(decideRetrain(state({ lastDispatch: { at: hoursAgo(12), action: 'failed' } }), policy, NOW).dispatch).toBe(true);
  });

  it('dispatches every tick with a zero quiet time', () => {
    const noQuiet = { ...policy, minIntervalHours: 0 };
    expect(decideRetrain(state({ lastRun: run('failed', 0), lastDispatch: { at: hoursAgo(0), action: 'failed' } }), noQuiet, NOW).dispatch).toBe(true);
  });
});

describe('formatHours', () => {
  it('keeps two significant digits below 10 h and rounds above', () => {
    expect([0.00123, 0.25, 7.34, 9.96, 10.4, 168].map(formatHours)).toEqual(['0.0012', '0.25', '7.3', '10', '10', '168']);
  });
});
