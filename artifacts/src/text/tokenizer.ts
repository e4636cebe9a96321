/**
 * The title tokenizer shared by the trainer (vocabulary fitting, features) and
 * the edge (embedding a new product). Both must produce identical tokens, so
 * it uses only standard ECMAScript: NFKC normalisation, lower case, Unicode
 * letter/number runs, a short English stop list.
 */

const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'is', 'it', 'of', 'on', 'or',
  'the', 'to', 'with', 'w', 'x',
]);

const TOKEN = /[\p{L}\p{N}]+/gu;

/**
 * Splits a product title into tokens.
 * @param title free text; HTML entities are not decoded.
 * @returns tokens in order, duplicates kept.
 * @example tokenize("Men's Running Shoes, 2-Pack") // ['men', 'running', 'shoes', '2', 'pack']
 */
export function tokenize(title: string): string[] {
  const text = title.normalize('NFKC').toLowerCase();
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (token.length === 1 && !/\p{N}/u.test(token)) continue;
    if (STOP_WORDS.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}
