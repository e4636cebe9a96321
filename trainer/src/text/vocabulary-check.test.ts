import { describe, expect, it } from 'vitest';
import { defaultTextFields, titleOnlyTextFields, type ProductTextFields } from '../../../artifacts/src/text/product-text.ts';
import { fitProductVocabulary } from './fit-vocabulary.ts';
import { checkProductText, checkVocabulary } from './vocabulary-check.ts';

const COLOURS = ['red', 'blue', 'green', 'black', 'white', 'silver', 'orange'];
const ITEMS = ['guitar', 'drum', 'violin', 'piano', 'trumpet', 'flute', 'cello', 'banjo', 'harp', 'ukulele', 'organ'];
const MATERIALS = ['maple', 'spruce', 'brass', 'steel', 'carbon'];

/** A real-looking description per product: every word shared by a few, none by most. */
const description = (i: number): string => `A ${COLOURS[i % 7]} ${ITEMS[i % 11]} made of ${MATERIALS[i % 5]}, model ${Math.floor(i / 3)}.`;

/** Titles all the same HTML fragment (a scrape that kept the markup), descriptions real. */
const broken: ProductTextFields[] = Array.from({ length: 60 }, (_, i) => ({ title: '<span class="a">', description: description(i) }));

describe('checkVocabulary', () => {
  it('names the title when every title is the same HTML fragment, even though descriptions rescue the vocabulary', () => {
    const vocabulary = fitProductVocabulary(broken, defaultTextFields());
    expect(vocabulary.size).toBeGreaterThanOrEqual(20);
    const warnings = checkVocabulary(broken, vocabulary);
    expect(warnings).toEqual([
      { kind: 'constant-field', field: 'title', message: 'title: 60 of 60 products have the same terms {span, class}, so it does not tell them apart (weight 3)' },
    ]);
  });

  it('calls a title-only vocabulary of those products degenerate and names the title', () => {
    const vocabulary = fitProductVocabulary(broken, titleOnlyTextFields());
    const [warning, ...rest] = checkVocabulary(broken, vocabulary);
    expect(rest).toEqual([]);
    expect(warning.kind).toBe('few-terms');
    expect(warning.field).toBe('title');
    expect(warning.message).toBe(
      'degenerate vocabulary: 0 terms for 60 products (fewer than 20, or than one per 50 products); title: 60 of 60 products have the same terms {span, class}',
    );
  });

  it('finds most products sharing one term set and names the field behind it', () => {
    const products: ProductTextFields[] = Array.from({ length: 100 }, (_, i) => ({ title: i < 70 ? 'Gift Card' : `${COLOURS[i % 7]} ${ITEMS[i % 11]}` }));
    const vocabulary = fitProductVocabulary(products, defaultTextFields());
    const warnings = checkVocabulary(products, vocabulary, { minTerms: 1, productsPerTerm: 1000 });
    expect(warnings[0]).toMatchObject({ kind: 'shared-terms', field: 'title' });
    expect(warnings[0].message).toBe('degenerate vocabulary: 70 of 100 products have no vocabulary terms; title: 70 of 100 products have the same terms {gift, card}');
  });

  it('counts fewer than one term per 50 products as degenerate', () => {
    const products: ProductTextFields[] = Array.from({ length: 2000 }, (_, i) => ({ title: `${COLOURS[i % 7]} ${ITEMS[i % 11]} ${MATERIALS[i % 5]}` }));
    const vocabulary = fitProductVocabulary(products, defaultTextFields());
    expect(vocabulary.size).toBe(23);
    expect(checkVocabulary(products, vocabulary)[0]).toMatchObject({ kind: 'few-terms', message: expect.stringContaining('23 terms for 2,000 products') });
  });

  it('stays quiet on a healthy catalogue, where shared categories and brands are normal', () => {
    const products: ProductTextFields[] = Array.from({ length: 60 }, (_, i) => ({
      title: `${COLOURS[i % 7]} ${ITEMS[i % 11]} ${MATERIALS[i % 5]} ${Math.floor(i / 2)}`,
      brand: 'Yamaha',
      categories: [['Musical Instruments', 'Instruments']],
      description: description(i),
    }));
    expect(checkProductText(products)).toMatchObject({ fields: 'title:3,brand,categories,description,feature', products: 60, warnings: [] });
    expect(checkVocabulary([], fitProductVocabulary([], defaultTextFields()))).toEqual([]);
  });
});
