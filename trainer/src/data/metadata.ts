import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { describeType, isDict, parseEachLine, wrongType, type Dict } from './fields.ts';
import { cleanText } from './clean-text.ts';
import { parsePythonLiteral } from './python-literal.ts';
import type { ProductRecord } from './records.ts';

/** Which McAuley release a metadata line follows: 2014 Python dict literals, 2018 JSON. */
export type MetadataFormat = '2014' | '2018';

/** Options of {@link readMetadata}. */
export interface ReadMetadataOptions {
  /** `'auto'` (default) decides per line, by syntax and then by field names. */
  format?: 'auto' | MetadataFormat;
}

function requireAsin(rec: Dict): string {
  const asin = rec.asin;
  if (typeof asin !== 'string' || asin === '') {
    throw new GraphrecError('data/missing-field', `asin: a non-empty string is required, got ${describeType(asin)}`, {
      field: 'asin',
    });
  }
  return asin;
}

/** A string field; absent, `None` and `''` are `undefined`. */
function optString(rec: Dict, field: string): string | undefined {
  const v = rec[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') wrongType(field, 'a string', v);
  return v === '' ? undefined : v;
}

/** A text field cleaned of markup; absent, `None`, `''` and markup-only text are `undefined`. */
function optText(rec: Dict, field: string): string | undefined {
  return cleanText(optString(rec, field));
}

/**
 * A description: 2014 a string, 2018 a list of paragraphs (joined with a space).
 * Either shape is accepted in either release, since converted files exist.
 */
function description(rec: Dict): string | undefined {
  const v = rec.description;
  if (typeof v === 'string') return cleanText(v);
  const parts = stringList(rec, 'description', 'description', 'a string or a list of strings');
  const joined = parts.map((p) => cleanText(p)).filter((p) => p !== undefined).join(' ');
  return joined === '' ? undefined : joined;
}

/** 2018 `feature` bullets, each cleaned; empty ones are dropped. */
function features(rec: Dict): string[] {
  const v = rec.feature;
  const bullets = typeof v === 'string' ? [v] : stringList(rec, 'feature', 'feature', 'a string or a list of strings');
  return bullets.map((b) => cleanText(b)).filter((b) => b !== undefined);
}

function stringList(rec: Dict | undefined, field: string, label = field, expected = 'a list of strings'): string[] {
  const v = rec?.[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) wrongType(label, expected, v);
  return v as string[];
}

function categoryPaths(v: unknown): string[][] {
  if (v === undefined || v === null) return [];
  const ok = Array.isArray(v) && v.every((path) => Array.isArray(path) && path.every((x) => typeof x === 'string'));
  if (!ok) wrongType('categories', 'a list of lists of strings', v);
  return v as string[][];
}

function salesRankDict(v: unknown): Record<string, number> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isDict(v)) return wrongType('salesRank', 'a dict', v);
  const ranks = Object.values(v);
  if (!ranks.every((r) => typeof r === 'number' && Number.isFinite(r))) wrongType('salesRank', 'numbers as values', v);
  return ranks.length > 0 ? (v as Record<string, number>) : undefined;
}

const RANK = /^\D*?(\d[\d,]*)\s+in\s+(.+?)\s*(?:\(|$)/;

/** 2018 `rank`: "1,786 in Gift Cards (" or a list like [">#2,893,775 in Toys & Games (See Top 100…)"]. */
function parseRank(v: unknown): Record<string, number> | undefined {
  if (v === undefined || v === null) return undefined;
  const entries = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(entries) || !entries.every((x) => typeof x === 'string')) {
    return wrongType('rank', 'a string or a list of strings', v);
  }
  const out: Record<string, number> = {};
  let found = false;
  for (const entry of entries as string[]) {
    const m = RANK.exec(entry);
    if (m === null) continue;
    const rank = Number(m[1].replace(/,/g, ''));
    if (Number.isFinite(rank) && !(m[2] in out)) {
      out[m[2]] = rank;
      found = true;
    }
  }
  return found ? out : undefined;
}

const AMOUNT = String.raw`(\d[\d,]*(?:\.\d*)?|\.\d+)`;
const PRICE = new RegExp(String.raw`^\$?\s*${AMOUNT}(?:\s*-\s*\$?\s*${AMOUNT})?$`);

/**
 * Reads a price in dollars from a 2014 number or a 2018 string.
 * Ranges ("$5.99 - $12.99") give the lower bound; "", HTML and other text give `undefined`.
 *
 * @param value the raw `price` field.
 * @returns a finite, non-negative number, or `undefined` when there is no usable price.
 * @example
 * parsePrice('$1,250.00'); // 1250
 * parsePrice('$5.99 - $12.99'); // 5.99
 */
export function parsePrice(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = PRICE.exec(value.trim());
  if (m === null) return undefined;
  const price = Number(m[1].replace(/,/g, ''));
  return Number.isFinite(price) ? price : undefined;
}

