import { GraphrecError, isGraphrecError } from '../../../artifacts/src/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { readLines } from './lines.ts';

/** A parsed record before its fields are checked. */
export type Dict = { [key: string]: unknown };

export const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How a value's type reads in an error message: 'null', 'a list', 'a number'. */
export const describeType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`);

/** @throws GraphrecError `data/wrong-type` naming the field, what it should be and what it was. */
export function wrongType(field: string, expected: string, got: unknown): never {
  const shown = typeof got === 'number' || typeof got === 'string' ? ` (${JSON.stringify(got).slice(0, 40)})` : '';
  throw new GraphrecError('data/wrong-type', `${field}: expected ${expected}, got ${describeType(got)}${shown}`, { field });
}

/** @throws GraphrecError `data/missing-field` naming the field. */
export function missingField(field: string, expected: string, got: unknown): never {
  throw new GraphrecError('data/missing-field', `${field}: ${expected} is required, got ${describeType(got)}`, { field });
}

/**
 * Streams a line-oriented file through `parse`: a line whose parse throws a
 * `data/*` GraphrecError is reported to `diagnostics` under that kind, with its
 * line number, and skipped; any other error propagates.
 */
export async function* parseEachLine<T>(path: string, diagnostics: Diagnostics, parse: (text: string) => T): AsyncGenerator<T> {
  for await (const { text, line } of readLines(path, diagnostics)) {
    let record: T;
    try {
      record = parse(text);
    } catch (err) {
      if (!isGraphrecError(err) || !err.code.startsWith('data/')) throw err;
      diagnostics.report(err.code.slice('data/'.length), path, line, err.message);
      continue;
    }
    yield record;
  }
}
