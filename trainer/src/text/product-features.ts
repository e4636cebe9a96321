import { productText, type ProductTextFields } from '../../../artifacts/src/text/product-text.ts';
import type { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { titleFeatures, type NodeFeatures } from '../models/feature-rows.ts';

/**
 * TF-IDF rows of products' text under a fitted vocabulary and its own text
 * settings: row `v` is `vocabulary.transformProduct(products[v])`, the
 * transform the edge runs for a new product.
 *
 * @param products each product's text fields, in node order.
 * @param vocabulary fitted with `fitProductVocabulary` (or an older, title-only one).
 */
export function productFeatures(products: readonly ProductTextFields[], vocabulary: Vocabulary): NodeFeatures {
  const settings = vocabulary.textFields;
  return titleFeatures(products.map((p) => productText(p, settings)), vocabulary);
}

/** A catalogue's products as text fields: every field the reader kept, or the titles alone (tables built without metadata). */
export function catalogueText(products: { titles: readonly string[]; text?: readonly ProductTextFields[] }): readonly ProductTextFields[] {
  return products.text ?? products.titles.map((title) => ({ title }));
}

/** A catalogue's features as its vocabulary reads them ({@link catalogueText}). */
export function catalogueFeatures(products: { titles: readonly string[]; text?: readonly ProductTextFields[] }, vocabulary: Vocabulary): NodeFeatures {
  return productFeatures(catalogueText(products), vocabulary);
}
