import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from '../data/diagnostics.ts';
import { readMetadata } from '../data/metadata.ts';
import { readMovieLensMovies, readMovieLensRatings } from '../data/movielens.ts';
import { readReviews } from '../data/reviews.ts';
import { detectSources, type Source } from '../data/sources.ts';
import type { ProductTable } from '../graph/copurchase.ts';
import { silentProgress, type Progress } from '../util/progress.ts';

/** Display data of the products a model serves, read again from its data set. */
export interface ServedProducts {
  /** One row per served id, in the ids' order; a product without metadata has its id as title. */
  products: ProductTable;
  /** `[ids.length]` interactions (reviews or ratings) per product. */
  popularity: Float64Array;
  /** Interactions read, served products or not. */
  interactions: number;
  /** Served products the metadata described. */
  withMetadata: number;
}

/** A product table with one id-titled row per id, to be filled from the metadata. */
function emptyTable(ids: readonly string[]): ProductTable {
  return {
    asins: [...ids],
    titles: [...ids],
    prices: new Float64Array(ids.length).fill(Number.NaN),
    imageUrls: new Array<string | undefined>(ids.length).fill(undefined),
    brands: new Array<string | undefined>(ids.length).fill(undefined),
    category: new Int32Array(ids.length).fill(-1),
    categoryNames: [],
  };
}

/** Interns category names as the co-purchase catalogue does (an index into `categoryNames`). */
function categorySetter(table: ProductTable): (key: number, name: string | undefined) => void {
  const ids = new Map<string, number>();
  return (key, name) => {
    if (!name) return;
    let c = ids.get(name);
    if (c === undefined) {
      c = ids.size;
      ids.set(name, c);
      table.categoryNames.push(name);
    }
    table.category[key] = c;
  };
}

const ofKind = (sources: Source[], kind: Source['kind']): string[] => sources.filter((s) => s.kind === kind).map((s) => s.file);

/**
 * Reads the display rows of `ids` from the data set a PinSage run was trained
 * on, streaming: Amazon metadata (title, price, image URL, niche category) and
 * review counts, or MovieLens `movies.csv` (title, genres as the category) and
 * rating counts. Only the served ids are kept, so a metadata file of millions
 * of products costs one pass, not their memory. Bad lines are skipped, as
 * ingestion skips them.
 * @param ids the served products (ASINs or MovieLens movie ids), in key order.
 * @throws GraphrecError `ingest/no-input` when the data set is gone, `export/no-catalogue` when it holds neither reviews nor ratings.
 */
export async function readServedProducts(dataset: string, ids: readonly string[], progress: Progress = silentProgress): Promise<ServedProducts> {
  const sources = await detectSources(dataset);
  const keyOf = new Map(ids.map((id, key) => [id, key]));
  const table = emptyTable(ids);
  const popularity = new Float64Array(ids.length);
  const setCategory = categorySetter(table);
  const diagnostics = new Diagnostics();
  const described = new Uint8Array(ids.length);
  let interactions = 0;
  const count = (id: string): void => {
    interactions++;
    const key = keyOf.get(id);
    if (key !== undefined) popularity[key]++;
  };

  const ratings = ofKind(sources, 'movielens-ratings');
  const reviews = ofKind(sources, 'reviews');
  if (ratings.length === 0 && reviews.length === 0) {
    throw new GraphrecError('export/no-catalogue', `${dataset} has neither reviews nor MovieLens ratings, so it is not what a PinSage run trains on`);
  }
  progress.start('reading display rows and interaction counts', undefined, 'files');
  if (ratings.length > 0) {
    for (const file of ratings) for await (const r of readMovieLensRatings(file, diagnostics)) count(String(r.movieId));
    for (const file of ofKind(sources, 'movielens-movies')) {
      for await (const m of readMovieLensMovies(file, diagnostics)) {
        const key = keyOf.get(String(m.movieId));
        if (key === undefined || described[key]) continue;
        described[key] = 1;
        if (m.title.trim()) table.titles[key] = m.title.trim();
        setCategory(key, m.genres.join(', '));
      }
    }
  } else {
    for (const file of reviews) for await (const r of readReviews(file, diagnostics)) count(r.asin);
    for (const file of ofKind(sources, 'metadata')) {
      for await (const p of readMetadata(file, diagnostics)) {
        const key = keyOf.get(p.asin);
        if (key === undefined || described[key]) continue;
        described[key] = 1;
        if (p.title?.trim()) table.titles[key] = p.title.trim();
        if (p.price !== undefined) table.prices[key] = p.price;
        table.imageUrls[key] = p.imageUrl;
        table.brands[key] = p.brand;
        setCategory(key, p.categories[0]?.at(-1));
      }
    }
  }
  const withMetadata = described.reduce((s, d) => s + d, 0);
  progress.finish(`${withMetadata.toLocaleString('en-US')} of ${ids.length.toLocaleString('en-US')} products described, ${interactions.toLocaleString('en-US')} interactions`);
  return { products: table, popularity, interactions, withMetadata };
}
