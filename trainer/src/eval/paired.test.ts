import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatP, mcnemarExact, pairedAgainstBaselines, pairedHits, pairedShort } from './paired.ts';

/** The exact binomial tail by direct summation with BigInt binomials: the reference the log-space sum must match. */
function reference(wins: number, losses: number): number {
  const n = wins + losses;
  if (n === 0) return 1;
  let c = 1n;
  let tail = 0n;
  for (let i = 0; i <= Math.min(wins, losses); i++) {
    if (i > 0) c = (c * BigInt(n - i + 1)) / BigInt(i);
    tail += c;
  }
  return Math.min(1, (2 * Number(tail)) / 2 ** n);
}

describe('mcnemarExact', () => {
  it('matches the textbook values', () => {
    // 10 against 2: 2 · (1 + 12 + 66) / 4096.
    expect(mcnemarExact(10, 2)).toBeCloseTo(158 / 4096, 12);
    expect(mcnemarExact(2, 10)).toBeCloseTo(158 / 4096, 12);
    expect(mcnemarExact(5, 0)).toBeCloseTo(2 / 32, 12);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(7, 7)).toBe(1);
  });

  it('equals the exact sum, is symmetric, and shrinks as the split grows more uneven', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (w, l) => {
        const p = mcnemarExact(w, l);
        expect(p).toBeCloseTo(reference(w, l), 9);
        expect(mcnemarExact(l, w)).toBe(p);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1);
        if (w >= l) expect(mcnemarExact(w + 1, l)).toBeLessThanOrEqual(p);
      }),
    );
  });

  it('does not underflow on large counts', () => {
    expect(mcnemarExact(30_000, 29_000)).toBeGreaterThan(0);
    expect(mcnemarExact(30_000, 29_000)).toBeLessThan(1e-4);
    expect(mcnemarExact(20_000, 20_010)).toBeGreaterThan(0.9);
  });

  it('refuses counts that are not non-negative integers', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(/wins/);
    expect(() => mcnemarExact(1, 2.5)).toThrow(/losses/);
  });
});

describe('pairedHits', () => {
  it('counts the queries exactly one of the two methods hits within k', () => {
    const mine = [1, 3, 11, 40, 2, 10];
    const other = [12, 2, 5, 50, 30, 10];
    // Query 0 and 4: only mine; query 2: only the other; 1 and 5 both; 3 neither.
    const c = pairedHits(mine, other, 10, 'popularity');
    expect(c).toMatchObject({ against: 'popularity', k: 10, wins: 2, losses: 1 });
    expect(c.p).toBe(1);
    expect(pairedShort({ ...c, p: 0.0386 })).toBe('+2 −1, p = .039');
    expect(pairedShort({ ...c, p: 0.0002 })).toMatch(/p < \.001$/);
    expect([formatP(0.0386), formatP(0.0386, 2), formatP(1, 2), formatP(0.0009)]).toEqual(['.039', '.04', '1.00', '< .001']);
  });

  it('refuses rank lists over different queries', () => {
    expect(() => pairedHits([1, 2], [1], 10, 'x')).toThrow(/not the same queries/);
  });
});

describe('served rows against the best baseline and the ablation', () => {
  it('pairs served with the best baseline by HR@10 and with served-without-embedding, and no other row', () => {
    const row = (method: string, hr: number) => ({ method, metrics: { 'hr@10': hr }, queries: 4 });
    const methods = [row('popularity', 0.25), row('adamic-adar', 0.5), row('graphsage', 0.25), row('served', 0.75), row('served-without-embedding', 0.5)];
    const ranks = new Map<string, Float64Array>([
      ['popularity', Float64Array.of(1, 50, 50, 50)],
      ['adamic-adar', Float64Array.of(1, 2, 50, 50)],
      ['graphsage', Float64Array.of(50, 50, 3, 50)],
      ['served', Float64Array.of(1, 2, 3, 50)],
      ['served-without-embedding', Float64Array.of(1, 50, 3, 50)],
    ]);
    const out = new Map(pairedAgainstBaselines(methods, ranks).map((m) => [m.method, m]));
    expect(out.get('served')?.pairedBest).toMatchObject({ against: 'adamic-adar', wins: 1, losses: 0 });
    expect(out.get('served')?.pairedAblation).toMatchObject({ against: 'served-without-embedding', wins: 1, losses: 0 });
    expect(out.get('served-without-embedding')?.pairedBest).toMatchObject({ against: 'adamic-adar', wins: 1, losses: 1 });
    expect(out.get('served-without-embedding')?.pairedAblation).toBeUndefined();
    expect(out.get('graphsage')?.pairedBest).toBeUndefined();
    expect(out.get('graphsage')?.paired).toMatchObject({ against: 'popularity', wins: 1, losses: 1 });
  });
});
