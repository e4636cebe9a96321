import { defaultTextFields, fieldTokens, formatTextFields, type ProductTextFields, type TextFieldName, type TextFields } from '../../../artifacts/src/text/product-text.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { fitProductVocabulary } from './fit-vocabulary.ts';

/**
 * Why a vocabulary will not tell products apart:
 * - `few-terms`: too few terms for the catalogue;
 * - `shared-terms`: most products get the same term set, i.e. the same features;
 * - `constant-field`: a free-text field holds the same words for most products
 *   (markup or boilerplate read as the title, say), so it adds nothing.
 */
export type VocabularyWarningKind = 'few-terms' | 'shared-terms' | 'constant-field';

/** One finding of {@link checkVocabulary}. */
export interface VocabularyWarning {
  kind: VocabularyWarningKind;
  /** The field held responsible, when one is. */
  field: TextFieldName | undefined;
  message: string;
}

/** Thresholds of {@link checkVocabulary}. */
export interface VocabularyCheckOptions {
  /** Fewer terms than this is degenerate (default 20). */
  minTerms?: number;
  /** Fewer than one term per this many products is degenerate (default 50). */
  productsPerTerm?: number;
  /** More than this share of products with one identical term set is degenerate (default 0.5). */
  sharedFraction?: number;
}

/**
 * Free text is expected to differ between products; a category dump shares its
 * category path and many products share a brand, so those are not faults.
 */
const FREE_TEXT: ReadonlySet<TextFieldName> = new Set(['title', 'description', 'feature']);
const SHOWN_TERMS = 8;

const count = (n: number): string => n.toLocaleString('en-US');

/** 52-bit FNV-1a of a string (two 32-bit passes), so counting identical sets holds no long keys. */
function hash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 0x100000 + ((b >>> 0) >>> 12);
}

/** The most common of `keys`: how many share it and the first index holding it. */
class Tally {
  private readonly counts = new Map<number, { n: number; first: number }>();
  top = { n: 0, first: -1 };

  add(key: string, index: number): void {
    const h = hash(key);
    const entry = this.counts.get(h) ?? { n: 0, first: index };
    entry.n++;
    this.counts.set(h, entry);
    if (entry.n > this.top.n) this.top = entry;
  }
}

interface FieldTally {
  field: TextFieldName;
  weight: number;
  n: number;
  /** The shared token set, in order of first appearance; empty when most have none. */
  terms: string[];
}

function uniqueTokens(tokens: readonly string[]): string[] {
  return [...new Set(tokens)];
}

function describeShared(n: number, total: number, terms: readonly string[], what: string): string {
  if (terms.length === 0) return `${count(n)} of ${count(total)} products have no ${what}`;
  const shown = terms.slice(0, SHOWN_TERMS).join(', ') + (terms.length > SHOWN_TERMS ? `, … (${terms.length})` : '');
  return `${count(n)} of ${count(total)} products have the same ${what} {${shown}}`;
}

function tallyFields(products: readonly ProductTextFields[], vocabulary: Vocabulary): FieldTally[] {
  return vocabulary.textFields.fields.map((setting) => {
    const tally = new Tally();
    products.forEach((p, i) => tally.add(uniqueTokens(fieldTokens(p, setting)).sort().join(' '), i));
    const terms = tally.top.first < 0 ? [] : uniqueTokens(fieldTokens(products[tally.top.first], setting));
    return { field: setting.field, weight: setting.weight, n: tally.top.n, terms };
  });
}

/**
 * Detects a degenerate vocabulary (one whose features cannot tell most
 * products apart) and names the field responsible: the field whose own token
 * sets are most often identical (or empty), its share counted as much as its
 * weight counts in the product text. Also flags a free-text field (title,
 * description, feature) that is the same for most products even when the
 * other fields rescue the vocabulary.
 *
 * @param products each product's text fields (those the vocabulary serves).
 * @param vocabulary the fitted vocabulary; its own text settings say which fields count.
 * @param options thresholds.
 * @returns warnings, most serious first; empty when the vocabulary looks healthy.
 * @example
 * checkVocabulary(products, vocabulary)[0]?.message
 * // 'degenerate vocabulary: 3 terms for 1,547 products (…); title: 1,203 of 1,547 products have the same terms {span, class}'
 */
export function checkVocabulary(products: readonly ProductTextFields[], vocabulary: Vocabulary, options: VocabularyCheckOptions = {}): VocabularyWarning[] {
  const total = products.length;
  if (total === 0) return [];
  const minTerms = options.minTerms ?? 20;
  const productsPerTerm = options.productsPerTerm ?? 50;
  const sharedFraction = options.sharedFraction ?? 0.5;

  const rows = new Tally();
  products.forEach((p, i) => rows.add(Array.from(vocabulary.transformProduct(p).indices).join(' '), i));
  const fields = tallyFields(products, vocabulary);
  const warnings: VocabularyWarning[] = [];

  const few = vocabulary.size < minTerms || vocabulary.size * productsPerTerm < total;
  const shared = rows.top.n > sharedFraction * total;
  let named: TextFieldName | undefined;
  if (few || shared) {
    const worst = fields.reduce((a, b) => (b.n * b.weight > a.n * a.weight ? b : a));
    named = worst.field;
    const why = few
      ? `${count(vocabulary.size)} terms for ${count(total)} products (fewer than ${minTerms}, or than one per ${productsPerTerm} products)`
      : describeShared(rows.top.n, total, Array.from(vocabulary.transformProduct(products[rows.top.first]).indices, (t) => vocabulary.terms[t]), 'vocabulary terms');
    warnings.push({ kind: few ? 'few-terms' : 'shared-terms', field: named, message: `degenerate vocabulary: ${why}; ${worst.field}: ${describeShared(worst.n, total, worst.terms, 'terms')}` });
  }
  for (const f of fields) {
    if (!FREE_TEXT.has(f.field) || f.field === named || f.terms.length === 0 || f.n <= sharedFraction * total) continue;
    warnings.push({
      kind: 'constant-field',
      field: f.field,
      message: `${f.field}: ${describeShared(f.n, total, f.terms, 'terms')}, so it does not tell them apart (weight ${f.weight})`,
    });
  }
  return warnings;
}

/** What `graphrec ingest` says about a catalogue's text: the vocabulary training would fit, and its warnings. */
export interface ProductTextReport {
  /** The settings, as `--text-fields` takes them. */
  fields: string;
  products: number;
  terms: number;
  warnings: VocabularyWarning[];
}

/**
 * Fits the vocabulary a GraphSAGE run would (on every product, not only a
 * training split) and checks it, so a degenerate catalogue shows at ingest.
 *
 * @param products each product's text fields.
 * @param settings the product-text settings; default {@link defaultTextFields}.
 */
export function checkProductText(products: readonly ProductTextFields[], settings: TextFields = defaultTextFields()): ProductTextReport {
  const vocabulary = fitProductVocabulary(products, settings);
  return { fields: formatTextFields(settings), products: products.length, terms: vocabulary.size, warnings: checkVocabulary(products, vocabulary) };
}
