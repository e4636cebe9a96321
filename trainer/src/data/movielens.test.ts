import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.ts';
import { readMovieLensMovies, readMovieLensRatings } from './movielens.ts';
import type { MovieRecord, RatingRecord } from './records.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const movielensDir = resolve(repoRoot, '../shared/datasets/movielens-latest-small');
const haveData = existsSync(movielensDir);
const ifAbsent = haveData ? '' : ` (skipped: data set folder ${movielensDir} is absent)`;

async function collect<T>(records: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe('MovieLens readers on small files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graphrec-movielens-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads ratings and reports bad lines by kind', async () => {
    const path = join(dir, 'ratings.csv');
    const lines = [
      'userId,movieId,rating,timestamp',
      '1,1,4.0,964982703',
      '1,3,0.5,964981247',
      '1,x,4.0,964982224',
      '1,4,,964982224',
      '2,5,4.0',
      '2,6.5,4.0,964982224',
      '3,7,5,1445714994',
    ];
    await writeFile(path, lines.join('\n') + '\n');
    const diagnostics = new Diagnostics();
    const ratings = await collect(readMovieLensRatings(path, diagnostics));
    expect(ratings).toEqual<RatingRecord[]>([
      { userId: 1, movieId: 1, rating: 4, time: 964982703 },
      { userId: 1, movieId: 3, rating: 0.5, time: 964981247 },
      { userId: 3, movieId: 7, rating: 5, time: 1445714994 },
    ]);
    expect(diagnostics.summary().counts).toEqual({ 'wrong-type': 3, 'malformed-line': 1 });
    expect(diagnostics.summary().examples.map((e) => [e.kind, e.line])).toEqual([
      ['wrong-type', 4],
      ['wrong-type', 5],
      ['malformed-line', 6],
      ['wrong-type', 7],
    ]);
  });

  it('reads quoted titles, splits genres and maps "(no genres listed)" to []', async () => {
    const path = join(dir, 'movies.csv.gz');
    const text = [
      'movieId,title,genres',
      '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
      '11,"American President, The (1995)",Comedy|Drama|Romance',
      '7789,"11\'09""01 - September 11 (2002)",Drama',
      '114335,La cravate (1957),(no genres listed)',
      'abc,Bad (2000),Drama',
      '5,"Unclosed (1999),Drama',
    ].join('\r\n');
    await writeFile(path, gzipSync(text));
    const diagnostics = new Diagnostics();
    const movies = await collect(readMovieLensMovies(path, diagnostics));
    expect(movies).toEqual<MovieRecord[]>([
      { movieId: 1, title: 'Toy Story (1995)', genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'] },
      { movieId: 11, title: 'American President, The (1995)', genres: ['Comedy', 'Drama', 'Romance'] },
      { movieId: 7789, title: '11\'09"01 - September 11 (2002)', genres: ['Drama'] },
      { movieId: 114335, title: 'La cravate (1957)', genres: [] },
    ]);
    expect(diagnostics.summary().counts).toEqual({ 'wrong-type': 1, 'malformed-line': 1 });
  });
});

describe('MovieLens ml-latest-small (real data)', () => {
  it.skipIf(!haveData)(
    `reads 100,836 ratings by 610 users (9,724 movies rated) and 9,742 movies${ifAbsent}`,
    async () => {
      const diagnostics = new Diagnostics({ strict: true });
      const users = new Set<number>();
      const rated = new Set<number>();
      let count = 0;
      let minRating = Infinity;
      let maxRating = -Infinity;
      for await (const r of readMovieLensRatings(join(movielensDir, 'ratings.csv'), diagnostics)) {
        count++;
        users.add(r.userId);
        rated.add(r.movieId);
        minRating = Math.min(minRating, r.rating);
        maxRating = Math.max(maxRating, r.rating);
      }
      expect(count).toBe(100_836);
      expect([minRating, maxRating]).toEqual([0.5, 5]);
      expect(users.size).toBe(610);
      expect(rated.size).toBe(9_724);

      const movies = await collect(readMovieLensMovies(join(movielensDir, 'movies.csv'), diagnostics));
      expect(movies).toHaveLength(9_742);
      expect(new Set(movies.map((m) => m.movieId)).size).toBe(9_742);
      expect(movies.find((m) => m.movieId === 7789)?.title).toBe('11\'09"01 - September 11 (2002)');
      expect(movies.filter((m) => m.genres.length === 0)).toHaveLength(34);
      expect(movies.filter((m) => m.title.includes(','))).toHaveLength(2_079);
      expect(diagnostics.total).toBe(0);
    },
  );
});
