import { join } from 'node:path';
import { buildItemFeatures, buildReviewGraph, type ItemFeatures, type ReviewGraph } from '../graph/review-graph.ts';
import type { Diagnostics } from './diagnostics.ts';
import { readMovieLensMovies, readMovieLensRatings } from './movielens.ts';
import type { ProductRecord, RatingRecord, ReviewRecord } from './records.ts';

/** Where the two MovieLens files are. */
export interface MovieLensPaths {
  /** `ratings.csv` (header `userId,movieId,rating,timestamp`), plain or gzip. */
  ratings: string;
  /** `movies.csv` (header `movieId,title,genres`), plain or gzip. */
  movies: string;
}

/** A MovieLens data set as a users × movies review graph. */
export interface MovieLensGraph {
  /** Users and movies keyed by their MovieLens ids as strings (`asins[i]` is the movieId of item i). */
  graph: ReviewGraph;
  /** Titles are `"<title> <genre> <genre> …"`; no prices (`hasPrice` 0) and no images. */
  features: ItemFeatures;
  stats: {
    /** Distinct movies listed in `movies.csv`. */
    movies: number;
    /** Listed movies nobody rated: they are not in the graph, so no protocol can rank them. */
    moviesWithoutRatings: number;
    /** Rated movies absent from `movies.csv` (empty title). */
    ratedWithoutMovie: number;
  };
}

/** The two files inside an unpacked MovieLens folder such as `ml-latest-small/`. */
export function movieLensPaths(dir: string): MovieLensPaths {
  return { ratings: join(dir, 'ratings.csv'), movies: join(dir, 'movies.csv') };
}

/**
 * The text the title encoder sees for a movie: its title, then its genres,
 * so that genre words are shared features across movies the way words of
 * product titles are.
 * @example movieText('Toy Story (1995)', ['Adventure', 'Animation']) // 'Toy Story (1995) Adventure Animation'
 */
export function movieText(title: string, genres: readonly string[]): string {
  return [title, ...genres].join(' ').trim();
}

/**
 * Builds a {@link ReviewGraph} and its {@link ItemFeatures} from MovieLens CSV
 * files, streaming both. Every rating is an interaction (whatever its value),
 * so the graph holds the rated movies only; the readers count malformed lines
 * in `diagnostics` and skip them (or throw when it is strict).
 *
 * @param paths `ratings.csv` and `movies.csv`, see {@link movieLensPaths}.
 * @param diagnostics where bad lines are reported.
 * @throws GraphrecError `data/bad-header` when a header differs, `data/<kind>` under strict diagnostics.
 * @example
 * const { graph, features } = await buildMovieLensGraph(movieLensPaths('ml-latest-small'), new Diagnostics());
 */
export async function buildMovieLensGraph(paths: MovieLensPaths, diagnostics: Diagnostics): Promise<MovieLensGraph> {
  const graph = await buildReviewGraph(asReviews(readMovieLensRatings(paths.ratings, diagnostics)));
  const rated = new Set(graph.asins);
  const metadata = new Map<string, Pick<ProductRecord, 'title' | 'price'>>();
  const listed = new Set<string>();
  for await (const m of readMovieLensMovies(paths.movies, diagnostics)) {
    const id = String(m.movieId);
    listed.add(id);
    if (rated.has(id)) metadata.set(id, { title: movieText(m.title, m.genres) || undefined, price: undefined });
  }
  const features = buildItemFeatures(graph, metadata);
  return {
    graph,
    features,
    stats: { movies: listed.size, moviesWithoutRatings: listed.size - metadata.size, ratedWithoutMovie: graph.numItems - metadata.size },
  };
}

/** Ratings as reviews: MovieLens has no helpfulness votes, so none are recorded. */
async function* asReviews(ratings: AsyncIterable<RatingRecord>): AsyncGenerator<ReviewRecord> {
  for await (const r of ratings) {
    yield { userId: String(r.userId), asin: String(r.movieId), rating: r.rating, helpfulVotes: 0, totalVotes: undefined, time: r.time };
  }
}
