import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { fitVocabulary } from './fit-vocabulary.ts';

describe('fitVocabulary and transform', () => {
  const titles = ['red guitar strings', 'blue guitar strap', 'red drum sticks', 'drum kit', 'guitar tuner', 'unique thing'];

  it('keeps terms by document frequency, ordered deterministically', () => {
    const v = fitVocabulary(titles, { minDf: 2, maxDfFraction: 1 });
    expect(v.terms).toEqual(['guitar', 'drum', 'red']);
    expect(v.terms[0]).toBe('guitar');
    expect(v.terms).not.toContain('unique');
    expect(v.documents).toBe(6);
    expect(v.idf[v.termIndex('guitar')!]).toBeCloseTo(Math.log(7 / 4) + 1);
  });

  it('drops terms above the max document fraction and caps the size', () => {
    const v = fitVocabulary(titles, { minDf: 1, maxDfFraction: 0.4, maxSize: 3 });
    expect(v.terms).not.toContain('guitar');
    expect(v.size).toBe(3);
  });

  it('produces L2-normalised sparse vectors with sorted indices and ignores unknown words', () => {
    const v = fitVocabulary(titles, { minDf: 1, maxDfFraction: 1 });
    const x = v.transform('Red red GUITAR zebra');
    expect(x.indices.length).toBe(2);
    expect(x.indices[0]).toBeLessThan(x.indices[1]);
    const norm = Math.hypot(...x.weights);
    expect(norm).toBeCloseTo(1, 6);
    const red = v.termIndex('red')!;
    const guitar = v.termIndex('guitar')!;
    const w = (i: number): number => x.weights[Array.from(x.indices).indexOf(i)];
    expect(w(red) / w(guitar)).toBeCloseTo((2 * v.idf[red]) / v.idf[guitar], 5);
    expect(v.transform('zebra').indices.length).toBe(0);
  });

  it('round-trips through JSON and refuses a malformed vocabulary', () => {
    const v = fitVocabulary(titles, { minDf: 1, maxDfFraction: 1 });
    const back = Vocabulary.parse(JSON.parse(JSON.stringify(v)));
    expect(back.terms).toEqual(v.terms);
    expect(Array.from(back.transform('red guitar').weights)).toEqual(Array.from(v.transform('red guitar').weights));
    expect(() => Vocabulary.parse({ ...v.toJSON(), idf: [1] })).toThrow(/terms but 1 idf/);
    expect(() => Vocabulary.parse({ ...v.toJSON(), version: 2 })).toThrow(/invalid vocabulary at version/);
  });
});
