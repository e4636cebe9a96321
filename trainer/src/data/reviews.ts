import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { Diagnostics } from './diagnostics.ts';
import { isDict, missingField, parseEachLine, wrongType, type Dict } from './fields.ts';
import type { ReviewRecord } from './records.ts';

/** Identifiers are required; one that is not a non-empty string counts as missing. */
function requireId(rec: Dict, field: string): string {
  const v = rec[field];
  if (typeof v !== 'string' || v === '') missingField(field, 'a non-empty string', v);
  return v;
}

function requireNumber(rec: Dict, field: string): number {
  const v = rec[field];
  if (v === undefined || v === null) missingField(field, 'a number', v);
  if (typeof v !== 'number' || !Number.isFinite(v)) wrongType(field, 'a finite number', v);
  return v;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** 2014 `helpful: [helpful, total]`; 2018 `vote: "1,234"`; neither gives 0 votes of unknown total. */
function votes(rec: Dict): { helpfulVotes: number; totalVotes: number | undefined } {
  const helpful = rec.helpful;
  if (helpful !== undefined && helpful !== null) {
    if (!Array.isArray(helpful) || helpful.length !== 2 || !helpful.every(isCount)) {
      wrongType('helpful', 'a pair of vote counts [helpful, total]', helpful);
    }
    return { helpfulVotes: helpful[0], totalVotes: helpful[1] };
  }
  const vote = rec.vote;
  if (vote === undefined || vote === null) return { helpfulVotes: 0, totalVotes: undefined };
  const count = typeof vote === 'string' && /^\s*\d[\d,]*\s*$/.test(vote) ? Number(vote.replace(/[,\s]/g, '')) : vote;
  if (!isCount(count)) wrongType('vote', 'a vote count such as "1,234"', vote);
  return { helpfulVotes: count, totalVotes: undefined };
}

/**
 * Checks and converts one parsed 5-core review (2014 or 2018) into a {@link ReviewRecord}.
 *
 * @param value the parsed JSON line.
 * @throws GraphrecError `data/missing-field` without a string `reviewerID` or `asin`, or
 *   without `overall` or `unixReviewTime`; `data/wrong-type` when the line is not an
 *   object, a field has the wrong type, or `overall` is outside 1–5.
 */
export function normalizeReview(value: unknown): ReviewRecord {
  if (!isDict(value)) return wrongType('line', 'an object', value);
  const userId = requireId(value, 'reviewerID');
  const asin = requireId(value, 'asin');
  const rating = requireNumber(value, 'overall');
  if (rating < 1 || rating > 5) wrongType('overall', 'a rating from 1 to 5', rating);
  const time = requireNumber(value, 'unixReviewTime');
  return { userId, asin, rating, ...votes(value), time };
}

/**
 * Parses and normalises one review line.
 *
 * @param text one JSON object.
 * @throws GraphrecError `data/malformed-line` when the line is not JSON, or as {@link normalizeReview}.
 */
export function parseReviewLine(text: string): ReviewRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new GraphrecError('data/malformed-line', `JSON: ${(err as Error).message}`);
  }
  return normalizeReview(value);
}

/**
 * Streams the reviews of a McAuley 5-core file (2014 or 2018, plain or gzip).
 * Bad lines are reported to `diagnostics` (`malformed-line`, `missing-field`,
 * `wrong-type`, `truncated-gzip`) with their line numbers and skipped.
 *
 * @param path the `*_5.json[.gz]` file, one JSON object per line.
 * @param diagnostics collects problems; a strict one throws on the first.
 * @throws GraphrecError `data/<kind>` on the first problem when `diagnostics` is strict.
 * @example
 * const diagnostics = new Diagnostics();
 * for await (const review of readReviews('Gift_Cards_5.json.gz', diagnostics)) edges.push(review);
 */
export async function* readReviews(path: string, diagnostics: Diagnostics): AsyncGenerator<ReviewRecord> {
  yield* parseEachLine(path, diagnostics, (text) => parseReviewLine(text));
}
