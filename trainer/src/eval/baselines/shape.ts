import { GraphrecError } from '../../../../artifacts/src/errors.ts';
import type { Query } from '../types.ts';

/**
 * Checks that `out` holds one `[numItems]` row per query.
 * @param out `[queries.length, numItems]` score buffer.
 * @throws GraphrecError `eval/shape-mismatch` naming the method and both sizes.
 */
export function checkOut(method: string, queries: readonly Query[], out: Float32Array, numItems: number): void {
  if (out.length !== queries.length * numItems) {
    throw new GraphrecError(
      'eval/shape-mismatch',
      `${method}: out has ${out.length} scores, expected ${queries.length} queries × ${numItems} items`,
    );
  }
}
