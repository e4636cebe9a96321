import { z } from 'zod';
import { GraphrecError } from '../errors.ts';
import { productText, TextFieldsSchema, titleOnlyTextFields, type ProductTextFields, type TextFields } from './product-text.ts';
import { tokenize } from './tokenizer.ts';

/** A fitted vocabulary of product text: terms with their inverse document frequencies. */
export const VocabularySchema = z.object({
  format: z.literal('graphrec-vocabulary'),
  version: z.literal(1),
  /** Number of documents the vocabulary was fitted on. */
  documents: z.number().int().nonnegative(),
  terms: z.array(z.string().min(1)),
  /** Smoothed idf per term: `ln((1 + N) / (1 + df)) + 1`. */
  idf: z.array(z.number().positive()),
  /**
   * Which product fields the documents were made of ({@link productText}); absent means
   * the title alone, as every vocabulary written before these settings existed.
   */
  text: TextFieldsSchema.optional(),
});
export type VocabularyJson = z.infer<typeof VocabularySchema>;

/** A sparse TF-IDF vector: term indices ascending, L2-normalised weights. */
export interface SparseVector {
  indices: Int32Array;
  weights: Float32Array;
}

/** A vocabulary ready to transform titles (term lookup built once). */
export class Vocabulary {
  readonly terms: readonly string[];
  readonly idf: Float32Array;
  readonly documents: number;
  /** The product-text settings it was fitted with; `undefined`: title only. */
  readonly text: TextFields | undefined;
  private readonly index: Map<string, number>;

  constructor(json: VocabularyJson) {
    if (json.terms.length !== json.idf.length) {
      throw new GraphrecError('vocab/shape', `vocabulary has ${json.terms.length} terms but ${json.idf.length} idf values`);
    }
    this.terms = json.terms;
    this.idf = Float32Array.from(json.idf);
    this.documents = json.documents;
    this.text = json.text;
    this.index = new Map(json.terms.map((t, i) => [t, i]));
    if (this.index.size !== json.terms.length) throw new GraphrecError('vocab/duplicate-term', 'vocabulary terms must be distinct');
  }

  /**
   * Parses and checks a serialised vocabulary.
   * @throws GraphrecError `vocab/invalid` naming the first schema problem.
   */
  static parse(value: unknown): Vocabulary {
    const parsed = VocabularySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GraphrecError('vocab/invalid', `invalid vocabulary at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return new Vocabulary(parsed.data);
  }

  get size(): number {
    return this.terms.length;
  }

  termIndex(term: string): number | undefined {
    return this.index.get(term);
  }

  /** The settings {@link transformProduct} applies: the fitted ones, or title only. */
  get textFields(): TextFields {
    return this.text ?? titleOnlyTextFields();
  }

  toJSON(): VocabularyJson {
    const json: VocabularyJson = { format: 'graphrec-vocabulary', version: 1, documents: this.documents, terms: [...this.terms], idf: Array.from(this.idf) };
    if (this.text !== undefined) json.text = this.text;
    return json;
  }

  /**
   * The TF-IDF vector of a product: its text built from `product` under the
   * vocabulary's own settings ({@link textFields}), then {@link transform}.
   * With no settings (an older vocabulary) this is `transform(product.title)`.
   * @example vocabulary.transformProduct({ title: 'USB-C charger 65W', brand: 'Anker', description: '…' })
   */
  transformProduct(product: ProductTextFields): SparseVector {
    return this.transform(productText(product, this.textFields));
  }

  /**
   * The TF-IDF vector of a text (a title, or a {@link productText}): raw term counts × idf, L2-normalised;
   * out-of-vocabulary tokens are ignored. A title with no known token gives an
   * empty vector.
   */
  transform(title: string): SparseVector {
    const counts = new Map<number, number>();
    for (const token of tokenize(title)) {
      const i = this.index.get(token);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    const indices = Int32Array.from(counts.keys()).sort();
    const weights = new Float32Array(indices.length);
    let norm = 0;
    for (let k = 0; k < indices.length; k++) {
      const w = (counts.get(indices[k]) ?? 0) * this.idf[indices[k]];
      weights[k] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < weights.length; k++) weights[k] /= norm;
    return { indices, weights };
  }
}
