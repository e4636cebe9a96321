import type { Rng } from '../util/rng.ts';
import { capitalize, pick, pseudoWords } from './vocabulary.ts';

/** Title words per niche: own words plus a few inherited from the sub and top category. */
const OWN_WORDS = 14;
const SUB_WORDS = 4;
const TOP_WORDS = 2;
const PARENT_POOL = 30;
const TOP_SUFFIXES = ['Goods', 'Supplies', '& Outdoors', 'Home', 'Gear', 'Essentials', '& Kitchen', 'Accessories'];
const NICHE_PREFIXES = ["Men's", "Women's", "Kids'"];

/**
 * The planted category tree: top / sub / niche, where the niche is the latent
 * category of a product. Names are unique within each level.
 */
export interface Taxonomy {
  tops: string[];
  subs: string[];
  niches: string[];
  /** [numSubs] top index of each sub. */
  subTop: Int32Array;
  /** [numNiches] sub index of each niche. */
  nicheSub: Int32Array;
  /** [numNiches][~20] lower-case title words of each niche. */
  nicheWords: string[][];
  /** [numNiches][3..8] brand names used in each niche. */
  nicheBrands: string[][];
}

/** A parent index for each of `n` children: every parent gets one child first, the rest at random. */
function assignParents(rng: Rng, n: number, parents: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i < parents ? i : rng.int(parents);
  return rng.shuffle(out);
}

/** `count` unique names built by `make`. */
function uniqueNames(count: number, make: () => string): string[] {
  const seen = new Set<string>();
  while (seen.size < count) seen.add(make());
  return [...seen];
}

/**
 * Builds the category tree, its names and the title-word pools.
 * @param numNiches number of latent categories, ≥ 1.
 */
export function buildTaxonomy(rng: Rng, numNiches: number): Taxonomy {
  const numSubs = Math.min(numNiches, Math.max(2, Math.round(Math.sqrt(numNiches) * 1.5)));
  const numTops = Math.min(numSubs, Math.max(2, Math.min(30, Math.round(Math.cbrt(numNiches) * 1.5))));
  const vocab = pseudoWords(rng, Math.max(2000, 10 * numNiches + PARENT_POOL * (numSubs + numTops)));
  let next = 0;
  const take = (k: number): string[] => vocab.slice(next, (next += k));

  const tops = uniqueNames(numTops, () => `${capitalize(vocab[rng.int(vocab.length)])} ${TOP_SUFFIXES[rng.int(TOP_SUFFIXES.length)]}`);
  const subs = uniqueNames(numSubs, () => capitalize(vocab[rng.int(vocab.length)]) + (rng.next() < 0.3 ? ' Accessories' : ''));
  const niches = uniqueNames(numNiches, () => {
    const name = capitalize(vocab[rng.int(vocab.length)]) + (rng.next() < 0.4 ? ' ' + capitalize(vocab[rng.int(vocab.length)]) : '');
    return rng.next() < 0.05 ? `${NICHE_PREFIXES[rng.int(NICHE_PREFIXES.length)]} ${name}` : name;
  });
  const subTop = assignParents(rng, numSubs, numTops);
  const nicheSub = assignParents(rng, numNiches, numSubs);

  const topPools = tops.map(() => take(PARENT_POOL));
  const subPools = subs.map(() => take(PARENT_POOL));
  const nicheWords: string[][] = [];
  const nicheBrands: string[][] = [];
  const brandPool = uniqueNames(Math.max(50, 2 * numNiches), () => {
    const name = capitalize(vocab[rng.int(vocab.length)]);
    return rng.next() < 0.04 ? `${name}'s` : name;
  });
  for (let c = 0; c < numNiches; c++) {
    const sub = nicheSub[c];
    const own = new Set<string>();
    while (own.size < OWN_WORDS) own.add(vocab[rng.int(vocab.length)]);
    const inherited = [...pick(rng, subPools[sub], SUB_WORDS), ...pick(rng, topPools[subTop[sub]], TOP_WORDS)];
    nicheWords.push([...new Set([...own, ...inherited])]);
    nicheBrands.push(Array.from({ length: 3 + rng.int(6) }, () => brandPool[rng.int(brandPool.length)]));
  }
  return { tops, subs, niches, subTop, nicheSub, nicheWords, nicheBrands };
}

/** The 3-level path `[top, sub, niche]` of niche `c`. */
export function categoryPath(t: Taxonomy, c: number): [string, string, string] {
  const sub = t.nicheSub[c];
  return [t.tops[t.subTop[sub]], t.subs[sub], t.niches[c]];
}
