import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../util/rng.ts';
import { buildCatalogue } from './catalogue.ts';
import { selectImageProducts, writeImageFeatures } from './images.ts';
import { writeMetadata } from './metadata.ts';
import { DEFAULT_ALSO_BOUGHT_MEAN } from './copurchase.ts';
import { resolveSynthOptions, type ResolvedSynthOptions, type SynthOptions } from './options.ts';
import { writeReviews } from './review-lines.ts';
import { planReviews } from './reviews.ts';
import { FileSink, LineWriter } from './sink.ts';
import { buildTaxonomy } from './taxonomy.ts';

export type { SynthOptions, ResolvedSynthOptions } from './options.ts';

/** File names inside the output directory. */
export interface SynthFiles {
  metadata: string;
  reviews: string;
  images: string;
  summary: string;
}

/** Counts of what was written; also saved, without `out`, as `synth.json`. */
export interface SynthSummary {
  generator: 'graphrec-synth';
  version: 1;
  /** The resolved options; `alsoBoughtMean` only when it is not the default 8, so default runs keep their earlier `synth.json`. */
  options: Omit<ResolvedSynthOptions, 'out' | 'alsoBoughtMean'> & { alsoBoughtMean?: number };
  /** Absolute or relative as given: the output directory. */
  out: string;
  files: SynthFiles;
  counts: {
    products: number;
    productsWithTitle: number;
    productsWithPrice: number;
    categories: { top: number; sub: number; niche: number };
    alsoBought: number;
    alsoBoughtSameCategory: number;
    alsoBoughtComplement: number;
    alsoViewed: number;
    boughtTogether: number;
    users: number;
    reviews: number;
    reviewedProducts: number;
    reviewsAddedFor5Core: number;
    /** Reviews per star rating, index 0 = one star. */
    ratings: number[];
    imageRecords: number;
  };
  /** First and last review day, unix seconds. */
  reviewTimeRange: [number, number];
}

/** Called as stages progress: `stage` is 'catalogue', 'metadata', 'reviews' or 'images'. */
export type SynthProgress = (stage: string, done: number, total: number) => void;

function fileNames(gzip: boolean): SynthFiles {
  const gz = gzip ? '.gz' : '';
  return {
    metadata: `meta_Synthetic.json${gz}`,
    reviews: `reviews_Synthetic_5.json${gz}`,
    images: 'image_features_Synthetic.b',
    summary: 'synth.json',
  };
}

/**
 * Writes a synthetic data set in the McAuley 2014 formats with planted structure:
 * niche categories drive title words, co-purchases (85% within the niche, 15% to
 * 1–2 complementary niches), prices, reviews (users prefer 1–3 niches) and image
 * features. Popularity is Zipf(1). Reviews are 5-core by construction and checked.
 * Files are streamed with backpressure; per-product state lives in typed arrays.
 *
 * @param options see {@link SynthOptions}.
 * @param onProgress optional progress callback.
 * @returns the counts written to `synth.json`, plus the output directory.
 * @throws GraphrecError `synth/bad-option` for an invalid option.
 * @example
 * const summary = await generateSynthetic({ products: 2000, users: 1000, seed: 7, out: '/tmp/synth' });
 * summary.counts.reviews; // reviews written to /tmp/synth/reviews_Synthetic_5.json.gz
 */
export async function generateSynthetic(options: SynthOptions, onProgress?: SynthProgress): Promise<SynthSummary> {
  const opts = resolveSynthOptions(options);
  const progress = (stage: string) => (done: number, total: number) => onProgress?.(stage, done, total);
  await mkdir(opts.out, { recursive: true });
  const files = fileNames(opts.gzip);
  const level = opts.gzip ? opts.gzipLevel : undefined;
  const root = new Rng(opts.seed);
  // One forked stream per stage, so changing how one stage draws leaves the others' output unchanged.
  const [taxRng, catRng, imageMaskRng, metaRng, planRng, reviewRng, imageRng] = Array.from({ length: 7 }, () => root.fork());

  progress('catalogue')(0, 1);
  const taxonomy = buildTaxonomy(taxRng, opts.categories);
  const catalogue = buildCatalogue(catRng, opts.products, opts.categories);
  const hasImage = selectImageProducts(imageMaskRng, opts.products, opts.imageFraction);
  progress('catalogue')(1, 1);

  const metaOut = new LineWriter(FileSink.open(join(opts.out, files.metadata), level));
  const meta = await writeMetadata(metaOut, catalogue, taxonomy, hasImage, metaRng, progress('metadata'), opts.alsoBoughtMean);
  await metaOut.close();

  const plan = planReviews(planRng, catalogue, opts.users);
  const reviewOut = new LineWriter(FileSink.open(join(opts.out, files.reviews), level));
  const reviews = await writeReviews(reviewOut, plan, catalogue, taxonomy, reviewRng, progress('reviews'));
  await reviewOut.close();

  const imageOut = FileSink.open(join(opts.out, files.images));
  const imageRecords = await writeImageFeatures(imageOut, catalogue, taxonomy, hasImage, imageRng, progress('images'));
  await imageOut.close();

  const { out, alsoBoughtMean, ...rest } = opts;
  const recorded = alsoBoughtMean === DEFAULT_ALSO_BOUGHT_MEAN ? rest : { ...rest, alsoBoughtMean };
  const summary: SynthSummary = {
    generator: 'graphrec-synth',
    version: 1,
    options: recorded,
    out,
    files,
    counts: {
      products: meta.products,
      productsWithTitle: meta.withTitle,
      productsWithPrice: meta.withPrice,
      categories: { top: taxonomy.tops.length, sub: taxonomy.subs.length, niche: taxonomy.niches.length },
      alsoBought: meta.alsoBought,
      alsoBoughtSameCategory: meta.alsoBoughtSameCategory,
      alsoBoughtComplement: meta.alsoBoughtComplement,
      alsoViewed: meta.alsoViewed,
      boughtTogether: meta.boughtTogether,
      users: plan.numUsers,
      reviews: reviews.reviews,
      reviewedProducts: plan.reviewedItems,
      reviewsAddedFor5Core: plan.toppedUp,
      ratings: reviews.ratings,
      imageRecords,
    },
    reviewTimeRange: [reviews.firstTime, reviews.lastTime],
  };
  const { out: _omit, ...saved } = summary;
  await writeFile(join(opts.out, files.summary), JSON.stringify(saved, null, 2) + '\n');
  return summary;
}
