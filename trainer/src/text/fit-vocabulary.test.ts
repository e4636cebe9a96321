import { describe, expect, it } from 'vitest';
import { defaultTextFields, productText, type ProductTextFields } from '../../../artifacts/src/text/product-text.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { fitProductVocabulary, fitVocabulary } from './fit-vocabulary.ts';
import { productFeatures } from './product-features.ts';

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

describe('fitProductVocabulary and productFeatures', () => {
  const products: ProductTextFields[] = [
    { title: 'Red guitar strings', brand: 'Ernie Ball', description: 'Nickel strings for electric guitar.' },
    { title: 'Blue guitar strap', brand: 'Ernie Ball', feature: ['Leather', 'Adjustable length'] },
    { title: 'Red drum sticks', categories: [['Drums', 'Sticks']], description: 'Hickory sticks.' },
    { title: 'Drum kit', categories: [['Drums', 'Kits']], feature: ['Adjustable throne'] },
  ];

  it('fits on the product text and records the settings, which survive JSON', () => {
    const settings = defaultTextFields();
    const v = fitProductVocabulary(products, settings, { minDf: 2, maxDfFraction: 1 });
    expect(v.text).toEqual(settings);
    // Words in two products' text, whichever fields they come from (a word twice in one product counts once).
    expect([...v.terms].sort()).toEqual(['adjustable', 'ball', 'drum', 'drums', 'ernie', 'guitar', 'red']);
    expect(v.documents).toBe(4);
    const back = Vocabulary.parse(JSON.parse(JSON.stringify(v)));
    expect(back.text).toEqual(settings);
    expect(back.toJSON()).toEqual(v.toJSON());
  });

  it('builds rows equal to transformProduct, and a title-only vocabulary gives the title rows it always did', () => {
    const v = fitProductVocabulary(products, defaultTextFields(), { minDf: 1, maxDfFraction: 1 });
    const rows = productFeatures(products, v);
    expect(rows.dim).toBe(v.size);
    products.forEach((p, i) => {
      const expected = v.transformProduct(p);
      expect(Array.from(rows.indices.subarray(rows.offsets[i], rows.offsets[i + 1]))).toEqual(Array.from(expected.indices));
      expect(Array.from(rows.weights.subarray(rows.offsets[i], rows.offsets[i + 1]))).toEqual(Array.from(expected.weights));
      expect(Array.from(expected.weights)).toEqual(Array.from(v.transform(productText(p, defaultTextFields())).weights));
    });
    const old = fitVocabulary(products.map((p) => p.title!), { minDf: 1, maxDfFraction: 1 });
    expect(old.toJSON()).not.toHaveProperty('text');
    const oldRows = productFeatures(products, Vocabulary.parse(old.toJSON()));
    expect(Array.from(oldRows.weights)).toEqual(products.flatMap((p) => Array.from(old.transform(p.title!).weights)));
  });
});
