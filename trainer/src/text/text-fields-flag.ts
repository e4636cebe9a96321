import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { DEFAULT_MAX_TOKENS, TEXT_FIELD_NAMES, TextFieldsSchema, type TextFieldName, type TextFields } from '../../../artifacts/src/text/product-text.ts';

const FIELD = /^([a-z]+)(?::(\d+))?$/;

/**
 * Reads `--text-fields`: comma-separated `field[:weight]` (weight an integer
 * 1–10, default 1), e.g. `title:3,brand,categories,description,feature`.
 * Description and feature keep their default token caps.
 *
 * @param spec the flag's value.
 * @throws GraphrecError `cli/bad-arguments` naming the bad entry and the allowed fields.
 * @example parseTextFieldsFlag('title:3,description') // { fields: [{ field: 'title', weight: 3 }, { field: 'description', weight: 1, maxTokens: 100 }] }
 */
export function parseTextFieldsFlag(spec: string): TextFields {
  const bad = (why: string): never => {
    throw new GraphrecError('cli/bad-arguments', `--text-fields: ${why}; expected field[:weight],… with fields ${TEXT_FIELD_NAMES.join(', ')} and integer weights 1–10, e.g. title:3,brand,description`);
  };
  const fields = spec.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const m = FIELD.exec(entry);
    if (m === null) return bad(`'${entry}' is not field[:weight]`);
    if (!(TEXT_FIELD_NAMES as readonly string[]).includes(m[1])) return bad(`'${m[1]}' is not a field`);
    const field = m[1] as TextFieldName;
    if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 10)) bad(`'${entry}': the weight must be 1–10`);
    const maxTokens = DEFAULT_MAX_TOKENS[field];
    return { field, weight: m[2] === undefined ? 1 : Number(m[2]), ...(maxTokens === undefined ? {} : { maxTokens }) };
  });
  if (fields.length === 0) bad('no fields given');
  const parsed = TextFieldsSchema.safeParse({ fields });
  if (!parsed.success) return bad(parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}
