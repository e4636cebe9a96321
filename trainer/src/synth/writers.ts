/**
 * Line formatting for the McAuley 2014 files: metadata as Python dict literals
 * (`str(dict)` output, not JSON) and reviews as `json.dumps` lines.
 */
import { asinOf } from './ids.ts';

/** Characters that need escaping in any quote style; without them only the quote choice matters. */
const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f]/;
const PY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A string as Python's `repr` writes it: single quotes, or double quotes when
 * the text holds a single quote and no double quote; otherwise `\'` escapes.
 * @example pyString("Men's") // "\"Men's\""
 */
export function pyString(s: string): string {
  const hasSingle = s.includes("'");
  if (!NEEDS_ESCAPE.test(s)) {
    const q = hasSingle ? '"' : "'";
    return q + s + q;
  }
  const quote = hasSingle && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let k = 0; k < s.length; k++) {
    const ch = s[k];
    const code = s.charCodeAt(k);
    if (ch === quote) out += '\\' + ch;
    else if (PY_ESCAPES[ch] !== undefined) out += PY_ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** A finite number as Python's float `repr`: `12.0`, `3.17`. Both use the shortest round-trip digits. */
export function pyFloat(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? s + '.0' : s;
}

/** A Python list of ASINs, `['B000000001', 'B000000002']`, from `count` product indices. */
export function pyAsinList(values: Int32Array, count: number): string {
  const parts = new Array<string>(count);
  for (let k = 0; k < count; k++) parts[k] = asinOf(values[k]);
  // ASINs are plain ASCII, so they need no escaping.
  return "['" + parts.join("', '") + "']";
}

/** One product of the 2014 metadata; absent fields are `undefined` and left out of the line. */
export interface MetaFields {
  asin: string;
  title: string | undefined;
  price: number | undefined;
  imUrl: string | undefined;
  /** Already-formatted Python lists, or `undefined` when empty. */
  alsoBought: string | undefined;
  alsoViewed: string | undefined;
  boughtTogether: string | undefined;
  salesRank: { category: string; rank: number } | undefined;
  brand: string | undefined;
  categories: string[][];
}

/** The 2014 metadata line of one product, in the field order of the published files. */
export function formatMetaLine(f: MetaFields): string {
  let line = `{'asin': ${pyString(f.asin)}`;
  if (f.title !== undefined) line += `, 'title': ${pyString(f.title)}`;
  if (f.price !== undefined) line += `, 'price': ${pyFloat(f.price)}`;
  if (f.imUrl !== undefined) line += `, 'imUrl': ${pyString(f.imUrl)}`;
  const related: string[] = [];
  if (f.alsoBought !== undefined) related.push(`'also_bought': ${f.alsoBought}`);
  if (f.alsoViewed !== undefined) related.push(`'also_viewed': ${f.alsoViewed}`);
  if (f.boughtTogether !== undefined) related.push(`'bought_together': ${f.boughtTogether}`);
  if (related.length > 0) line += `, 'related': {${related.join(', ')}}`;
  if (f.salesRank !== undefined) line += `, 'salesRank': {${pyString(f.salesRank.category)}: ${f.salesRank.rank}}`;
  if (f.brand !== undefined) line += `, 'brand': ${pyString(f.brand)}`;
  const paths = f.categories.map((path) => '[' + path.map(pyString).join(', ') + ']');
  return line + `, 'categories': [${paths.join(', ')}]}`;
}

/** One review of a 2014 5-core file. */
export interface ReviewFields {
  reviewerID: string;
  asin: string;
  /** Left out of the line when `undefined`, as for a few real reviewers. */
  reviewerName: string | undefined;
  helpful: [number, number];
  reviewText: string;
  /** Star rating 1–5, written as a float (`5.0`). */
  overall: number;
  summary: string;
  /** Unix seconds at midnight UTC of the review day. */
  unixReviewTime: number;
  /** The same day as {@link reviewTimeOf} writes it; passed in so callers can reuse it. */
  reviewTime: string;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** `"MM D, YYYY"` as the 2014 files write it: zero-padded month, unpadded day. */
export function reviewTimeOf(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${pad2(d.getUTCMonth() + 1)} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/** The 2014 5-core line of one review, spaced as Python's `json.dumps`. */
export function formatReviewLine(r: ReviewFields): string {
  const j = JSON.stringify;
  const name = r.reviewerName === undefined ? '' : `, "reviewerName": ${j(r.reviewerName)}`;
  return (
    `{"reviewerID": ${j(r.reviewerID)}, "asin": ${j(r.asin)}${name}, "helpful": [${r.helpful[0]}, ${r.helpful[1]}], ` +
    `"reviewText": ${j(r.reviewText)}, "overall": ${pyFloat(r.overall)}, "summary": ${j(r.summary)}, ` +
    `"unixReviewTime": ${r.unixReviewTime}, "reviewTime": "${r.reviewTime}"}`
  );
}
