import { GraphrecError } from '../errors.ts';
import type { ShardItems } from '../manifest/schema.ts';
import type { HnswSearcher, ShardVectors } from './ivf.ts';

/**
 * Assembles a loaded shard from its three objects and checks that they agree,
 * so a mismatched or truncated object is refused rather than served.
 * @throws GraphrecError `index/corrupt`.
 */
export function assembleShard(id: number, hnsw: HnswSearcher & { size: number }, items: ShardItems, codes: Uint8Array, dim: number): ShardVectors {
  const n = items.keys.length;
  const problem =
    items.shard !== id ? `its items object says shard ${items.shard}`
    : items.items.length !== n ? `${n} keys but ${items.items.length} item rows`
    : hnsw.size !== n ? `the index holds ${hnsw.size} vectors but the items object ${n}`
    : codes.byteLength !== n * dim * 2 ? `codes are ${codes.byteLength} bytes, expected ${n} × ${dim} int16`
    : items.keys.some((k, i) => i > 0 && k <= items.keys[i - 1]) ? 'its keys are not strictly ascending'
    : undefined;
  if (problem) throw new GraphrecError('index/corrupt', `shard ${id} is inconsistent: ${problem}`);
  // Int16Array views need 2-byte alignment; a Worker's ArrayBuffer from R2 starts at 0, a slice may not.
  const aligned = codes.byteOffset % 2 === 0 ? codes : codes.slice();
  return { hnsw, keys: items.keys, codes: new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2), dim };
}
