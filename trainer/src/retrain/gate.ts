import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { GateDecision } from '../../../artifacts/src/retrain/records.ts';

/** Held-out metrics as the manifest's `evaluation` holds them: protocol → method → metric → value. */
export type Metrics = Record<string, Record<string, Record<string, number>>>;

export interface GateSettings {
  /** `protocol/method/metric`; higher is better (every metric graphrec reports is). */
  metric: string;
  /** Largest absolute drop accepted. */
  tolerance: number;
  /** When the live version has no value for the metric: refuse (default) or publish. */
  onMissingLive?: 'refuse' | 'publish';
}

/** Splits `protocol/method/metric`; a method name may itself contain '/'. */
export function parseMetricPath(path: string): { protocol: string; method: string; metric: string } {
  const parts = path.split('/');
  if (parts.length < 3 || parts.some((p) => p === '')) throw new GraphrecError('retrain/bad-metric', `gate metric '${path}' must be protocol/method/metric, e.g. held-out-edges/graphsage/hr@10`);
  return { protocol: parts[0]!, method: parts.slice(1, -1).join('/'), metric: parts.at(-1)! };
}

/** The value at `protocol/method/metric`, or undefined when absent or not finite. */
export function metricAt(metrics: Metrics | undefined, path: string): number | undefined {
  const { protocol, method, metric } = parseMetricPath(path);
  const value = metrics?.[protocol]?.[method]?.[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Every `protocol/method/metric` path present, for messages. */
export function metricPaths(metrics: Metrics): string[] {
  return Object.entries(metrics).flatMap(([p, methods]) => Object.entries(methods).flatMap(([m, values]) => Object.keys(values).map((k) => `${p}/${m}/${k}`)));
}

/**
 * Decides whether a candidate may replace the live version: always on the
 * first run (no live version); otherwise only if the candidate's metric is not
 * below the live one by more than the tolerance.
 * @param live The live version's id and manifest `evaluation`, or null when nothing is live.
 * @throws GraphrecError `retrain/missing-metric` when the candidate lacks the metric
 *   (a wrong metric path: the message lists the ones present), `retrain/bad-metric` for a malformed path.
 * @example decideGate(candidate, { version: 'v1', metrics: live }, { metric: 'held-out-edges/graphsage/hr@10', tolerance: 0.01 })
 */
export function decideGate(candidate: Metrics, live: { version: string; metrics?: Metrics } | null, settings: GateSettings): GateDecision {
  const { metric, tolerance } = settings;
  const c = metricAt(candidate, metric);
  if (c === undefined) {
    const present = metricPaths(candidate);
    throw new GraphrecError('retrain/missing-metric', `the new run has no value for gate metric '${metric}'; it has: ${present.slice(0, 12).join(', ')}${present.length > 12 ? ', …' : ''}`);
  }
  const base = { metric, tolerance, candidate: c };
  if (live === null) return { ...base, decision: 'first', reason: `no live version: publishing the first (${metric} = ${fmt(c)})` };
  const l = metricAt(live.metrics, metric);
  if (l === undefined) {
    const why = `live version ${live.version} records no ${metric}`;
    return settings.onMissingLive === 'publish'
      ? { ...base, decision: 'publish', reason: `${why}; publishing as configured (gate.onMissingLive = publish)` }
      : { ...base, decision: 'refuse', reason: `${why}, so the new run cannot be compared; publish it by hand or set gate.onMissingLive to publish` };
  }
  const drop = l - c;
  // A hair of slack so that an identical metric recomputed with float noise is never "worse".
  if (drop <= tolerance + 1e-12) {
    return { ...base, live: l, decision: 'publish', reason: `${metric} ${fmt(c)} vs live ${fmt(l)} (${signed(-drop)}), within tolerance ${fmt(tolerance)}` };
  }
  return { ...base, live: l, decision: 'refuse', reason: `${metric} ${fmt(c)} is ${fmt(drop)} below live ${fmt(l)}, more than tolerance ${fmt(tolerance)}` };
}

const fmt = (x: number): string => String(+x.toFixed(4));
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${fmt(x)}`;
