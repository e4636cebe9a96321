import { localityOrder } from './locality-order.ts';

/**
 * The keys a version serves its items under: shard by shard (in cluster
 * order), each shard's items in {@link localityOrder}. Keys are then
 * ascending within a shard in row order, as the edge expects, and an item's
 * near neighbours tend to share its row block.
 * @returns embeddings and cluster assignment by served key, and `product[key]`: the input item of each key.
 */
export function servedOrder(z: Float32Array, dim: number, assignment: Int32Array, clusters: number, blockRows: number): { z: Float32Array; assignment: Int32Array; product: Int32Array } {
  const members: number[][] = Array.from({ length: clusters }, () => []);
  for (let item = 0; item < assignment.length; item++) members[assignment[item]].push(item);
  const product = new Int32Array(assignment.length);
  let key = 0;
  for (const items of members) for (const item of localityOrder(z, dim, items, blockRows)) product[key++] = item;
  const ordered = new Float32Array(z.length);
  product.forEach((item, k) => ordered.set(z.subarray(item * dim, (item + 1) * dim), k * dim));
  return { z: ordered, assignment: Int32Array.from(product, (item) => assignment[item]), product };
}
