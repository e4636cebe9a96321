import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenizer.ts';

describe('tokenize', () => {
  it('lower-cases, splits on punctuation, drops stop words and lone letters, keeps numbers', () => {
    expect(tokenize("Men's Running Shoes, 2-Pack")).toEqual(['men', 'running', 'shoes', '2', 'pack']);
    expect(tokenize('The Art of the Guitar')).toEqual(['art', 'guitar']);
    expect(tokenize('')).toEqual([]);
  });

  it('normalises Unicode compatibility forms and keeps non-Latin letters', () => {
    expect(tokenize('Ｆｕｌｌｗｉｄｔｈ Café ギター')).toEqual(['fullwidth', 'café', 'ギター']);
  });
});
