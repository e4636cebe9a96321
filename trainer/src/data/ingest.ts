import { basename } from 'node:path';
import { csrFromSparseAdjacency } from '../graph/csr.ts';
import { buildCoPurchaseGraph, type CoPurchaseGraph } from '../graph/copurchase.ts';
import { buildItemFeatures, buildReviewGraph, type ItemFeatures, type ReviewGraph } from '../graph/review-graph.ts';
import { silentProgress, type Progress } from '../util/progress.ts';
import { readCoraNpz, type CoraDataset } from './cora.ts';
import { Diagnostics, type DiagnosticsSummary } from './diagnostics.ts';
import { readImageFeatures } from './image-features.ts';
import { readMetadata, type MetadataFormat } from './metadata.ts';
import { readMovieLensMovies, readMovieLensRatings } from './movielens.ts';
import type { ProductRecord, ReviewRecord } from './records.ts';
import { readReviews } from './reviews.ts';
import { detectSources, type Source, type SourceKind } from './sources.ts';

export interface IngestOptions {
  strict?: boolean;
  metadataFormat?: 'auto' | MetadataFormat;
  progress?: Progress;
}

/** What `graphrec ingest` reports: counts per source and the graphs built from them. */
export interface IngestReport {
  path: string;
  sources: Source[];
  metadata?: { products: number; withTitle: number; withAlsoBought: number; withPrice: number; withImageUrl: number };
  coPurchase?: CoPurchaseGraph['stats'] & { nodes: number; edges: number; categories: number };
  reviews?: { reviews: number; users: number; items: number; interactions: number; duplicateReviews: number; itemsWithMetadata: number; itemsWithImage: number };
  imageFeatures?: { records: number; inCatalogue: number };
  movielens?: { ratings: number; users: number; ratedMovies: number; movies: number };
  cora?: { nodes: number; links: number; undirectedEdges: number; classes: number; features: number };
  problems: DiagnosticsSummary;
}

/** Everything ingestion produced, for the stages after it. */
export interface IngestResult {
  report: IngestReport;
  coPurchase?: CoPurchaseGraph;
  reviewGraph?: ReviewGraph;
  itemFeatures?: ItemFeatures;
  cora?: CoraDataset;
}

function ofKind(sources: Source[], kind: SourceKind): string[] {
  return sources.filter((s) => s.kind === kind).map((s) => s.file);
}

async function* concat<T>(files: string[], read: (file: string) => AsyncGenerator<T>): AsyncGenerator<T> {
  for (const file of files) yield* read(file);
}

/** Reports streaming progress every 10,000 records. */
async function* tick<T>(items: AsyncIterable<T>, progress: Progress, stage: string, unit: string): AsyncGenerator<T> {
  progress.start(stage, undefined, unit);
  let n = 0;
  for await (const item of items) {
    if (++n % 10_000 === 0) progress.update(n);
    yield item;
  }
  progress.finish(`${n.toLocaleString('en-US')} ${unit}`);
}

/**
 * Reads every recognised file at `path`, streaming, and builds the graphs
 * they support: reviews → the review graph; metadata → the co-purchase graph
 * (and titles and prices for reviewed products); `.b` → which products have
 * image features; MovieLens and Cora → their counts. Bad records are counted,
 * skipped and summarised in `report.problems` (or thrown with `strict`).
 */
