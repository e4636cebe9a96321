import { describe, expect, it } from 'vitest';
import { SIGNAL_ORDER } from '../../../../artifacts/src/ranker/rank.ts';
import { figures, fitWeights, type FitCase } from './fit.ts';

/** A case from rows of [adamic-adar, itemknn, embedding, popularity] and the relevant rows. */
function fitCase(rows: number[][], relevant: number[]): FitCase {
  return {
    signals: Float32Array.from(rows.flat()),
    relevant: Uint8Array.from(rows, (_, i) => (relevant.includes(i) ? 1 : 0)),
    relevantTotal: relevant.length,
    // The relevant rows lose every tie, so a signal that is blind to them cannot hit by luck.
    tie: Float64Array.from(rows, (_, i) => (relevant.includes(i) ? 1 : i / (rows.length + 1))),
  };
}

/** Twelve candidates: relevant item 0 is found by `signal`; eleven popular decoys outrank it on popularity. */
function world(signal: number): FitCase {
  const rows = Array.from({ length: 12 }, (_, i) => (i === 0 ? [0, 0, 0, 0.1] : [0, 0, 0, 0.5 + i / 100]));
  rows[0]![signal] = 1;
  return fitCase(rows, [0]);
}

describe('fitting the served ranker on validation', () => {
  it('computes HR@10 and NDCG@10 over candidates, a relevant item outside them a miss', () => {
    const c = fitCase([[1, 0, 0, 0], [0.5, 0, 0, 0], [0, 0, 0, 0]], [1]);
    expect(figures([c], [1, 0, 0, 0])).toEqual({ hr10: 1, ndcg10: 1 / Math.log2(3) });
    const missed = { ...c, relevantTotal: 2 };
    expect(figures([missed], [1, 0, 0, 0]).ndcg10).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 9);
  });

  it('blends signals when each finds queries the others miss, and says so', () => {
    const cases = [world(0), world(0), world(2)];
    const set = fitWeights(cases, SIGNAL_ORDER);
    expect(set.chosen).toBe('blend');
    expect(set.validation?.hr10).toBe(1);
    expect(set.validation?.bestSingle).toMatchObject({ signal: 'adamic-adar', hr10: 2 / 3 });
    expect(set.weights['adamic-adar']).toBeGreaterThan(0);
    expect(set.weights.embedding).toBeGreaterThan(0);
  });

  it('falls back to the best single signal when no blend beats it', () => {
    const cases = [world(1), world(1)];
    const set = fitWeights(cases, SIGNAL_ORDER);
    expect(set.chosen).toBe('itemknn');
    expect(set.weights).toEqual({ 'adamic-adar': 0, itemknn: 1, embedding: 0, popularity: 0 });
  });

  it('never gives weight to a signal it may not use (the ablation without the embedding)', () => {
    const set = fitWeights([world(2), world(0)], ['adamic-adar', 'itemknn', 'popularity']);
    expect(set.weights.embedding).toBe(0);
    expect(set.validation?.hr10).toBe(0.5);
  });
});
