import { describe, expect, it } from 'vitest';
import {
  defaultTextFields,
  fieldText,
  formatTextFields,
  productText,
  TextFieldsSchema,
  titleOnlyTextFields,
  type ProductTextFields,
  type TextFields,
} from './product-text.ts';
import { Vocabulary } from './tfidf.ts';
import { tokenize } from './tokenizer.ts';

const product: ProductTextFields = {
  title: 'USB-C Charger, 65W',
  brand: 'Anker',
  categories: [['Electronics', 'Chargers'], ['Electronics', 'Accessories']],
  description: 'Charges laptops and phones. Compact and light.',
  feature: ['Foldable plug', 'GaN technology'],
};

const vocabularyJson = {
  format: 'graphrec-vocabulary' as const,
  version: 1 as const,
  documents: 10,
  terms: ['charger', 'usb', '65w', 'anker', 'laptops', 'electronics', 'foldable'],
  // Exact in float32, so the JSON round-trips unchanged.
  idf: [1.25, 1.5, 2, 2.25, 2.5, 1.125, 2.625],
};

describe('productText', () => {
  it('repeats each field weight times, in the settings order', () => {
    const settings: TextFields = { fields: [{ field: 'title', weight: 2 }, { field: 'brand', weight: 1 }] };
    expect(productText(product, settings)).toBe('usb charger 65w usb charger 65w anker');
  });

  it('caps a field at maxTokens and skips absent fields', () => {
    const settings = TextFieldsSchema.parse({ fields: [{ field: 'description', maxTokens: 3 }, { field: 'feature' }, { field: 'title' }] });
    expect(productText({ description: product.description }, settings)).toBe('charges laptops phones');
    expect(productText({}, settings)).toBe('');
  });

  it('takes each category name once across paths', () => {
    expect(fieldText(product, 'categories')).toBe('Electronics Chargers Accessories');
    expect(fieldText(product, 'feature')).toBe('Foldable plug GaN technology');
  });

  it('is text the tokenizer reads back into the same weighted tokens', () => {
    const text = productText(product);
    const title = tokenize(product.title!);
    expect(tokenize(text).slice(0, 3 * title.length)).toEqual([...title, ...title, ...title]);
    expect(tokenize(text)).toEqual(text.split(' '));
  });

  it('defaults to every field, the title weighted highest and long fields capped', () => {
    const d = defaultTextFields();
    expect(d.fields.map((f) => f.field)).toEqual(['title', 'brand', 'categories', 'description', 'feature']);
    expect(Math.max(...d.fields.map((f) => f.weight))).toBe(d.fields[0].weight);
    expect(d.fields.find((f) => f.field === 'description')?.maxTokens).toBe(100);
    expect(formatTextFields(d)).toBe('title:3,brand,categories,description,feature');
    expect(defaultTextFields()).not.toBe(d);
  });

  it('refuses unknown fields, repeated fields, fractional weights and no fields', () => {
    expect(TextFieldsSchema.safeParse({ fields: [{ field: 'summary' }] }).success).toBe(false);
    expect(TextFieldsSchema.safeParse({ fields: [{ field: 'title' }, { field: 'title', weight: 2 }] }).success).toBe(false);
    expect(TextFieldsSchema.safeParse({ fields: [{ field: 'title', weight: 1.5 }] }).success).toBe(false);
    expect(TextFieldsSchema.safeParse({ fields: [] }).success).toBe(false);
  });
});

describe('Vocabulary text settings', () => {
  it('transforms like before when the vocabulary has no text settings', () => {
    const v = Vocabulary.parse(vocabularyJson);
    expect(v.text).toBeUndefined();
    expect(v.textFields).toEqual(titleOnlyTextFields());
    expect(v.toJSON()).toEqual(vocabularyJson);
    const before = v.transform(product.title!);
    const after = v.transformProduct(product);
    expect(Array.from(after.indices)).toEqual(Array.from(before.indices));
    expect(Array.from(after.weights)).toEqual(Array.from(before.weights));
  });

  it('round-trips the settings through JSON and applies them in transformProduct', () => {
    const text = TextFieldsSchema.parse({ fields: [{ field: 'title', weight: 3 }, { field: 'brand' }, { field: 'description', maxTokens: 100 }] });
    const v = new Vocabulary({ ...vocabularyJson, text });
    const back = Vocabulary.parse(JSON.parse(JSON.stringify(v.toJSON())));
    expect(back.text).toEqual(text);
    const x = back.transformProduct(product);
    expect(Array.from(x.indices, (i) => back.terms[i])).toEqual(['charger', 'usb', '65w', 'anker', 'laptops']);
    const w = (term: string): number => x.weights[Array.from(x.indices).indexOf(back.termIndex(term)!)];
    // The title's terms count three times, the brand's and the description's once.
    expect(w('charger') / w('anker')).toBeCloseTo((3 * 1.25) / 2.25, 5);
    expect(w('laptops') / w('anker')).toBeCloseTo(2.5 / 2.25, 5);
    expect(Array.from(x.weights)).toEqual(Array.from(back.transform(productText(product, text)).weights));
  });

  it('refuses invalid settings in the vocabulary JSON', () => {
    expect(() => Vocabulary.parse({ ...vocabularyJson, text: { fields: [{ field: 'summary' }] } })).toThrow(/invalid vocabulary at text\.fields\.0\.field/);
  });
});
