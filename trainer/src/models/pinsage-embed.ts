import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Neighbourhoods } from '../graph/random-walk.ts';
import { blockOf, sliceNeighbourhoods } from '../graph/walk-blocks.ts';
import type { ItemInputs } from './pinsage-features.ts';
import type { PinSageModel } from './pinsage.ts';

/** Rows per tfjs call in a whole-catalogue pass: bounds memory (an image chunk is rows × 16 KB). */
const CHUNK = 2048;

/**
 * Unit embeddings of every product, `[numItems * dim]` row-major (DGL's
 * `get_repr` over the whole catalogue). Layer by layer rather than per
 * target: each product's projection and hidden state is computed once, where
 * per-target computation graphs would redo shared neighbours.
 *
 * @param hoods one neighbourhood set per layer, input side first, each over all products in id order.
 * @throws GraphrecError `pinsage/blocks` when the layer count or sizes do not match the model.
 */
export function embedAllItems(model: PinSageModel, inputs: ItemInputs, hoods: readonly Neighbourhoods[]): Float32Array {
  const { dim, layers, numItems } = model.dims;
  if (hoods.length !== layers || hoods.some((h) => h.offsets.length !== numItems + 1)) {
    throw new GraphrecError('pinsage/blocks', `need ${layers} neighbourhood sets over ${numItems} products`);
  }
  const all = Int32Array.from({ length: numItems }, (_, i) => i);
  const x = new Float32Array(numItems * dim);
  for (let a = 0; a < numItems; a += CHUNK) {
    const b = Math.min(numItems, a + CHUNK);
    x.set(tf.tidy(() => model.project(inputs, all.subarray(a, b)).dataSync() as Float32Array), a * dim);
  }
  let h = x;
  for (let l = 0; l < layers; l++) {
    const next = new Float32Array(numItems * dim);
    for (let a = 0; a < numItems; a += CHUNK) {
      const b = Math.min(numItems, a + CHUNK);
      const block = blockOf(all.subarray(a, b), sliceNeighbourhoods(hoods[l], a, b), numItems);
      const src = gatherRows(h, block.src, dim);
      next.set(tf.tidy(() => model.conv(l, tf.tensor2d(src, [block.src.length, dim]), block).dataSync() as Float32Array), a * dim);
    }
    h = next;
  }
  for (let i = 0; i < numItems; i++) {
    let s = 0;
    for (let c = i * dim; c < (i + 1) * dim; c++) {
      h[c] += x[c];
      s += h[c] * h[c];
    }
    const inv = 1 / Math.sqrt(s + 1e-12);
    for (let c = i * dim; c < (i + 1) * dim; c++) h[c] *= inv;
  }
  return h;
}

function gatherRows(m: Float32Array, rows: Int32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let k = 0; k < rows.length; k++) out.set(m.subarray(rows[k] * dim, (rows[k] + 1) * dim), k * dim);
  return out;
}
