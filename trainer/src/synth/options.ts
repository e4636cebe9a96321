import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { DEFAULT_ALSO_BOUGHT_MEAN, MAX_ALSO_BOUGHT_MEAN, MIN_ALSO_BOUGHT_MEAN } from './copurchase.ts';

/** Options of {@link generateSynthetic}; only `products` and `out` are required. */
export interface SynthOptions {
  /** Number of products, ≥ 10. */
  products: number;
  /** Number of reviewers, ≥ 10; default products / 2. */
  users?: number;
  /** Number of latent (niche) categories; default sqrt(products) / 2 clamped to [8, 2000], at most products / 5. */
  categories?: number;
  /** Seed of every random choice; default 1. The same options give byte-identical files. */
  seed?: number;
  /** Output directory, created if missing. */
  out: string;
  /** Share of products with an image feature record; default 1 up to 20,000 products, else 0.02 (16 KB a record). */
  imageFraction?: number;
  /** Write `.json.gz` (true, default) or plain `.json`. */
  gzip?: boolean;
  /**
   * zlib level 1–9; default 6. Compression runs on a zlib thread beside generation, so on
   * two cores level 6 cost ~12% more time than level 1 for 1M products (66 s vs 58 s) and
   * saved ~16% of the gzip bytes (319 MB vs 379 MB).
   */
  gzipLevel?: number;
  /**
   * Mean also_bought list length, in [1, 40]; default 8. Lengths stay log-normal (heavy-tailed)
   * with the longest list 5 × mean, and lists hold distinct products. Other lists are unchanged.
   * The default gives byte-identical output to earlier versions; `synth.json` records the
   * option only when it differs from the default. 20,000 products at 26 give about 430,000
   * undirected co-purchase edges (434,542 at seed 1 as counted by `ingest`: the reference study's scale).
   */
  alsoBoughtMean?: number;
}

/** {@link SynthOptions} with every default filled in. */
export type ResolvedSynthOptions = Readonly<Required<SynthOptions>>;

const IMAGE_ALL_UP_TO = 20_000;
const IMAGE_FRACTION_LARGE = 0.02;

function badOption(name: string, value: unknown, allowed: string): never {
  throw new GraphrecError('synth/bad-option', `Invalid ${name}: ${String(value)}. It must be ${allowed}.`, { name, value });
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) badOption(name, value, `an integer in [${min}, ${max}]`);
  return value;
}

/**
 * Fills in defaults and checks ranges.
 * @throws GraphrecError `synth/bad-option` naming the option and its allowed values.
 */
export function resolveSynthOptions(options: SynthOptions): ResolvedSynthOptions {
  const products = checkInt('products', options.products, 10, 999_999_998);
  const users = checkInt('users', options.users ?? Math.max(10, Math.round(products / 2)), 10, 2_000_000_000);
  const defaultCategories = Math.min(Math.max(1, Math.floor(products / 5)), Math.min(2000, Math.max(8, Math.round(Math.sqrt(products) / 2))));
  const categories = checkInt('categories', options.categories ?? defaultCategories, 1, products);
  const seed = checkInt('seed', options.seed ?? 1, 0, 0xffffffff);
  const imageFraction = options.imageFraction ?? (products <= IMAGE_ALL_UP_TO ? 1 : IMAGE_FRACTION_LARGE);
  if (!(imageFraction >= 0 && imageFraction <= 1)) badOption('imageFraction', imageFraction, 'a number in [0, 1]');
  const gzipLevel = checkInt('gzipLevel', options.gzipLevel ?? 6, 1, 9);
  const alsoBoughtMean = options.alsoBoughtMean ?? DEFAULT_ALSO_BOUGHT_MEAN;
  if (!(typeof alsoBoughtMean === 'number' && alsoBoughtMean >= MIN_ALSO_BOUGHT_MEAN && alsoBoughtMean <= MAX_ALSO_BOUGHT_MEAN)) {
    badOption('alsoBoughtMean', alsoBoughtMean, `a number in [${MIN_ALSO_BOUGHT_MEAN}, ${MAX_ALSO_BOUGHT_MEAN}]`);
  }
  if (typeof options.out !== 'string' || options.out === '') badOption('out', options.out, 'a directory path');
  return Object.freeze({ products, users, categories, seed, out: options.out, imageFraction, gzip: options.gzip ?? true, gzipLevel, alsoBoughtMean });
}
