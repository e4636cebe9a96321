import type { Rng } from '../util/rng.ts';
import { samplePrice, type Catalogue } from './catalogue.ts';
import { RelatedSampler, type RelatedStats } from './copurchase.ts';
import { asinOf, imageUrlOf } from './ids.ts';
import { categoryPath, type Taxonomy } from './taxonomy.ts';
import { capitalize, GENERIC_WORDS, pick } from './vocabulary.ts';
import { formatMetaLine, pyAsinList } from './writers.ts';
import type { LineWriter } from './sink.ts';

/** Shares of products missing a field, roughly as in the real 2014 metadata. */
const NO_TITLE = 0.01;
const NO_PRICE = 0.03;
const NO_IMAGE_URL = 0.02;
const NO_SALES_RANK = 0.04;
const NO_BRAND = 0.15;
const PROGRESS_EVERY = 10_000;

/** What writing the metadata produced. */
export interface MetadataStats extends RelatedStats {
  products: number;
  withTitle: number;
  withPrice: number;
}

/**
 * A title of 2–5 words of the niche's pool, sometimes led by the brand, with
 * an occasional generic word, `Men's` or an inch size (`12"`), so some titles
 * need double quotes or escapes in the Python literal.
 */
export function makeTitle(rng: Rng, words: readonly string[], brand: string | undefined): string {
  const parts: string[] = [];
  if (brand !== undefined && rng.next() < 0.6) parts.push(brand);
  if (rng.next() < 0.03) parts.push(rng.next() < 0.5 ? "Men's" : "Women's");
  for (const w of pick(rng, words, 2 + rng.int(4))) parts.push(capitalize(w));
  if (rng.next() < 0.5) parts.push(capitalize(GENERIC_WORDS[rng.int(GENERIC_WORDS.length)]));
  if (rng.next() < 0.03) parts.push(`${4 + rng.int(60)}"`);
  return parts.join(' ');
}

/**
 * Streams `meta_*.json(.gz)`: one 2014 Python dict literal per product, in ASIN order.
 * @param hasImage [numProducts] 1 for products that get an image feature record; they always have `imUrl`.
 * @param alsoBoughtMean mean also_bought list length (see {@link RelatedSampler}); default 8.
 */
export async function writeMetadata(
  out: LineWriter,
  catalogue: Catalogue,
  taxonomy: Taxonomy,
  hasImage: Uint8Array,
  rng: Rng,
  progress: (done: number, total: number) => void,
  alsoBoughtMean?: number,
): Promise<MetadataStats> {
  const related = new RelatedSampler(catalogue, rng.fork(), alsoBoughtMean);
  const paths = Array.from({ length: catalogue.numCategories }, (_, c) => [categoryPath(taxonomy, c)]);
  const n = catalogue.numProducts;
  let withTitle = 0;
  let withPrice = 0;
  for (let i = 0; i < n; i++) {
    const c = catalogue.category[i];
    const brands = taxonomy.nicheBrands[c];
    const brand = rng.next() < NO_BRAND ? undefined : brands[rng.int(brands.length)];
    const title = rng.next() < NO_TITLE ? undefined : makeTitle(rng, taxonomy.nicheWords[c], brand);
    const price = rng.next() < NO_PRICE ? undefined : samplePrice(catalogue, c, rng);
    const noUrl = rng.next() < NO_IMAGE_URL && hasImage[i] === 0;
    const noRank = rng.next() < NO_SALES_RANK;
    related.sample(i);
    const line = formatMetaLine({
      asin: asinOf(i),
      title,
      price,
      imUrl: noUrl ? undefined : imageUrlOf(i),
      alsoBought: related.alsoBoughtCount > 0 ? pyAsinList(related.alsoBought, related.alsoBoughtCount) : undefined,
      alsoViewed: related.alsoViewedCount > 0 ? pyAsinList(related.alsoViewed, related.alsoViewedCount) : undefined,
      boughtTogether:
        related.boughtTogetherCount > 0 ? pyAsinList(related.boughtTogether, related.boughtTogetherCount) : undefined,
      salesRank: noRank ? undefined : { category: paths[c][0][0], rank: catalogue.rank[i] + 1 },
      brand,
      categories: paths[c],
    });
    if (title !== undefined) withTitle++;
    if (price !== undefined) withPrice++;
    if (out.add(line)) await out.flush();
    if ((i + 1) % PROGRESS_EVERY === 0) progress(i + 1, n);
  }
  progress(n, n);
  return { products: n, withTitle, withPrice, ...related.stats };
}
