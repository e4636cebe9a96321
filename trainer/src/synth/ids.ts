/**
 * Identifiers derived from indices, so per-product and per-user state can stay
 * in typed arrays and strings are made only while writing.
 */

/** A 32-bit integer hash (lowbias32); a bijection on uint32, so distinct inputs never collide. */
export function hash32(x: number): number {
  x = x >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The 10-character ASIN of product `index`: `'B000000001'` for index 0. Zero-padded, so ASIN order is index order. */
export function asinOf(index: number): string {
  return 'B' + String(index + 1).padStart(9, '0');
}

/**
 * The 14-character reviewer ID of user `index`, shaped like `'A2SUAM1J3GNN3B'`.
 * The last 6 characters encode the index, so IDs are unique below 36^6 users.
 */
export function reviewerIdOf(index: number): string {
  const head = hash32(index ^ 0x5bd1e995).toString(36).toUpperCase().padStart(7, '0');
  return 'A' + head.slice(-7) + index.toString(36).toUpperCase().padStart(6, '0');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An image URL in the style of the 2014 `imUrl` field (a pseudo-random ID per product). */
export function imageUrlOf(index: number): string {
  let a = hash32(index + 1);
  let b = hash32(index + 0x9e3779b9);
  let id = String(4 + (b % 6));
  for (let k = 0; k < 5; k++, a = Math.floor(a / 62)) id += BASE62[a % 62];
  for (let k = 0; k < 4; k++, b = Math.floor(b / 62)) id += BASE62[b % 62];
  return `http://ecx.images-amazon.com/images/I/${id}L._SY300_.jpg`;
}
