import { catalogueKey, catalogueShardOf, POPULAR_KEY } from '../../../artifacts/src/manifest/keys.ts';
import type { CatalogueEntry, CatalogueShard, ObjectRef, PopularList } from '../../../artifacts/src/manifest/schema.ts';
import type { Progress } from '../util/progress.ts';
import { writeObject } from './files.ts';

/** Smallest power of two giving at most `perObject` items per catalogue object on average. */
export function catalogueObjectCount(items: number, perObject: number): number {
  let count = 1;
  while (count * perObject < items) count *= 2;
  return count;
}

/**
 * Writes the catalogue: id → entry, split by `fnv1a32(id)` into a power-of-two
 * number of small objects, so a lookup reads exactly one of them.
 */
export async function writeCatalogue(
  outDir: string,
  items: { count: number; idOf: (key: number) => string; entry: (key: number) => CatalogueEntry },
  perObject: number,
  progress: Progress,
): Promise<ObjectRef[]> {
  const objects = catalogueObjectCount(items.count, perObject);
  const buckets: number[][] = Array.from({ length: objects }, () => []);
  for (let key = 0; key < items.count; key++) buckets[catalogueShardOf(items.idOf(key), objects)].push(key);
  progress.start('writing catalogue', objects, 'objects');
  const refs: ObjectRef[] = [];
  for (let shard = 0; shard < objects; shard++) {
    const body: CatalogueShard = { shard, items: {} };
    for (const key of buckets[shard]) body.items[items.idOf(key)] = items.entry(key);
    refs.push(await writeObject(outDir, catalogueKey(shard), JSON.stringify(body)));
    if (shard % 64 === 0) progress.update(shard + 1);
  }
  progress.finish(`${objects.toLocaleString('en-US')} catalogue objects`);
  return refs;
}

/** Writes the popular list: the most popular items, most popular first (the caller orders them; ties by key for determinism). */
export async function writePopular(outDir: string, items: PopularList['items']): Promise<ObjectRef> {
  const list: PopularList = { items };
  return writeObject(outDir, POPULAR_KEY, JSON.stringify(list));
}
