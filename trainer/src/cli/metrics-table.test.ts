import { describe, expect, it } from 'vitest';
import { metricsTables } from './metrics-table.ts';

describe('metricsTables', () => {
  it('prints each method’s metrics, a scored row’s caveat, and why a row could not be scored', () => {
    const text = metricsTables([
      {
        protocol: 'p',
        label: 'a protocol',
        methods: [
          {
            method: 'pinsage+popularity/mean-history',
            metrics: { 'hr@10': 0.1875, mrr: 0.07 },
            queries: 10,
            note: 'β = 0.8 chosen on validation',
            paired: { against: 'popularity', k: 10, wins: 12, losses: 4, p: 0.0768 },
          },
          { method: 'popularity', metrics: { 'hr@10': 0.154, mrr: 0.065 }, queries: 10 },
          { method: 'itemknn', metrics: null, queries: 10, note: 'needs known neighbours' },
        ],
      },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('a protocol');
    expect(lines[1]).toMatch(/vs popularity @10/);
    expect(lines.find((l) => l.startsWith('pinsage+popularity'))).toMatch(/0\.188\s+0\.070\s+\+12 −4, p = \.077\s+β = 0\.8 chosen on validation$/);
    expect(lines.find((l) => l.startsWith('popularity'))).toMatch(/0\.154\s+0\.065$/);
    expect(lines.find((l) => l.startsWith('itemknn'))).toMatch(/—\s+—\s+cannot score: needs known neighbours$/);
  });
});
