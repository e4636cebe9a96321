import { describe, expect, it } from 'vitest';
import { buildWalkGraph } from '../graph/random-walk.ts';
import { reviewGraphOf } from '../graph/review-graph-of.ts';
import { Rng } from '../util/rng.ts';
import { makePinSageBatch } from './pinsage-data.ts';

describe('makePinSageBatch', () => {
  // One user reviewed products 0..9 in this order.
  const graph = reviewGraphOf(1, 10, Array.from({ length: 10 }, (_, i) => [0, i] as [number, number]));
  const all = Int32Array.from({ length: 10 }, (_, e) => e);
  const walk = buildWalkGraph(graph, all);
  const pairs = (pairWindow: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let round = 0; round < 30; round++) {
      const b = makePinSageBatch(graph, walk, all, 0, 10, 1, new Rng(round), pairWindow);
      b.rows.head.forEach((h, k) => out.push([b.targets[h], b.targets[b.rows.tail[k]]]));
    }
    return out;
  };

  it('draws positives from the whole history by default, and within the window with pairWindow', () => {
    const gaps = (p: [number, number][]): number => Math.max(...p.map(([h, t]) => Math.abs(h - t)));
    expect(gaps(pairs(0))).toBeGreaterThan(5);
    expect(gaps(pairs(2))).toBe(2);
    for (const [h, t] of pairs(2)) expect(h).not.toBe(t);
  });
});
