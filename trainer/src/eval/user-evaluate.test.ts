import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import type { ReviewGraph } from '../graph/review-graph.ts';
import { Rng } from '../util/rng.ts';
import { formatUserBaselineTable, loadUserGraph } from './user-eval-cli.ts';
import { leaveLastOut, temporalSplit } from '../graph/interaction-splits.ts';
import { USER_PROTOCOLS, evaluateUserRecommenders, userProtocolTask } from './user-evaluate.ts';
import { toyReviewGraph, type ToyInteraction } from './user-fixtures.ts';
import { formatUserSamples, toReportSamples } from './user-samples.ts';

const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const GIFT_CARDS = join(DATASETS, 'amazon-gift-cards-2018');
const giftCardsAbsent = existsSync(GIFT_CARDS) ? '' : ` (skipped: data set folder ${GIFT_CARDS} is absent)`;

const CLUSTERS = 6;
const PER_CLUSTER = 8;

/**
 * 60 users, each reviewing 6 of the 8 items of one cluster in random order;
 * an "oracle" embedding puts every item near its cluster's axis, so the
 * latest training item points at the user's cluster and the held-out item.
 */
async function clusterWorld(): Promise<{ graph: ReviewGraph; titles: string[]; oracle: Float32Array }> {
  const rng = new Rng(5);
  const rows: ToyInteraction[] = [];
  for (let u = 0; u < 60; u++) {
    const c = u % CLUSTERS;
    const items = rng.shuffle(Array.from({ length: PER_CLUSTER }, (_, k) => `c${c}i${k}`)).slice(0, 6);
    items.forEach((item, t) => rows.push([`u${u}`, item, u * 10 + t]));
  }
  const graph = await toyReviewGraph(rows);
  const oracle = new Float32Array(graph.numItems * CLUSTERS);
  graph.asins.forEach((asin, i) => {
    const c = Number(asin[1]);
    const v = Float32Array.from({ length: CLUSTERS }, (_, d) => (d === c ? 1 : 0.05 * rng.next()));
    const norm = Math.hypot(...v);
    oracle.set(v.map((x) => x / norm), i * CLUSTERS);
  });
  return { graph, titles: graph.asins.map((a) => `Title of ${a}`), oracle };
}

