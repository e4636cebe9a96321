import { describe, expect, it } from 'vitest';
import { errorCode } from '../../../test/helpers/fixtures.ts';
import { decideGate, metricAt, parseMetricPath, type Metrics } from './gate.ts';

const METRIC = 'held-out-edges/graphsage/hr@10';
const metrics = (hr: number): Metrics => ({ 'held-out-edges': { graphsage: { 'hr@10': hr, mrr: 0.2 }, random: { 'hr@10': 0.01 } } });
const settings = { metric: METRIC, tolerance: 0.01 };

describe('decideGate', () => {
  it('publishes the first run when nothing is live', () => {
    expect(decideGate(metrics(0.3), null, settings)).toMatchObject({ decision: 'first', candidate: 0.3, metric: METRIC, tolerance: 0.01 });
  });

  it('publishes a candidate that is better, equal, or worse within the tolerance', () => {
    const live = { version: 'v1', metrics: metrics(0.4) };
    expect(decideGate(metrics(0.45), live, settings)).toMatchObject({ decision: 'publish', candidate: 0.45, live: 0.4 });
    expect(decideGate(metrics(0.4), live, settings).decision).toBe('publish');
    expect(decideGate(metrics(0.391), live, settings).decision).toBe('publish');
    // Exactly at the tolerance, with float noise on top, still passes.
    expect(decideGate(metrics(0.4 - 0.01), live, settings).decision).toBe('publish');
  });

  it('refuses a candidate worse beyond the tolerance, saying by how much', () => {
    const d = decideGate(metrics(0.35), { version: 'v1', metrics: metrics(0.4) }, settings);
    expect(d).toMatchObject({ decision: 'refuse', candidate: 0.35, live: 0.4 });
    expect(d.reason).toMatch(/0\.35 is 0\.05 below live 0\.4, more than tolerance 0\.01/);
    expect(decideGate(metrics(0.399), { version: 'v1', metrics: metrics(0.4) }, { metric: METRIC, tolerance: 0 }).decision).toBe('refuse');
  });

  it('errors when the candidate lacks the metric, listing the ones it has', () => {
    expect(errorCode(() => decideGate(metrics(0.3), null, { metric: 'held-out-edges/graphsage/hr@20', tolerance: 0 }))).toBe('retrain/missing-metric');
    expect(() => decideGate(metrics(0.3), null, { metric: 'held-out-edges/graphsage/hr@20', tolerance: 0 })).toThrow(/it has: held-out-edges\/graphsage\/hr@10, held-out-edges\/graphsage\/mrr/);
    expect(errorCode(() => decideGate({}, null, { metric: 'hr@10', tolerance: 0 }))).toBe('retrain/bad-metric');
  });

  it('refuses, or publishes when configured, when the live version records no such metric', () => {
    const live = { version: 'v0', metrics: {} };
    const refused = decideGate(metrics(0.3), live, settings);
    expect(refused).toMatchObject({ decision: 'refuse', candidate: 0.3 });
    expect(refused.reason).toMatch(/live version v0 records no held-out-edges\/graphsage\/hr@10/);
    expect(decideGate(metrics(0.3), live, { ...settings, onMissingLive: 'publish' }).decision).toBe('publish');
  });
});

describe('metric paths', () => {
  it('splits protocol/method/metric, keeping slashes inside the method', () => {
    expect(parseMetricPath('p/a/b/hr@10')).toEqual({ protocol: 'p', method: 'a/b', metric: 'hr@10' });
    expect(metricAt({ p: { 'a/b': { 'hr@10': 0.5 } } }, 'p/a/b/hr@10')).toBe(0.5);
    expect(metricAt({ p: { m: { auc: Number.NaN } } }, 'p/m/auc')).toBeUndefined();
  });
});
