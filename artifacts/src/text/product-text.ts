/**
 * Which of a product's text fields make the text the TF-IDF vocabulary sees,
 * and how much each counts. The settings travel inside the vocabulary JSON, so
 * the trainer (fitting, features) and the edge (a new product's forward pass)
 * build the same text from the same fields.
 */
import { z } from 'zod';
import { tokenize } from './tokenizer.ts';

/** The product fields text can be taken from. */
export const TEXT_FIELD_NAMES = ['title', 'brand', 'categories', 'description', 'feature'] as const;
export type TextFieldName = (typeof TEXT_FIELD_NAMES)[number];

/**
 * Token caps a field gets unless told otherwise: a 2018 description or feature
 * list runs to hundreds of tokens, which would outweigh a ten-token title
 * whatever its weight.
 */
export const DEFAULT_MAX_TOKENS: Readonly<Partial<Record<TextFieldName, number>>> = Object.freeze({ description: 100, feature: 100 });

/** One field of the product text. */
export const TextFieldSchema = z.object({
  field: z.enum(TEXT_FIELD_NAMES),
  /** The field's tokens are repeated this many times, so its term counts weigh this much more before idf. */
  weight: z.number().int().min(1).max(10).default(1),
  /** Only the field's first this many tokens are kept; absent keeps all. */
  maxTokens: z.number().int().positive().optional(),
});
export type TextField = z.infer<typeof TextFieldSchema>;

/** The fields of a product's text, in order, each at most once. */
export const TextFieldsSchema = z.object({
  fields: z
    .array(TextFieldSchema)
    .min(1)
    .refine((fields) => new Set(fields.map((f) => f.field)).size === fields.length, { message: 'each field may appear only once' }),
});
export type TextFields = z.infer<typeof TextFieldsSchema>;

/**
 * The default product text: every field, the title three times over (it is the
 * one field every product has and the most specific), long fields capped.
 */
export function defaultTextFields(): TextFields {
  return {
    fields: [
      { field: 'title', weight: 3 },
      { field: 'brand', weight: 1 },
      { field: 'categories', weight: 1 },
      { field: 'description', weight: 1, maxTokens: DEFAULT_MAX_TOKENS.description },
      { field: 'feature', weight: 1, maxTokens: DEFAULT_MAX_TOKENS.feature },
    ],
  };
}

/** What a vocabulary without `text` settings was fitted on: the title alone. */
export function titleOnlyTextFields(): TextFields {
  return { fields: [{ field: 'title', weight: 1 }] };
}

/** The raw text fields of one product; absent fields are skipped. */
export interface ProductTextFields {
  title?: string;
  brand?: string;
  /** Category paths, most general first (a name repeated across paths counts once). */
  categories?: readonly (readonly string[])[];
  description?: string;
  feature?: readonly string[];
}

/** One field's text as a single string ('' when absent). */
export function fieldText(product: ProductTextFields, field: TextFieldName): string {
  switch (field) {
    case 'categories':
      return [...new Set((product.categories ?? []).flat())].join(' ');
    case 'feature':
      return (product.feature ?? []).join(' ');
    default:
      return product[field] ?? '';
  }
}

/**
 * One field's tokens under its settings (capped at `maxTokens`).
 * @param product the product's fields.
 * @param setting the field and its cap; the weight is not applied here.
 */
export function fieldTokens(product: ProductTextFields, setting: Pick<TextField, 'field' | 'maxTokens'>): string[] {
  const tokens = tokenize(fieldText(product, setting.field));
  return setting.maxTokens === undefined ? tokens : tokens.slice(0, setting.maxTokens);
}

/**
 * The text the tokenizer gets for a product: each field's tokens (capped),
 * repeated `weight` times, in the settings' order, space-separated. Tokenizing
 * it again gives the same tokens, so the TF-IDF transform of this text counts
 * a field's terms `weight` times.
 *
 * @param product the product's fields.
 * @param settings which fields and how weighted; defaults to {@link defaultTextFields}.
 * @example
 * productText({ title: 'USB-C Charger', brand: 'Anker' }, { fields: [{ field: 'title', weight: 2 }, { field: 'brand', weight: 1 }] });
 * // 'usb charger usb charger anker'
 */
export function productText(product: ProductTextFields, settings: TextFields = defaultTextFields()): string {
  const parts: string[] = [];
  for (const setting of settings.fields) {
    const tokens = fieldTokens(product, setting);
    if (tokens.length === 0) continue;
    const joined = tokens.join(' ');
    for (let i = 0; i < setting.weight; i++) parts.push(joined);
  }
  return parts.join(' ');
}

/**
 * Formats settings as the CLI writes them: `title:3,brand,description` (weight 1 omitted).
 * @example formatTextFields(defaultTextFields()) // 'title:3,brand,categories,description,feature'
 */
export function formatTextFields(settings: TextFields): string {
  return settings.fields.map((f) => (f.weight === 1 ? f.field : `${f.field}:${f.weight}`)).join(',');
}
