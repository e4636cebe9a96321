import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { parsePythonLiteral } from './python-literal.ts';

function parseError(text: string): unknown {
  try {
    parsePythonLiteral(text);
  } catch (err) {
    return err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

describe('parsePythonLiteral', () => {
  it('parses a McAuley 2014 metadata line', () => {
    const line =
      "{'asin': '0000031852', 'title': 'Girls Ballet Tutu Zebra Hot Pink', 'price': 3.17, " +
      "'related': {'also_bought': ['B00JHONN1S', 'B002BZX8Z6'], 'bought_together': ['B002BZX8Z6']}, " +
      "'salesRank': {'Toys & Games': 211836}, 'categories': [['Sports & Outdoors', 'Other Sports', 'Dance']]}";
    expect(parsePythonLiteral(line)).toEqual({
      asin: '0000031852',
      title: 'Girls Ballet Tutu Zebra Hot Pink',
      price: 3.17,
      related: { also_bought: ['B00JHONN1S', 'B002BZX8Z6'], bought_together: ['B002BZX8Z6'] },
      salesRank: { 'Toys & Games': 211836 },
      categories: [['Sports & Outdoors', 'Other Sports', 'Dance']],
    });
  });

  it('handles both quote styles and escaped quotes', () => {
    expect(parsePythonLiteral("'Men\\'s'")).toBe("Men's");
    expect(parsePythonLiteral('"Men\'s"')).toBe("Men's");
    expect(parsePythonLiteral('"say \\"hi\\""')).toBe('say "hi"');
    expect(parsePythonLiteral("'a \"quoted\" word'")).toBe('a "quoted" word');
    expect(parsePythonLiteral("{'t': \"Men's\", 'u': 'Women\\'s'}")).toEqual({ t: "Men's", u: "Women's" });
    expect(parsePythonLiteral("u'unicode prefix'")).toBe('unicode prefix');
  });

  it('decodes escapes the way Python does', () => {
    expect(parsePythonLiteral("'a\\\\b'")).toBe('a\\b');
    expect(parsePythonLiteral("'\\n\\t\\r\\a\\b\\f\\v'")).toBe('\n\t\r\x07\b\f\v');
    expect(parsePythonLiteral("'caf\\xe9'")).toBe('café');
    expect(parsePythonLiteral("'\\u00e9\\u20ac'")).toBe('é€');
    expect(parsePythonLiteral("'\\U0001F600'")).toBe('😀');
    expect(parsePythonLiteral("'\\0\\101\\1234'")).toBe('\0AS4');
    expect(parsePythonLiteral("'\\d\\q\\N{DASH}'")).toBe('\\d\\q\\N{DASH}');
    expect(parsePythonLiteral('"\\/"')).toBe('/');
    expect(parsePythonLiteral("'\u00e9 raw'")).toBe('é raw');
  });

  it('parses nested and empty containers, tuples and trailing commas', () => {
    expect(parsePythonLiteral('{}')).toEqual({});
    expect(parsePythonLiteral('[]')).toEqual([]);
    expect(parsePythonLiteral('()')).toEqual([]);
    expect(parsePythonLiteral("''")).toBe('');
    expect(parsePythonLiteral('[1,2,]')).toEqual([1, 2]);
    expect(parsePythonLiteral("{'a': 1,}")).toEqual({ a: 1 });
    expect(parsePythonLiteral('(1,)')).toEqual([1]);
    expect(parsePythonLiteral('(1, 2)')).toEqual([1, 2]);
    expect(parsePythonLiteral('(1)')).toBe(1);
    expect(parsePythonLiteral("{'a': [{'b': ({'c': []},)}], 1: 'one'}")).toEqual({ a: [{ b: [{ c: [] }] }], 1: 'one' });
  });

  it('allows whitespace anywhere between tokens', () => {
    expect(parsePythonLiteral(" \t{ 'a' :\n[ 1 , 2 ] ,\r\n 'b' : None } \n")).toEqual({ a: [1, 2], b: null });
  });

  it('parses numbers and constants of Python and JSON', () => {
    expect(parsePythonLiteral('[0, -7, +3, 3.17, -0.5, .5, 5., 1e3, 1E-3, 2.5e+2, 123L]')).toEqual([
      0, -7, 3, 3.17, -0.5, 0.5, 5, 1000, 0.001, 250, 123,
    ]);
    expect(parsePythonLiteral('[True, False, None, true, false, null]')).toEqual([true, false, null, true, false, null]);
  });

  it('keeps a "__proto__" key as data', () => {
    const value = parsePythonLiteral("{'__proto__': {'x': 1}}") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it.each([
    ["'unterminated", 'unterminated string at offset 0'],
    ["{'a': 'b", 'unterminated string at offset 6'],
    ["{'a': 1", 'unexpected end of input at offset 7'],
    ["{'a' 1}", "expected ':' after dict key at offset 5"],
    ["{'a': 1} x", 'unexpected text after the value at offset 9'],
    ['[1 2]', "expected ',' or ']' at offset 3"],
    ['[1,,2]', 'unexpected character at offset 3'],
    ['', 'unexpected end of input at offset 0'],
    ['-', 'malformed number at offset 0'],
    ['1e', 'malformed exponent at offset 0'],
    ["'\\x4'", 'truncated \\x escape at offset 1'],
    ["{[1]: 2}", 'dict key must be a string or number at offset 1'],
    ['Nonesuch', 'unexpected text after the value at offset 4'],
    ['nan', 'unexpected character at offset 0'],
  ])('rejects %j', (text, message) => {
    const err = parseError(text);
    expect(isGraphrecError(err, 'data/malformed-line')).toBe(true);
    expect((err as Error).message).toContain(message);
  });

  it('rejects nesting deep enough to exhaust the stack', () => {
    const err = parseError('['.repeat(100_000) + ']'.repeat(100_000));
    expect(isGraphrecError(err, 'data/malformed-line')).toBe(true);
  });

  it('reads JSON.stringify output as JSON.parse does', () => {
    const values = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary' }));
    fc.assert(
      fc.property(values, fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        expect(parsePythonLiteral(text)).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});
