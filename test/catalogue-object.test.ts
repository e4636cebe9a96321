import { describe, expect, it } from 'vitest';
import { CatalogueObject } from '../edge/src/store/catalogue-object.ts';
import { errorCode } from './helpers/fixtures.ts';

const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const good = { id: 'A1', title: 'Lamp', popularity: 3, shard: 2, row: 7, key: 40, nearBlocks: [131072] };

describe('catalogue object (edge)', () => {
  it('finds an entry, checks it on first use, and refuses a malformed one as corrupt without refusing the others', () => {
    const object = CatalogueObject.parse(bytes({ shard: 0, items: { A1: good, B2: { ...good, id: 'B2', row: -1 } } }), 'catalogue catalogue/00000.json');
    expect(object.get('A1')).toEqual(good);
    expect(object.get('A1')).toBe(object.get('A1'));
    expect(errorCode(() => object.get('B2'))).toBe('artifact/corrupt');
    expect(() => object.get('B2')).toThrow(/catalogue\/00000.json entry "B2" is invalid at row/);
    expect(object.get('C3')).toBeUndefined();
    // Only own keys are entries.
    expect(object.get('constructor')).toBeUndefined();
    expect(object.get('__proto__')).toBeUndefined();
  });

  it('refuses bytes that are not a catalogue object', () => {
    expect(errorCode(() => CatalogueObject.parse(bytes('{"shard":0,'), 'c'))).toBe('artifact/corrupt');
    expect(errorCode(() => CatalogueObject.parse(bytes({ shard: 0, items: [] }), 'c'))).toBe('artifact/corrupt');
    expect(errorCode(() => CatalogueObject.parse(bytes({ items: {} }), 'c'))).toBe('artifact/corrupt');
  });
});
