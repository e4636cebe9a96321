import { z } from 'zod';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { CatalogueEntrySchema, parseArtifactJson, type CatalogueEntry } from '../../../artifacts/src/manifest/schema.ts';

const LooseCatalogueShardSchema = z.object({ shard: z.number().int().nonnegative(), items: z.record(z.string(), z.unknown()) });

const text = new TextDecoder();

/**
 * One catalogue object, parsed as JSON once and each entry checked against
 * its schema when first looked up. Validating all ~250 entries of an object
 * (134 KiB at 1M items) was most of a cold catalogue read in workerd, for one
 * entry used; the bytes have passed their sha256 before they get here.
 */
export class CatalogueObject {
  private readonly checked = new Map<string, CatalogueEntry>();

  private constructor(
    private readonly items: Record<string, unknown>,
    private readonly what: string,
  ) {}

  /** @throws GraphrecError `artifact/corrupt` when the bytes are not a catalogue object. */
  static parse(bytes: Uint8Array, what: string): CatalogueObject {
    return new CatalogueObject(parseArtifactJson(LooseCatalogueShardSchema, text.decode(bytes), what, 'artifact/corrupt').items, what);
  }

  /** The entry of `id`, or undefined when the object does not hold it. @throws GraphrecError `artifact/corrupt` for a malformed entry. */
  get(id: string): CatalogueEntry | undefined {
    if (!Object.hasOwn(this.items, id)) return undefined;
    let entry = this.checked.get(id);
    if (!entry) {
      const parsed = CatalogueEntrySchema.safeParse(this.items[id]);
      if (!parsed.success) throw new GraphrecError('artifact/corrupt', `${this.what} entry ${JSON.stringify(id)} is invalid at ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message}`);
      this.checked.set(id, (entry = parsed.data));
    }
    return entry;
  }
}
