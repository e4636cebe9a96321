import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from './diagnostics.ts';
import { IMAGE_FEATURE_DIM, readImageFeatures } from './image-features.ts';
import { detectSources } from './sources.ts';

/** Image vectors of the review graph's products: row `r` is `data[r * dim .. (r + 1) * dim)`. */
export interface ImageFeatureMatrix {
  dim: number;
  data: Float32Array;
}

/**
 * Reads the image vectors of the products that have an image row into one
 * matrix, row `imageRow[i]` holding product `asins[i]`'s vector.
 *
 * Ingest gives a product row r when its ASIN first appears among the valid
 * records of the `.b` stream (files in `detectSources` order), so filling
 * each row from the first valid record of its ASIN reproduces exactly the
 * vectors ingest counted. Only wanted records are decoded.
 *
 * @param files `.b` files (plain or gzip) in the order ingest read them.
 * @param asins `[numItems]` product ASINs (the review graph's `asins`).
 * @param imageRow `[numItems]` row per product, -1 for none (`ItemFeatures.imageRow`).
 * @throws GraphrecError `data/image-rows` when a row has no record in the files or rows are not distinct.
 */
export async function readImageMatrix(
  files: readonly string[],
  asins: readonly string[],
  imageRow: Int32Array,
  diagnostics: Diagnostics = new Diagnostics(),
): Promise<ImageFeatureMatrix> {
  const rowOf = new Map<string, number>();
  let rows = 0;
  for (let i = 0; i < asins.length; i++) {
    if (imageRow[i] < 0) continue;
    if (rowOf.has(asins[i])) throw new GraphrecError('data/image-rows', `ASIN ${asins[i]} appears twice among the products`);
    rowOf.set(asins[i], imageRow[i]);
    rows = Math.max(rows, imageRow[i] + 1);
  }
  if (rowOf.size !== rows) throw new GraphrecError('data/image-rows', `image rows are not 0 .. ${rowOf.size - 1} without gaps (highest is ${rows - 1})`);
  const data = new Float32Array(rows * IMAGE_FEATURE_DIM);
  const filled = new Uint8Array(rows);
  let missing = rows;
  const wanted = new Set(rowOf.keys());
  for (const file of files) {
    if (missing === 0) break;
    for await (const { asin, features } of readImageFeatures(file, diagnostics, { asins: wanted })) {
      const r = rowOf.get(asin)!;
      if (filled[r]) continue;
      data.set(features, r * IMAGE_FEATURE_DIM);
      filled[r] = 1;
      wanted.delete(asin);
      if (--missing === 0) break;
    }
  }
  if (missing > 0) {
    const absent = [...wanted].slice(0, 3).join(', ');
    throw new GraphrecError('data/image-rows', `${missing} products with an image row have no record in ${files.join(', ')} (e.g. ${absent}); re-ingest the same files`);
  }
  return { dim: IMAGE_FEATURE_DIM, data };
}

/**
 * {@link readImageMatrix} for a data set path as given to `ingest` (a file or
 * a directory): its `.b` files, in the order ingest reads them.
 */
export async function readImageMatrixAt(path: string, asins: readonly string[], imageRow: Int32Array, diagnostics?: Diagnostics): Promise<ImageFeatureMatrix> {
  const files = (await detectSources(path)).filter((s) => s.kind === 'image-features').map((s) => s.file);
  return readImageMatrix(files, asins, imageRow, diagnostics);
}