export async function ingest(path: string, options: IngestOptions = {}): Promise<IngestResult> {
  const progress = options.progress ?? silentProgress;
  const diagnostics = new Diagnostics({ strict: options.strict });
  const sources = await detectSources(path);
  const report: IngestReport = { path, sources, problems: diagnostics.summary() };
  const result: IngestResult = { report };

  const reviewFiles = ofKind(sources, 'reviews');
  if (reviewFiles.length > 0) {
    const reviews = concat<ReviewRecord>(reviewFiles, (f) => readReviews(f, diagnostics));
    result.reviewGraph = await buildReviewGraph(tick(reviews, progress, `reading reviews (${reviewFiles.map((f) => basename(f)).join(', ')})`, 'reviews'));
  }
  const reviewed = new Set(result.reviewGraph?.asins ?? []);
  const reviewedMeta = new Map<string, Pick<ProductRecord, 'title' | 'price'>>();

  const metaFiles = ofKind(sources, 'metadata');
  if (metaFiles.length > 0) {
    const counts = { products: 0, withTitle: 0, withAlsoBought: 0, withPrice: 0, withImageUrl: 0 };
    const products = concat<ProductRecord>(metaFiles, (f) => readMetadata(f, diagnostics, { format: options.metadataFormat }));
    async function* counted(): AsyncGenerator<ProductRecord> {
      for await (const p of tick(products, progress, `reading metadata (${metaFiles.map((f) => basename(f)).join(', ')})`, 'products')) {
        counts.products++;
        if (p.title) counts.withTitle++;
        if (p.alsoBought.length > 0) counts.withAlsoBought++;
        if (p.price !== undefined) counts.withPrice++;
        if (p.imageUrl) counts.withImageUrl++;
        if (reviewed.has(p.asin)) reviewedMeta.set(p.asin, { title: p.title, price: p.price });
        yield p;
      }
    }
    const graph = await buildCoPurchaseGraph(counted());
    result.coPurchase = graph;
    report.metadata = counts;
    report.coPurchase = { nodes: graph.graph.numNodes, edges: graph.stats.undirectedEdges, categories: graph.products.categoryNames.length, ...graph.stats };
  }

  const imageRows = new Map<string, number>();
  const imageFiles = ofKind(sources, 'image-features');
  if (imageFiles.length > 0) {
    const catalogue = new Set([...reviewed, ...(result.coPurchase?.products.asins ?? [])]);
    let records = 0;
    let inCatalogue = 0;
    const images = concat(imageFiles, (f) => readImageFeatures(f, diagnostics));
    for await (const { asin } of tick(images, progress, 'reading image features', 'records')) {
      records++;
      if (catalogue.has(asin)) inCatalogue++;
      if (reviewed.has(asin) && !imageRows.has(asin)) imageRows.set(asin, imageRows.size);
    }
    report.imageFeatures = { records, inCatalogue };
  }

  if (result.reviewGraph) {
    const g = result.reviewGraph;
    result.itemFeatures = buildItemFeatures(g, reviewedMeta, imageRows);
    report.reviews = {
      reviews: g.stats.reviewsRead,
      users: g.numUsers,
      items: g.numItems,
      interactions: g.stats.interactions,
      duplicateReviews: g.stats.duplicateReviews,
      itemsWithMetadata: result.itemFeatures.stats.withMetadata,
      itemsWithImage: result.itemFeatures.stats.withImage,
    };
  }

  const ratingFiles = ofKind(sources, 'movielens-ratings');
  if (ratingFiles.length > 0) {
    const users = new Set<number>();
    const rated = new Set<number>();
    let ratings = 0;
    for await (const r of tick(concat(ratingFiles, (f) => readMovieLensRatings(f, diagnostics)), progress, 'reading MovieLens ratings', 'ratings')) {
      ratings++;
      users.add(r.userId);
      rated.add(r.movieId);
    }
    let movies = 0;
    for await (const _ of concat(ofKind(sources, 'movielens-movies'), (f) => readMovieLensMovies(f, diagnostics))) movies++;
    report.movielens = { ratings, users: users.size, ratedMovies: rated.size, movies };
  }

  for (const file of ofKind(sources, 'npz')) {
    const cora = await readCoraNpz(file);
    result.cora = cora;
    const graph = csrFromSparseAdjacency(cora.numNodes, cora.adjacency.indptr, cora.adjacency.indices);
    report.cora = { nodes: cora.numNodes, links: cora.numLinks, undirectedEdges: graph.targets.length / 2, classes: cora.classNames.length, features: cora.features.shape[1] };
  }

  report.problems = diagnostics.summary();
  return result;
}
