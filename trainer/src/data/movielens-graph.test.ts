import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from './diagnostics.ts';
import { buildMovieLensGraph, movieLensPaths, movieText } from './movielens-graph.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const movielensDir = resolve(repoRoot, '../shared/datasets/movielens-latest-small');
const haveData = existsSync(movielensDir);
const ifAbsent = haveData ? '' : ` (skipped: data set folder ${movielensDir} is absent)`;

describe('buildMovieLensGraph on small files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graphrec-movielens-graph-'));
    await writeFile(
      join(dir, 'ratings.csv'),
      [
        'userId,movieId,rating,timestamp',
        '7,2,3.0,300',
        '7,1,4.5,100',
        '7,x,4.0,150',
        '8,1,2.0,50',
        '8,3,1.0',
        '8,9,5.0,60',
        '7,1,1.0,400',
      ].join('\n') + '\n',
    );
    await writeFile(
      join(dir, 'movies.csv'),
      ['movieId,title,genres', '1,Toy Story (1995),Adventure|Animation|Children', '2,"Heat, The (1995)",(no genres listed)', '5,Never Rated (2001),Drama', 'y,Bad,Drama'].join('\n') + '\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps rated movies in time order per user, with title + genres as text and no prices', async () => {
    const diagnostics = new Diagnostics();
    const { graph, features, stats } = await buildMovieLensGraph(movieLensPaths(dir), diagnostics);
    expect(diagnostics.summary().counts).toEqual({ 'wrong-type': 2, 'malformed-line': 1 });
    expect(graph.numUsers).toBe(2);
    expect(graph.asins.slice().sort()).toEqual(['1', '2', '9']);
    // The second rating of user 7 on movie 1 is a repeated pair: the earliest is kept.
    expect(graph.stats).toEqual({ reviewsRead: 5, duplicateReviews: 1, interactions: 4 });
    const u7 = graph.userIds.indexOf('7');
    const history = Array.from(graph.item.subarray(graph.userOffsets[u7], graph.userOffsets[u7 + 1]), (i) => graph.asins[i]);
    expect(history).toEqual(['1', '2']);
    expect(graph.rating[graph.userOffsets[u7]]).toBe(4.5);
    const title = (id: string): string => features.titles[graph.asins.indexOf(id)];
    expect(title('1')).toBe('Toy Story (1995) Adventure Animation Children');
    expect(title('2')).toBe('Heat, The (1995)');
    expect(title('9')).toBe('');
    expect(Array.from(features.hasPrice)).toEqual([0, 0, 0]);
    expect(Array.from(features.imageRow)).toEqual([-1, -1, -1]);
    expect(stats).toEqual({ movies: 3, moviesWithoutRatings: 1, ratedWithoutMovie: 1 });
  });

  it('joins title and genres with single spaces', () => {
    expect(movieText('Heat (1995)', [])).toBe('Heat (1995)');
    expect(movieText('Alien (1979)', ['Horror', 'Sci-Fi'])).toBe('Alien (1979) Horror Sci-Fi');
  });
});

describe('buildMovieLensGraph on ml-latest-small (real data)', () => {
  it.skipIf(!haveData)(`610 users × 9,724 rated movies, 100,836 interactions${ifAbsent}`, async () => {
    const diagnostics = new Diagnostics({ strict: true });
    const { graph, features, stats } = await buildMovieLensGraph(movieLensPaths(movielensDir), diagnostics);
    expect(graph.numUsers).toBe(610);
    expect(graph.numItems).toBe(9_724);
    expect(graph.stats.interactions).toBe(100_836);
    expect(stats).toEqual({ movies: 9_742, moviesWithoutRatings: 18, ratedWithoutMovie: 0 });
    expect(features.titles[graph.asins.indexOf('1')]).toBe('Toy Story (1995) Adventure Animation Children Comedy Fantasy');
    expect(features.stats.withTitle).toBe(9_724);
    let outOfOrder = 0;
    for (let u = 0; u < graph.numUsers; u++) {
      for (let e = graph.userOffsets[u] + 1; e < graph.userOffsets[u + 1]; e++) if (graph.time[e] < graph.time[e - 1]) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
  });
});
