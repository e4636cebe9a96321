import { GraphrecError } from '../errors.ts';
import type { HnswSearcher, ShardVectors } from './ivf.ts';

/**
 * Assembles a loaded shard from its index, its codes and its keys (the
 * index's own, or the rows object's) and checks that they agree, so a
 * mismatched or truncated object is refused rather than served.
 * @throws GraphrecError `index/corrupt`.
 */
export function assembleShard(id: number, hnsw: HnswSearcher & { size: number }, keys: ArrayLike<number>, codes: Uint8Array, dim: number): ShardVectors {
  const n = keys.length;
  const problem =
    hnsw.size !== n ? `the index holds ${hnsw.size} vectors for ${n} keys`
    : codes.byteLength !== n * dim * 2 ? `codes are ${codes.byteLength} bytes, expected ${n} × ${dim} int16`
    : !ascending(keys) ? 'its keys are not strictly ascending'
    : undefined;
  if (problem) throw new GraphrecError('index/corrupt', `shard ${id} is inconsistent: ${problem}`);
  // Int16Array views need 2-byte alignment; a Worker's ArrayBuffer from R2 starts at 0, a slice may not.
  const aligned = codes.byteOffset % 2 === 0 ? codes : codes.slice();
  return { hnsw, keys, codes: new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2), dim };
}

function ascending(keys: ArrayLike<number>): boolean {
  for (let i = 0; i < keys.length; i++) if (!(keys[i] >= 0) || (i > 0 && keys[i] <= keys[i - 1])) return false;
  return true;
}
