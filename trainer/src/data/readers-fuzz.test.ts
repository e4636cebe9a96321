import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { Diagnostics } from './diagnostics.ts';
import { encodeImageFeatureRecord, readImageFeatures } from './image-features.ts';
import { readMetadata } from './metadata.ts';
import { readMovieLensMovies, readMovieLensRatings } from './movielens.ts';
import { parseNpz } from './npz.ts';
import { parseNpy } from './npy.ts';
import { readReviews } from './reviews.ts';

/**
 * Property-based fuzzing of the data readers: valid lines corrupted at
 * random (cut, bytes flipped or inserted, binary junk), files truncated at a
 * random byte (gzip too). A lenient reader never throws: it yields whole
 * records, counts and skips the rest, and accounts for every line. The one
 * refusal allowed: a CSV cut inside its header (`data/bad-header`).
 */
const { dir } = fixtureFolder('readers-fuzz');
let files = 0;

const VALID = {
  metadata: [
    `{'asin': '0000031852', 'title': 'Girls Ballet Tutu', 'price': 3.17, 'related': {'also_bought': ['B00JHONN1S']}, 'categories': [['Clothing']]}`,
    '{"asin": "B00004", "title": "A product", "price": "$12.99", "also_buy": ["B00005"], "category": ["Toys"]}',
  ],
  reviews: ['{"reviewerID": "A2", "asin": "B01", "overall": 5.0, "unixReviewTime": 1393545600}', '{"overall": 4.0, "reviewerID": "U3", "asin": "B02", "unixReviewTime": 1528934400}'],
  ratings: ['1,1,4.0,964982703', '3,7,5.0,1445714994'],
  movies: ['1,Toy Story (1995),Adventure|Animation', '2,"Jumanji, The (1995)",Adventure'],
};
const HEADERS: Record<string, string | undefined> = { ratings: 'userId,movieId,rating,timestamp', movies: 'movieId,title,genres' };

/** A valid line damaged one of several ways (or left whole). */
const lineArb = (valid: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.string({ unit: 'binary', maxLength: 6 }), fc.integer({ min: 0, max: 4 })).map(([line, at, junk, how]) => {
    const i = at % (line.length + 1);
    if (how === 0) return line;
    if (how === 1) return line.slice(0, i);
    if (how === 2) return line.slice(0, i) + junk + line.slice(i);
    if (how === 3) return line.slice(0, i) + String.fromCharCode(line.charCodeAt(i) ^ 0x55) + line.slice(i + 1);
    return junk;
  });

const fileArb = (valid: readonly string[]) => fc.record({ lines: fc.array(lineArb(valid), { minLength: 1, maxLength: 30 }), gzip: fc.boolean(), cut: fc.option(fc.nat()) });

function write(kind: string, lines: string[], gzip: boolean, cut: number | null): { path: string; lines: number } {
  const text = [HEADERS[kind], ...lines].filter((l) => l !== undefined).join('\n') + '\n';
  let bytes: Buffer = gzip ? gzipSync(text) : Buffer.from(text);
  if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
  const path = join(dir, `${kind}-${files++}${gzip ? '.gz' : ''}`);
  writeFileSync(path, bytes);
  return { path, lines: text.split('\n').filter((l) => l.replace('\r', '').length > 0).length };
}

type Reader = (path: string, d: Diagnostics) => AsyncGenerator<{ asin?: string } | object>;
const READERS: [keyof typeof VALID, Reader][] = [
  ['metadata', (p, d) => readMetadata(p, d)],
  ['reviews', readReviews],
  ['ratings', readMovieLensRatings],
  ['movies', readMovieLensMovies],
];

describe('data readers under corrupted and truncated input', () => {
  for (const [kind, read] of READERS) {
    it(`${kind}: counts and skips, never throws, accounts for every line`, async () => {
      let seen = 0;
      let skipped = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(fileArb(VALID[kind]), async ({ lines, gzip, cut }) => {
          const file = write(kind, lines, gzip, cut);
          const diagnostics = new Diagnostics();
          let yielded = 0;
          try {
            for await (const _ of read(file.path, diagnostics)) yielded++;
          } catch (err) {
            // A CSV cut inside its header cannot be read at all: refused as a whole, by name, not a crash.
            if (!(cut !== null && HEADERS[kind] && isGraphrecError(err, 'data/bad-header'))) throw err;
            refused++;
            return;
          }
          const { total } = diagnostics.summary();
          seen += lines.length;
          skipped += total;
          expect(yielded).toBeLessThanOrEqual(lines.length);
          // A cut file loses lines without a problem per line (one truncation problem at most), so the count is only bounded.
          if (cut === null) expect(yielded + total).toBeGreaterThanOrEqual(file.lines - (HEADERS[kind] ? 1 : 0));
        }),
        { numRuns: 150, seed: 9 },
      );
      console.log(`[fuzz ${kind}] ${seen} generated lines; ${skipped} problems counted and skipped; ${refused} files cut inside the CSV header refused (data/bad-header); no other throw`);
    });
  }

  it('image features (.b): a file cut anywhere yields the whole records before the cut and counts the rest', async () => {
    const record = (i: number) => encodeImageFeatureRecord(`B${String(i).padStart(9, '0')}`, new Float32Array(4096).fill(i / 10));
    const whole = Buffer.concat([0, 1, 2].map(record));
    await fc.assert(
      fc.asyncProperty(fc.nat(whole.length), fc.boolean(), async (cut, gzip) => {
        const path = join(dir, `features-${files++}.b`);
        writeFileSync(path, gzip ? gzipSync(whole.subarray(0, cut)) : whole.subarray(0, cut));
        const diagnostics = new Diagnostics();
        let yielded = 0;
        for await (const _ of readImageFeatures(path, diagnostics)) yielded++;
        expect(yielded).toBe(Math.floor(cut / whole.length * 3 + 1e-9));
        expect(diagnostics.summary().total).toBe(cut % (whole.length / 3) === 0 ? 0 : 1);
      }),
      { numRuns: 60, seed: 5 },
    );
  });

  it('.npz / .npy: random bytes and truncations are refused with a GraphrecError, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        for (const parse of [() => parseNpz(bytes), () => parseNpy(bytes)]) {
          try {
            parse();
          } catch (err) {
            expect(isGraphrecError(err), String(err)).toBe(true);
          }
        }
      }),
      { numRuns: 2_000, seed: 3 },
    );
  });
});
