import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Diagnostics, NumberedLine } from './diagnostics.ts';
import { readLines } from './lines.ts';

const QUOTE = 0x22;
const COMMA = 0x2c;

/** The fields of one CSV line, or why the line is not valid CSV. */
export type CsvLineResult = { ok: true; fields: string[] } | { ok: false; error: string };

/**
 * Splits one RFC 4180 CSV line into fields. Quoted fields may hold commas and
 * doubled quotes (`"11'09""01"` → `11'09"01`). Records spanning several lines
 * are not supported: a quote still open at the end of the line is an error.
 * A quote inside an unquoted field is kept as a literal character.
 *
 * @param text one line without its line terminator.
 * @example parseCsvLine('1,"Heat, The (1995)",Action') // { ok: true, fields: ['1', 'Heat, The (1995)', 'Action'] }
 */
export function parseCsvLine(text: string): CsvLineResult {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let start = i + 1;
      for (;;) {
        const q = text.indexOf('"', start);
        if (q === -1) return { ok: false, error: `quoted field opened at column ${i + 1} is not closed` };
        value += text.slice(start, q);
        if (text.charCodeAt(q + 1) !== QUOTE) {
          i = q + 1;
          break;
        }
        value += '"';
        start = q + 2;
      }
      fields.push(value);
      if (i < text.length && text.charCodeAt(i) !== COMMA) {
        return { ok: false, error: `unexpected character after closing quote at column ${i + 1}` };
      }
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      fields.push(text.slice(i, end));
      i = end;
    }
    if (i >= text.length) return { ok: true, fields };
    i++; // past the comma; a trailing comma yields a final empty field
    if (i === text.length) {
      fields.push('');
      return { ok: true, fields };
    }
  }
}

/** One data row of a CSV file, with its 1-based line number. */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Streams the data rows of a CSV file with a header. The header must equal
 * `expectedHeader` (a UTF-8 BOM is ignored). Lines that are not valid CSV or
 * have the wrong number of fields are reported as `malformed-line` and skipped.
 *
 * @param path plain or gzip CSV file.
 * @param diagnostics where bad lines are reported.
 * @param expectedHeader column names in order, e.g. `['movieId', 'title', 'genres']`.
 * @throws GraphrecError `data/bad-header` when the file is empty or its header differs.
 */
export async function* readCsvRows(
  path: string,
  diagnostics: Diagnostics,
  expectedHeader: readonly string[],
): AsyncGenerator<CsvRow> {
  let headerSeen = false;
  for await (const { text, line } of readLines(path, diagnostics)) {
    if (!headerSeen) {
      checkHeader(path, { text, line }, expectedHeader);
      headerSeen = true;
      continue;
    }
    const parsed = parseCsvLine(text);
    if (!parsed.ok) {
      diagnostics.report('malformed-line', path, line, parsed.error);
    } else if (parsed.fields.length !== expectedHeader.length) {
      diagnostics.report(
        'malformed-line',
        path,
        line,
        `expected ${expectedHeader.length} fields, found ${parsed.fields.length}`,
      );
    } else {
      yield { fields: parsed.fields, line };
    }
  }
  if (!headerSeen) throw new GraphrecError('data/bad-header', `${path}: file is empty, expected a header`, { path });
}

function checkHeader(path: string, { text, line }: NumberedLine, expected: readonly string[]): void {
  const parsed = parseCsvLine(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const names = parsed.ok ? parsed.fields.map((f) => f.trim()) : [];
  if (names.length !== expected.length || names.some((n, k) => n !== expected[k])) {
    throw new GraphrecError(
      'data/bad-header',
      `${path}:${line}: header is "${text}", expected "${expected.join(',')}"`,
      { path, line },
    );
  }
}
