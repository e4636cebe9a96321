import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { defaultTextFields } from '../../../artifacts/src/text/product-text.ts';
import { parseTextFieldsFlag } from './text-fields-flag.ts';

describe('parseTextFieldsFlag', () => {
  it('reads field[:weight] lists, weight 1 by default, long fields keeping their caps', () => {
    expect(parseTextFieldsFlag('title:3,brand,categories,description,feature')).toEqual(defaultTextFields());
    expect(parseTextFieldsFlag(' title , description:2 ')).toEqual({ fields: [{ field: 'title', weight: 1 }, { field: 'description', weight: 2, maxTokens: 100 }] });
  });

  it.each([
    ['', 'no fields'],
    ['title,summary', "'summary' is not a field"],
    ['title:0', 'the weight must be 1–10'],
    ['title:11', 'the weight must be 1–10'],
    ['title:1.5', "'title:1.5' is not field[:weight]"],
    ['Title', "'Title' is not field[:weight]"],
    ['title,title:2', 'only once'],
  ])('refuses %j (%s)', (spec, message) => {
    let caught: unknown;
    try {
      parseTextFieldsFlag(spec);
    } catch (err) {
      caught = err;
    }
    expect(isGraphrecError(caught, 'cli/bad-arguments')).toBe(true);
    expect((caught as Error).message).toContain(message);
    expect((caught as Error).message).toContain('title, brand, categories, description, feature');
  });
});
