import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from '../data/diagnostics.ts';
import { readImageMatrixAt } from '../data/image-matrix.ts';
import { ingest } from '../data/ingest.ts';
import { buildMovieLensGraph, movieLensPaths } from '../data/movielens-graph.ts';
import type { Csr } from '../graph/csr.ts';
import { coPurchaseOnItems } from '../graph/item-copurchase.ts';
import type { ItemFeatures, ReviewGraph } from '../graph/review-graph.ts';
import type { ImageMatrix } from '../models/pinsage-features.ts';
import { silentProgress, type Progress } from '../util/progress.ts';

/** Everything a PinSage run reads from its data set, loaded once. */
export interface PinSageRunData {
  /** The data set's folder name, for titles. */
  name: string;
  graph: ReviewGraph;
  features: ItemFeatures;
  /** Image vectors (rows by `features.imageRow`), when asked for and the data set has `.b` files. */
  images?: ImageMatrix;
  /** Co-purchase edges over the review graph's item ids, when asked for (`unified`). */
  coPurchase?: Csr;
  /** Counts for `run.json` and the report. */
  facts: Record<string, number>;
}

/** What to load besides the review graph. */
export interface PinSageLoadOptions {
  /** Read image features when the data set has them (default true); false never reads them. */
  images?: boolean;
  /** Map the co-purchase graph onto the review graph's items for the walks. */
  unified?: boolean;
  progress?: Progress;
}

/**
 * Loads a data set as PinSage sees it: a MovieLens folder (`ratings.csv` +
 * `movies.csv`; titles with genres, no prices or images), or anything
 * `ingest` reads (McAuley 5-core reviews, with metadata and `.b` image
 * features when present).
 *
 * @throws GraphrecError `train/no-reviews` when the path yields no review graph,
 *   `train/no-copurchase` when `unified` is asked of data without co-purchase edges.
 * @example
 * const data = await loadPinSageData('datasets/amazon-gift-cards-2018', { unified: true });
 */
export async function loadPinSageData(path: string, options: PinSageLoadOptions = {}): Promise<PinSageRunData> {
  const name = basename(resolve(path));
  if (isMovieLens(path)) {
    if (options.unified) throw new GraphrecError('train/no-copurchase', `${path} is a MovieLens folder: it has no co-purchase graph for --unified`);
    const { graph, features } = await buildMovieLensGraph(movieLensPaths(path), new Diagnostics());
    return { name, graph, features, facts: facts(graph, features) };
  }
  const progress = options.progress ?? silentProgress;
  const { reviewGraph, itemFeatures, coPurchase } = await ingest(path, { progress });
  if (!reviewGraph || !itemFeatures) throw new GraphrecError('train/no-reviews', `${path} holds no review or rating file: PinSage learns from users' interactions`);
  const data: PinSageRunData = { name, graph: reviewGraph, features: itemFeatures, facts: facts(reviewGraph, itemFeatures) };
  if (options.images !== false && itemFeatures.stats.withImage > 0) {
    progress.start('reading image vectors', itemFeatures.stats.withImage, 'products');
    data.images = await readImageMatrixAt(path, reviewGraph.asins, itemFeatures.imageRow);
    progress.finish();
    data.facts.imageDim = data.images.dim;
  }
  if (options.unified) {
    if (!coPurchase) throw new GraphrecError('train/no-copurchase', `${path} has no product metadata, so there are no co-purchase edges for --unified`);
    data.coPurchase = coPurchaseOnItems(reviewGraph.asins, { asins: coPurchase.products.asins, graph: coPurchase.graph });
    data.facts.coPurchaseEdges = data.coPurchase.targets.length;
    if (data.coPurchase.targets.length === 0) throw new GraphrecError('train/no-copurchase', `${path}: no co-purchase edge joins two reviewed products, so --unified would change nothing`);
  }
  return data;
}

function isMovieLens(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'ratings.csv'));
}

function facts(graph: ReviewGraph, features: ItemFeatures): Record<string, number> {
  const s = features.stats;
  return { users: graph.numUsers, items: graph.numItems, interactions: graph.item.length, itemsWithTitle: s.withTitle, itemsWithPrice: s.withPrice, itemsWithImage: s.withImage };
}
