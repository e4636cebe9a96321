import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { parseCsvLine, readCsvRows } from './csv.ts';
import { Diagnostics } from './diagnostics.ts';

describe('parseCsvLine', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['', ['']],
    [',', ['', '']],
    ['a,,c,', ['a', '', 'c', '']],
    ['1,"Heat, The (1995)",Action', ['1', 'Heat, The (1995)', 'Action']],
    ['7789,"11\'09""01 - September 11 (2002)",Drama', ['7789', '11\'09"01 - September 11 (2002)', 'Drama']],
    ['"",x', ['', 'x']],
    ['""""', ['"']],
    ['"a""",b', ['a"', 'b']],
    ['x,"a,b"', ['x', 'a,b']],
    ['"a","b",', ['a', 'b', '']],
    ['ab"c,d', ['ab"c', 'd']],
    [' a , b ', [' a ', ' b ']],
  ])('splits %j', (line, fields) => {
    expect(parseCsvLine(line)).toEqual({ ok: true, fields });
  });

  it.each(['"abc', 'a,"b,c', '"a""', 'x,"'])('rejects the unclosed quote in %j', (line) => {
    const result = parseCsvLine(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/not closed/);
  });

  it('rejects text after a closing quote', () => {
    expect(parseCsvLine('"a"b,c')).toEqual({ ok: false, error: expect.stringMatching(/after closing quote/) });
  });
});

describe('readCsvRows', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graphrec-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks the header (BOM ignored) and reports bad lines as malformed-line', async () => {
    const path = join(dir, 'rows.csv');
    await writeFile(path, '\uFEFFa,b\r\n1,2\r\n1,2,3\r\n"open,2\r\n3,"x,y"\r\n');
    const diagnostics = new Diagnostics();
    const rows = [];
    for await (const row of readCsvRows(path, diagnostics, ['a', 'b'])) rows.push(row);
    expect(rows).toEqual([
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', 'x,y'], line: 5 },
    ]);
    expect(diagnostics.summary().counts).toEqual({ 'malformed-line': 2 });
    expect(diagnostics.summary().examples.map((e) => e.line)).toEqual([3, 4]);
  });

  it('throws data/bad-header on a different header or an empty file', async () => {
    const wrong = join(dir, 'wrong.csv');
    const empty = join(dir, 'empty.csv');
    await writeFile(wrong, 'a,c\n1,2\n');
    await writeFile(empty, '');
    for (const path of [wrong, empty]) {
      const err = await drain(readCsvRows(path, new Diagnostics(), ['a', 'b'])).catch((e: unknown) => e);
      expect(isGraphrecError(err, 'data/bad-header')).toBe(true);
    }
  });

  it('throws data/malformed-line on the first bad line when strict', async () => {
    const path = join(dir, 'strict.csv');
    await writeFile(path, 'a,b\n1\n');
    const err = await drain(readCsvRows(path, new Diagnostics({ strict: true }), ['a', 'b'])).catch((e: unknown) => e);
    expect(isGraphrecError(err, 'data/malformed-line')).toBe(true);
  });
});

async function drain(rows: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of rows);
}