function normalize2014(rec: Dict): ProductRecord {
  const asin = requireAsin(rec);
  const related = rec.related;
  if (related !== undefined && related !== null && !isDict(related)) wrongType('related', 'a dict', related);
  const rel = isDict(related) ? related : undefined;
  const price = rec.price;
  if (price !== undefined && price !== null && typeof price !== 'number') wrongType('price', 'a number', price);
  return {
    asin,
    title: optText(rec, 'title'),
    description: description(rec),
    feature: features(rec),
    price: parsePrice(price),
    imageUrl: optString(rec, 'imUrl'),
    alsoBought: stringList(rel, 'also_bought', 'related.also_bought'),
    alsoViewed: stringList(rel, 'also_viewed', 'related.also_viewed'),
    boughtTogether: stringList(rel, 'bought_together', 'related.bought_together'),
    brand: optText(rec, 'brand'),
    categories: categoryPaths(rec.categories),
    salesRank: salesRankDict(rec.salesRank),
  };
}

function normalize2018(rec: Dict): ProductRecord {
  const asin = requireAsin(rec);
  const price = rec.price;
  if (price !== undefined && price !== null && typeof price !== 'string' && typeof price !== 'number') {
    wrongType('price', 'a string', price);
  }
  const category = stringList(rec, 'category');
  return {
    asin,
    title: optText(rec, 'title'),
    description: description(rec),
    feature: features(rec),
    price: parsePrice(price),
    // Some 2018 category dumps name the image lists `imageURL` / `imageURLHighRes` instead of `image`.
    imageUrl: ['image', 'imageURL', 'imageURLHighRes'].flatMap((f) => stringList(rec, f)).find((url) => url !== ''),
    alsoBought: stringList(rec, 'also_buy'),
    alsoViewed: stringList(rec, 'also_view'),
    boughtTogether: [],
    brand: optText(rec, 'brand'),
    categories: category.length > 0 ? [category] : [],
    salesRank: parseRank(rec.rank),
  };
}

/**
 * Checks and converts one parsed metadata line into a {@link ProductRecord}.
 *
 * @param value the parsed line (a dict).
 * @param format which release's field names and types to expect.
 * @throws GraphrecError `data/missing-field` without a non-empty string `asin`;
 *   `data/wrong-type` when the line is not a dict or a field has the wrong type.
 */
export function normalizeMetadata(value: unknown, format: MetadataFormat): ProductRecord {
  if (!isDict(value)) return wrongType('line', 'a dict', value);
  return format === '2014' ? normalize2014(value) : normalize2018(value);
}

const MARKERS_2014 = ['related', 'imUrl', 'salesRank', 'categories'];
const MARKERS_2018 = ['also_buy', 'also_view', 'category', 'image', 'imageURL', 'imageURLHighRes', 'feature', 'rank'];

/** Field names decide the release; the syntax is the fallback (2014 files converted to JSON exist). */
function detectFormat(value: unknown, fallback: MetadataFormat): MetadataFormat {
  if (!isDict(value)) return fallback;
  if (MARKERS_2014.some((k) => k in value)) return '2014';
  if (MARKERS_2018.some((k) => k in value)) return '2018';
  return fallback;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GraphrecError('data/malformed-line', `JSON: ${(err as Error).message}`);
  }
}

const JSON_START = /^\s*\{"/;

/**
 * Parses and normalises one metadata line.
 *
 * @param text the line, a Python dict literal (2014) or a JSON object (2018).
 * @param format `'auto'` tries JSON first when the line starts with `{"`, else the Python parser.
 * @throws GraphrecError `data/malformed-line`, `data/missing-field` or `data/wrong-type`.
 */
export function parseMetadataLine(text: string, format: 'auto' | MetadataFormat = 'auto'): ProductRecord {
  if (format === '2014') return normalizeMetadata(parsePythonLiteral(text), format);
  if (format === '2018') return normalizeMetadata(parseJson(text), format);
  if (JSON_START.test(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value !== undefined) return normalizeMetadata(value, detectFormat(value, '2018'));
  }
  const value = parsePythonLiteral(text);
  return normalizeMetadata(value, detectFormat(value, '2014'));
}

/**
 * Streams the products of a McAuley metadata file (2014 or 2018, plain or gzip).
 * Bad lines are reported to `diagnostics` (`malformed-line`, `missing-field`,
 * `wrong-type`, `truncated-gzip`) with their line numbers and skipped.
 *
 * @param path the `meta_*.json[.gz]` file.
 * @param diagnostics collects problems; a strict one throws on the first.
 * @param options `format` forces a release instead of deciding per line.
 * @throws GraphrecError `data/<kind>` on the first problem when `diagnostics` is strict.
 * @example
 * const diagnostics = new Diagnostics();
 * for await (const product of readMetadata('meta_Gift_Cards.json.gz', diagnostics)) index(product);
 * console.log(diagnostics.summary());
 */
export async function* readMetadata(
  path: string,
  diagnostics: Diagnostics,
  options: ReadMetadataOptions = {},
): AsyncGenerator<ProductRecord> {
  const format = options.format ?? 'auto';
  yield* parseEachLine(path, diagnostics, (text) => parseMetadataLine(text, format));
}
