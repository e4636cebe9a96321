import type { Rng } from '../util/rng.ts';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'cr', 'dr', 'gl', 'pl', 'st', 'tr', 'sh', 'ch', 'th'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'o', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', '', '', 'n', 'r', 'l', 's', 'x', 'm', 't', 'nd', 'rk'];

/** Words shared by every category's titles, as real titles share "pack", "black" or "pro". */
export const GENERIC_WORDS: readonly string[] = [
  'pack', 'black', 'pro', 'set', 'mini', 'white', 'deluxe', 'classic', 'premium', 'kit', '2-pack', 'large', 'plus', 'original',
];

/** Openings, qualities and closings of review texts, by sentiment (index 0 = negative, 1 = mixed, 2 = positive). */
export const REVIEW_PHRASES: readonly (readonly string[])[][] = [
  [
    ['Disappointed with this', 'Not happy with the', 'Returned the', "Wouldn't buy this"],
    ['broke after a week', 'feels cheap', 'did not fit', 'stopped working'],
    ['Save your money.', 'Not recommended.', "Don't bother."],
  ],
  [
    ['It is an okay', 'Decent', 'Mixed feelings about the', 'An average'],
    ['works but is a bit flimsy', 'does the job', 'is smaller than expected', "isn't great"],
    ['Fine for the price.', 'It will do.', 'Could be better.'],
  ],
  [
    ['Love this', 'Great', 'Really happy with the', 'Excellent', 'Best'],
    ['works perfectly', 'is well made', 'fits just right', 'arrived quickly', "exceeded my expectations"],
    ['Would buy again.', 'Highly recommended!', 'Five stars.', "Can't complain."],
  ],
];

/** Summaries by star rating (index = rating - 1), the style of the later 2014 5-core files. */
export const STAR_SUMMARIES: readonly string[] = ['One Star', 'Two Stars', 'Three Stars', 'Four Stars', 'Five Stars'];

/** One pronounceable pseudo-word of 2–3 consonant-vowel syllables. */
export function pseudoWord(rng: Rng): string {
  const syllables = 2 + (rng.next() < 0.3 ? 1 : 0);
  let word = '';
  for (let s = 0; s < syllables; s++) word += ONSETS[rng.int(ONSETS.length)] + VOWELS[rng.int(VOWELS.length)];
  return word + CODAS[rng.int(CODAS.length)];
}

/**
 * `count` distinct pseudo-words, none equal to a generic word.
 * @param rng drives the choice; the same state gives the same list.
 */
export function pseudoWords(rng: Rng, count: number): string[] {
  const seen = new Set<string>(GENERIC_WORDS);
  const words: string[] = [];
  while (words.length < count) {
    const w = pseudoWord(rng);
    if (seen.has(w)) continue;
    seen.add(w);
    words.push(w);
  }
  return words;
}

/** `'kelvo'` → `'Kelvo'`. */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `k` distinct elements of `pool`, in random order (partial Fisher–Yates on a copy). */
export function pick<T>(rng: Rng, pool: readonly T[], k: number): T[] {
  const copy = pool.slice();
  const n = Math.min(k, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(copy.length - i);
    const tmp = copy[i];
    copy[i] = copy[j];
    copy[j] = tmp;
  }
  return copy.slice(0, n);
}
