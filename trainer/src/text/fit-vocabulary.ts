import { productText, type ProductTextFields, type TextFields } from '../../../artifacts/src/text/product-text.ts';
import { tokenize } from '../../../artifacts/src/text/tokenizer.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';

/** Options of {@link fitVocabulary}. */
export interface FitVocabularyOptions {
  /** Drop terms in fewer documents than this (default 2). */
  minDf?: number;
  /** Drop terms in more than this fraction of documents (default 0.5). */
  maxDfFraction?: number;
  /** Keep at most this many terms, the most frequent (default 20,000). */
  maxSize?: number;
  /** The product-text settings the documents were made with, recorded in the vocabulary; absent: titles. */
  text?: TextFields;
}

/**
 * Fits a vocabulary: document frequencies over `titles` (or product texts), filtered by
 * `minDf` / `maxDfFraction`, the `maxSize` most frequent kept, ordered by
 * document frequency then alphabetically so the result is deterministic.
 */
export function fitVocabulary(titles: Iterable<string>, options: FitVocabularyOptions = {}): Vocabulary {
  const minDf = options.minDf ?? 2;
  const maxDfFraction = options.maxDfFraction ?? 0.5;
  const maxSize = options.maxSize ?? 20_000;
  const df = new Map<string, number>();
  let documents = 0;
  for (const title of titles) {
    documents++;
    for (const token of new Set(tokenize(title))) df.set(token, (df.get(token) ?? 0) + 1);
  }
  const maxDf = Math.max(minDf, Math.floor(documents * maxDfFraction));
  const kept = [...df.entries()]
    .filter(([, n]) => n >= minDf && n <= maxDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxSize);
  return new Vocabulary({
    format: 'graphrec-vocabulary',
    version: 1,
    documents,
    terms: kept.map(([t]) => t),
    idf: kept.map(([, n]) => Math.log((1 + documents) / (1 + n)) + 1),
    ...(options.text ? { text: options.text } : {}),
  });
}

/**
 * Fits a vocabulary on products' text under `settings` ({@link productText}),
 * recording the settings in it so {@link Vocabulary.transformProduct} (trainer and
 * edge alike) builds the same text.
 *
 * @param products each product's text fields.
 * @param settings which fields make the text and how they are weighted.
 * @param options document-frequency filters, as {@link fitVocabulary}.
 * @example fitProductVocabulary(products, defaultTextFields())
 */
export function fitProductVocabulary(products: Iterable<ProductTextFields>, settings: TextFields, options: Omit<FitVocabularyOptions, 'text'> = {}): Vocabulary {
  function* texts(): Generator<string> {
    for (const p of products) yield productText(p, settings);
  }
  return fitVocabulary(texts(), { ...options, text: settings });
}
