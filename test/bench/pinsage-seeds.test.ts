import { describe, expect, it } from 'vitest';
import { mean, pairedCell, sd, verdicts, type HitRates } from './pinsage-seeds.ts';

/** One seed's run: PinSage's two queries under each protocol, popularity and ItemKNN on the test protocols. */
function run(lloVal: [number, number], llo: [number, number], tVal: [number, number], t: [number, number], pop: [number, number]): HitRates {
  const q = ([mean, latest]: [number, number]) => ({ 'pinsage/mean-history': mean, 'pinsage/latest-item': latest });
  // The prior adds .1 to each query's test HR@10.
  const prior = ([mean, latest]: [number, number]) => ({ 'pinsage+popularity/mean-history': mean + 0.1, 'pinsage+popularity/latest-item': latest + 0.1 });
  return {
    'user-leave-last-out-validation': q(lloVal),
    'user-leave-last-out': { ...q(llo), ...prior(llo), popularity: pop[0], itemknn: 0.05, 'itemknn/latest-item': 0.04 },
    'user-temporal-validation': q(tVal),
    'user-temporal': { ...q(t), ...prior(t), popularity: pop[1], itemknn: 0.2, 'itemknn/latest-item': 0.1 },
  };
}

describe('PinSage verdicts over seeds', () => {
  it('picks each protocol’s query on its own validation rows, never on the test rows', () => {
    const runs = {
      label: 'x',
      seeds: [1, 2],
      hr10: [
        // Leave-last-out: latest wins validation though mean wins test; temporal: mean wins validation.
        run([0.1, 0.2], [0.3, 0.1], [0.5, 0.4], [0.2, 0.9], [0.15, 0.25]),
        run([0.1, 0.2], [0.3, 0.1], [0.5, 0.4], [0.3, 0.9], [0.15, 0.25]),
      ],
    };
    const [llo, temporal] = verdicts(runs);
    expect(llo).toMatchObject({ protocol: 'leave-last-out', query: 'pinsage/latest-item', validation: 0.2, pinsage: [0.1, 0.1], popularity: 0.15, seedsAbovePopularity: 0, seedsWithPriorAbovePopularity: 2 });
    expect(llo.withPrior.map((x) => +x.toFixed(3))).toEqual([0.2, 0.2]);
    expect(temporal).toMatchObject({ protocol: 'temporal', query: 'pinsage/mean-history', pinsage: [0.2, 0.3], popularity: 0.25, itemknn: 0.2, seedsAbovePopularity: 1, seedsWithPriorAbovePopularity: 2 });
  });

  it('leaves out seeds that did not score a protocol', () => {
    const scored = run([0.1, 0.2], [0.3, 0.1], [0.5, 0.4], [0.2, 0.9], [0.15, 0.25]);
    const [, temporal] = verdicts({ label: 'x', seeds: [1, 2], hr10: [scored, { ...scored, 'user-temporal': {} }] });
    expect(temporal.pinsage).toEqual([0.2]);
    expect(temporal.seedsAbovePopularity).toBe(0);
  });

  it('carries each seed’s paired comparison of the chosen query, and prints net users and p', () => {
    const scored = run([0.1, 0.2], [0.3, 0.1], [0.5, 0.4], [0.2, 0.9], [0.15, 0.25]);
    const c = (wins: number, losses: number, p: number) => ({ against: 'popularity', k: 10, wins, losses, p });
    const paired = [
      { 'user-temporal': { 'pinsage/mean-history': c(19, 36, 0.03), 'pinsage/latest-item': c(1, 2, 1), 'pinsage+popularity/mean-history': c(18, 19, 1) } },
      { 'user-temporal': { 'pinsage/mean-history': c(30, 10, 0.0004) } },
    ];
    const [llo, temporal] = verdicts({ label: 'x', seeds: [1, 2], hr10: [scored, scored], paired });
    expect(llo.pinsagePaired).toEqual([]);
    expect(temporal.pinsagePaired).toEqual([c(19, 36, 0.03), c(30, 10, 0.0004)]);
    expect(temporal.withPriorPaired).toEqual([c(18, 19, 1)]);
    expect(pairedCell(temporal.pinsagePaired)).toBe('−17 (p .03), +20 (p < .001)');
    expect(pairedCell([c(4, 4, 1)])).toBe('±0 (p 1.00)');
    expect(pairedCell([c(12, 1, 0.0034)])).toBe('+11 (p .003)');
    expect(pairedCell([])).toBe('–');
  });

  it('mean and sample standard deviation', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(sd([1, 2, 3])).toBeCloseTo(1);
    expect(sd([4])).toBe(0);
    expect(mean([])).toBeNaN();
  });
});
