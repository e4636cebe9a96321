import { readCsvRows } from './csv.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { MovieRecord, RatingRecord } from './records.ts';

const RATINGS_HEADER = ['userId', 'movieId', 'rating', 'timestamp'] as const;
const MOVIES_HEADER = ['movieId', 'title', 'genres'] as const;
const NO_GENRES = '(no genres listed)';

/**
 * Streams the ratings of a MovieLens `ratings.csv`
 * (header `userId,movieId,rating,timestamp`).
 * Lines with the wrong number of fields are reported as `malformed-line`,
 * fields that are not numbers (or ids that are not integers) as `wrong-type`;
 * both are skipped.
 *
 * @param path `ratings.csv`, plain or gzip.
 * @param diagnostics where bad lines are reported.
 * @throws GraphrecError `data/bad-header` when the header differs.
 * @example
 * for await (const r of readMovieLensRatings('ml-latest-small/ratings.csv', new Diagnostics())) {
 *   console.log(r.userId, r.movieId, r.rating, r.time);
 * }
 */
export async function* readMovieLensRatings(path: string, diagnostics: Diagnostics): AsyncGenerator<RatingRecord> {
  for await (const { fields, line } of readCsvRows(path, diagnostics, RATINGS_HEADER)) {
    const userId = parseInteger(fields[0]);
    const movieId = parseInteger(fields[1]);
    const rating = parseNumber(fields[2]);
    const time = parseInteger(fields[3]);
    if (userId === undefined || movieId === undefined || rating === undefined || time === undefined) {
      const bad = [userId, movieId, rating, time].indexOf(undefined);
      const what = bad === 2 ? 'a number' : 'an integer';
      diagnostics.report('wrong-type', path, line, `${RATINGS_HEADER[bad]} "${fields[bad]}" is not ${what}`);
      continue;
    }
    yield { userId, movieId, rating, time };
  }
}

/**
 * Streams the movies of a MovieLens `movies.csv` (header `movieId,title,genres`).
 * Titles may be quoted and hold commas or doubled quotes; genres are split on
 * `|`, and `(no genres listed)` becomes `[]`. A `movieId` that is not an
 * integer is reported as `wrong-type`, a bad line as `malformed-line`.
 *
 * @param path `movies.csv`, plain or gzip.
 * @param diagnostics where bad lines are reported.
 * @throws GraphrecError `data/bad-header` when the header differs.
 */
export async function* readMovieLensMovies(path: string, diagnostics: Diagnostics): AsyncGenerator<MovieRecord> {
  for await (const { fields, line } of readCsvRows(path, diagnostics, MOVIES_HEADER)) {
    const movieId = parseInteger(fields[0]);
    if (movieId === undefined) {
      diagnostics.report('wrong-type', path, line, `movieId "${fields[0]}" is not an integer`);
      continue;
    }
    const genres = fields[2] === NO_GENRES || fields[2] === '' ? [] : fields[2].split('|');
    yield { movieId, title: fields[1], genres };
  }
}

function parseNumber(text: string): number | undefined {
  // Number('') and Number(' ') are 0, so blank fields need their own check.
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function parseInteger(text: string): number | undefined {
  const value = parseNumber(text);
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}