describe('evaluateUserRecommenders on a planted cluster world', () => {
  it('runs every protocol × method, and the oracle embedding finds every held-out item', async () => {
    const { graph, titles, oracle } = await clusterWorld();
    const result = await evaluateUserRecommenders({
      graph,
      titles,
      embeddings: [
        { name: 'oracle', matrix: oracle, dim: CLUSTERS, trainedOn: 'leave-last-out' },
        { name: 'content', matrix: oracle, dim: CLUSTERS, trainedOn: 'no-interactions', note: '0 items without a row' },
      ],
      seed: 2,
    });
    expect(result.protocols.map((p) => p.protocol)).toEqual(USER_PROTOCOLS.map((p) => p.protocol));
    const own = ['oracle/latest-item', 'oracle/mean-history', 'content/latest-item', 'content/mean-history'];
    const baselines = ['popularity', 'itemknn', 'itemknn/latest-item', 'random'];
    for (const p of result.protocols) {
      const spec = USER_PROTOCOLS.find((x) => x.protocol === p.protocol)!;
      // Test protocols add each fitting embedding with a popularity prior; validation rows are what its weight is tuned on.
      const oraclePrior = spec.split === 'leave-last-out' ? ['oracle+popularity/latest-item', 'oracle+popularity/mean-history'] : [];
      const priors = spec.target === 'val' ? [] : [...oraclePrior, 'content+popularity/latest-item', 'content+popularity/mean-history'];
      expect(p.methods.map((m) => m.method)).toEqual([...own, ...priors, ...baselines]);
    }
    // The oracle is perfect on validation, so no prior weight beats it: β = 0, and the row equals the oracle's.
    const oraclePrior = result.protocols[0].methods.find((m) => m.method === 'oracle+popularity/latest-item')!;
    expect(oraclePrior.note).toMatch(/^β = 0 chosen on user-leave-last-out-validation \(HR@10 1\.000\): the prior did not help/);
    expect(oraclePrior.metrics?.['hr@10']).toBe(1);

    const llo = result.protocols[0].methods;
    const hr10 = (method: string): number | undefined => llo.find((m) => m.method === method)?.metrics?.['hr@10'];
    expect(hr10('oracle/latest-item')).toBe(1);
    expect(hr10('oracle/mean-history')).toBe(1);
    expect(hr10('random')!).toBeLessThan(0.5);
    expect(llo.every((m) => m.queries === 60)).toBe(true);
    expect(llo.find((m) => m.method === 'content/latest-item')?.note).toBe('0 items without a row');
    expect(Object.keys(llo[0].metrics!)).toEqual(expect.arrayContaining(['hr@10', 'hr@50', 'hr@100', 'hr@500', 'ndcg@10', 'mrr']));

    // Every scored row but popularity is paired with it on the same users: wins − losses is the HR@10 gap in users.
    for (const p of result.protocols) {
      const popularity = p.methods.find((m) => m.method === 'popularity')!;
      expect(popularity.paired).toBeUndefined();
      for (const m of p.methods.filter((x) => x.metrics && x.method !== 'popularity')) {
        expect(m.paired, `${p.protocol} ${m.method}`).toMatchObject({ against: 'popularity', k: 10 });
        expect(m.paired!.wins - m.paired!.losses).toBe(Math.round((m.metrics!['hr@10'] - popularity.metrics!['hr@10']) * m.queries));
      }
      for (const m of p.methods.filter((x) => !x.metrics)) expect(m.paired).toBeUndefined();
    }
    // The oracle hits every user, so popularity wins none: a loss this one-sided is no accident.
    const oracleVsPopularity = llo.find((m) => m.method === 'oracle/latest-item')!.paired!;
    expect(oracleVsPopularity.losses).toBe(0);
    expect(oracleVsPopularity.wins).toBe(Math.round((1 - hr10('popularity')!) * 60));
    expect(oracleVsPopularity.p).toBeLessThan(1e-6);

    // Validation targets the second-to-last interaction, on the same training part.
    const validation = result.protocols.find((p) => p.protocol === 'user-leave-last-out-validation')!.methods;
    expect(validation.find((m) => m.method === 'oracle/latest-item')?.metrics?.['hr@10']).toBe(1);
    expect(result.tasks['user-leave-last-out-validation']).toMatchObject({ queries: 60, testInteractions: 60 });

    // Trained on the leave-last-out training part: never scored under the temporal split.
    for (const p of result.protocols.filter((x) => x.protocol.startsWith('user-temporal'))) {
      const oracleRow = p.methods.find((m) => m.method === 'oracle/latest-item')!;
      expect(oracleRow.metrics).toBeNull();
      expect(oracleRow.note).toMatch(/trained on the leave-last-out split/);
      expect(p.methods.find((m) => m.method === 'content/latest-item')?.metrics).not.toBeNull();
    }
    expect(result.tasks['user-leave-last-out']).toMatchObject({ queries: 60, usersWithoutTest: 0 });
    expect(Object.keys(result.timings)).toContain('user-temporal/itemknn');
  });

  it('the validation protocol targets each user’s second-to-last item and leaves the last one unmasked', async () => {
    const { graph } = await clusterWorld();
    const split = leaveLastOut(graph);
    const spec = USER_PROTOCOLS.find((p) => p.protocol === 'user-leave-last-out-validation')!;
    const task = userProtocolTask(graph, spec, split);
    expect(task.queries).toHaveLength(60);
    for (let q = 0; q < task.queries.length; q++) {
      const u = task.queryUsers[q];
      const own = Array.from(graph.item.subarray(graph.userOffsets[u], graph.userOffsets[u + 1]));
      expect(Array.from(task.relevant[q])).toEqual([own[4]]);
      expect(Array.from(task.excluded[q])).toEqual(own.slice(0, 4).sort((a, b) => a - b));
      expect(task.queries[q].node).toBe(own[3]);
    }
  });

  it('the temporal validation protocol targets the middle 10% by time and leaves the test period unmasked', async () => {
    // Ten steps per user, users interleaved in time: steps 0–7 train, 8 validation, 9 test.
    const rows: ToyInteraction[] = [];
    for (let u = 0; u < 30; u++) for (let t = 0; t < 10; t++) rows.push([`u${u}`, `i${(u + t * 7) % 50}`, t * 30 + u]);
    const graph = await toyReviewGraph(rows);
    const spec = USER_PROTOCOLS.find((p) => p.protocol === 'user-temporal-validation')!;
    const task = userProtocolTask(graph, spec, temporalSplit(graph));
    expect(task.queries).toHaveLength(30);
    const id = (u: number, t: number): number => graph.asins.indexOf(`i${(u + t * 7) % 50}`);
    for (let q = 0; q < task.queries.length; q++) {
      const u = Number(graph.userIds[task.queryUsers[q]].slice(1));
      const train = Array.from({ length: 8 }, (_, t) => id(u, t));
      expect(Array.from(task.relevant[q])).toEqual([id(u, 8)]);
      expect(Array.from(task.excluded[q])).toEqual([...train].sort((a, b) => a - b));
      expect(task.queries[q].node).toBe(id(u, 7));
      expect(Array.from(task.excluded[q])).not.toContain(id(u, 9));
    }
  });

  it('builds sample tables: history latest first beside each scored method’s top items', async () => {
    const { graph, titles, oracle } = await clusterWorld();
    const result = await evaluateUserRecommenders({
      graph,
      titles,
      embeddings: [{ name: 'oracle', matrix: oracle, dim: CLUSTERS, trainedOn: 'leave-last-out' }],
      sampleUsers: 2,
      sampleSize: 4,
      protocols: ['user-leave-last-out'],
    });
    expect(result.protocols.map((p) => p.protocol)).toEqual(['user-leave-last-out']);
    expect(result.samples).toHaveLength(2);
    for (const s of result.samples) {
      const u = graph.userIds.indexOf(s.user);
      const own = Array.from(graph.item.subarray(graph.userOffsets[u], graph.userOffsets[u + 1]), (i) => graph.asins[i]);
      // Six interactions: four in training (latest first here), one validation, one test.
      expect(s.history.map((h) => h.id)).toEqual(own.slice(0, 4).reverse());
      expect(s.history[0].title).toBe(`Title of ${own[3]}`);
      expect(s.heldOut.map((h) => h.id)).toEqual([own[5]]);
      expect(s.recommendations.map((r) => r.method)).toEqual(['oracle/latest-item', 'oracle/mean-history', 'oracle+popularity/latest-item', 'oracle+popularity/mean-history', 'popularity', 'itemknn', 'itemknn/latest-item', 'random']);
      const oracleTop = s.recommendations[0].items;
      expect(oracleTop).toHaveLength(4);
      expect(oracleTop.some((i) => i.hit && i.id === own[5])).toBe(true);
      for (const r of s.recommendations) for (const i of r.items) expect(own.slice(0, 5)).not.toContain(i.id);
    }
    const text = formatUserSamples(result.samples);
    expect(text).toContain(`user ${result.samples[0].user}`);
    expect(text).toMatch(/\*Title of c\di\d\*/);
    expect(toReportSamples(result.samples)).toHaveLength(2 * 8);
  });

  it('takes one version of a method per split and scores each protocol with its own version', async () => {
    const { graph, oracle } = await clusterWorld();
    const blind = new Float32Array(oracle.length);
    const result = await evaluateUserRecommenders({
      graph,
      embeddings: [
        { name: 'pinsage', matrix: oracle, dim: CLUSTERS, trainedOn: 'leave-last-out' },
        { name: 'pinsage', matrix: blind, dim: CLUSTERS, trainedOn: 'temporal' },
      ],
      sampleUsers: 0,
    });
    const row = (protocol: string) => result.protocols.find((p) => p.protocol === protocol)!.methods.filter((m) => m.method === 'pinsage/latest-item');
    expect(row('user-leave-last-out')).toHaveLength(1);
    expect(row('user-leave-last-out')[0].metrics?.['hr@10']).toBe(1);
    // The all-zero "temporal" version scores every item 0: random tie-break, not the oracle.
    expect(row('user-temporal')).toHaveLength(1);
    expect(row('user-temporal')[0].metrics?.['hr@10']).toBeLessThan(1);
    await expect(
      evaluateUserRecommenders({ graph, embeddings: [{ name: 'p', matrix: oracle, dim: CLUSTERS, trainedOn: 'no-interactions' }, { name: 'p', matrix: oracle, dim: CLUSTERS, trainedOn: 'temporal' }] }),
    ).rejects.toThrow(/given twice/);
  });

  it('rejects embeddings of the wrong shape or with an unknown training split', async () => {
    const { graph, oracle } = await clusterWorld();
    try {
      await evaluateUserRecommenders({ graph, embeddings: [{ name: 'bad', matrix: oracle.subarray(1), dim: CLUSTERS, trainedOn: 'temporal' }] });
      expect.unreachable();
    } catch (err) {
      expect(isGraphrecError(err, 'eval/dim-mismatch')).toBe(true);
    }
    const bogus = JSON.parse('{"trainedOn":"everything"}') as { trainedOn: 'temporal' };
    await expect(evaluateUserRecommenders({ graph, embeddings: [{ name: 'x', matrix: oracle, dim: CLUSTERS, ...bogus }] })).rejects.toThrow(/trainedOn/);
  });
});

describe('user baselines on amazon-gift-cards-2018 (real data)', () => {
  it.skipIf(giftCardsAbsent !== '')(`ItemKNN beats popularity beats random under the DGL protocol${giftCardsAbsent}`, async () => {
    const { graph, titles } = await loadUserGraph(GIFT_CARDS);
    const result = await evaluateUserRecommenders({ graph, titles, seed: 1, sampleUsers: 0 });
    const llo = result.protocols[0];
    const hr10 = (method: string): number => llo.methods.find((m) => m.method === method)!.metrics!['hr@10'];
    expect(llo.methods[0].queries).toBe(458);
    expect(hr10('itemknn')).toBeGreaterThan(hr10('popularity'));
    expect(hr10('popularity')).toBeGreaterThan(hr10('random'));
    expect(result.tasks['user-temporal'].queries).toBeGreaterThan(0);
    const table = formatUserBaselineTable([{ dataset: 'gift', users: graph.numUsers, items: graph.numItems, interactions: graph.stats.interactions, evaluation: result, loadSeconds: 0, evaluateSeconds: 0 }]);
    expect(table.split('\n').filter((l) => l.startsWith('| gift |'))).toHaveLength(USER_PROTOCOLS.length * 4);
  });
});
