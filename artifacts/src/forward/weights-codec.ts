import { GraphrecError } from '../errors.ts';
import { FORWARD_MATRICES, type CatalogueEntry } from '../manifest/schema.ts';
import { int8FromBase64, int8ToBase64 } from '../vectors/base64.ts';
import { dequantize, quantize } from '../vectors/maxabs.ts';
import { checkWeights, type GraphSageDims, type GraphSageWeights, type NeighborState } from './graphsage.ts';

/**
 * The forward-pass weights object: the five matrices of {@link FORWARD_MATRICES}
 * as little-endian float32, back to back, sizes implied by the manifest's dims.
 */
export function encodeForwardWeights(w: GraphSageWeights): Uint8Array {
  checkWeights(w);
  const total = FORWARD_MATRICES.reduce((s, name) => s + w[name].length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const name of FORWARD_MATRICES) {
    out.set(w[name], offset);
    offset += w[name].length;
  }
  return new Uint8Array(out.buffer);
}

/**
 * Reads the weights object for the manifest's dims.
 * @throws GraphrecError `forward/shape` when the byte size does not match the dims.
 */
export function decodeForwardWeights(bytes: Uint8Array, dims: GraphSageDims): GraphSageWeights {
  const sizes = {
    embedding: dims.vocab * dims.input,
    w1Self: dims.input * dims.hidden,
    w1Neigh: dims.input * dims.hidden,
    w2Self: dims.hidden * dims.output,
    w2Neigh: dims.hidden * dims.output,
  };
  const total = FORWARD_MATRICES.reduce((s, name) => s + sizes[name], 0);
  if (bytes.byteLength !== total * 4) {
    throw new GraphrecError('forward/shape', `forward weights are ${bytes.byteLength} bytes; dims ${JSON.stringify(dims)} need ${total * 4}`);
  }
  // Copy once into an aligned buffer: the object's bytes may start at any offset.
  const all = new Float32Array(total);
  new Uint8Array(all.buffer).set(bytes);
  let offset = 0;
  const take = (n: number): Float32Array => all.subarray(offset, (offset += n));
  const w: GraphSageWeights = {
    dims,
    embedding: take(sizes.embedding),
    w1Self: take(sizes.w1Self),
    w1Neigh: take(sizes.w1Neigh),
    w2Self: take(sizes.w2Self),
    w2Neigh: take(sizes.w2Neigh),
  };
  checkWeights(w);
  return w;
}

/** A product's neighbour state as stored in its catalogue entry (int8 with scale, base64). */
export function encodeNeighborState(p: ArrayLike<number>, h1: ArrayLike<number>): NonNullable<CatalogueEntry['state']> {
  const qp = quantize(p);
  const qh = quantize(h1);
  return { p: int8ToBase64(qp.codes), pScale: qp.scale, h1: int8ToBase64(qh.codes), h1Scale: qh.scale };
}

/**
 * Decodes a stored neighbour state.
 * @throws GraphrecError `forward/shape` when its length is not `hidden`.
 */
export function decodeNeighborState(state: NonNullable<CatalogueEntry['state']>, hidden: number): NeighborState {
  const p = int8FromBase64(state.p);
  const h1 = int8FromBase64(state.h1);
  if (p.length !== hidden || h1.length !== hidden) {
    throw new GraphrecError('forward/shape', `stored neighbour state has ${p.length}/${h1.length} values; the model's hidden size is ${hidden}`);
  }
  return { p: dequantize(p, state.pScale), h1: dequantize(h1, state.h1Scale) };
}
