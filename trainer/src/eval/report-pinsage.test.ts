import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReportData } from './report-data.ts';
import { escapeHtml } from './report-html.ts';
import { lossCurvesPlot } from './report-pinsage.ts';
import { renderReport } from './report.ts';
import type { UserTaskStats } from './user-protocols.ts';

const NASTY = `Strings <script>alert(1)</script> & "picks"`;
const metrics = (hr10: number) => ({ 'hr@10': hr10, 'hr@50': hr10 + 0.2, 'hr@100': hr10 + 0.3, 'hr@500': 0.9, 'ndcg@10': hr10 / 2, mrr: hr10 / 3, 'recall@10': hr10 });
const stats: UserTaskStats = { users: 100, queries: 90, usersWithoutTest: 7, usersWithoutHistory: 3, testInteractions: 120, coldTestInteractions: 11, usersAllTestCold: 2, usersDroppedCold: 0, warmItems: 50, candidates: 55 };
const epochs = (losses: number[]) => losses.map((trainLoss, i) => ({ epoch: i + 1, trainLoss, seconds: 2, pairsPerSecond: 1500 }));

const fixture: RunReportData = {
  title: 'PinSage on gift-cards',
  model: 'pinsage',
  dataset: '/data/gift-cards',
  createdAt: '2024-05-01T12:00:00Z',
  backend: 'wasm',
  config: { epochs: 3, dim: 64, images: false },
  data: { users: 100, items: 55 },
  history: [],
  bestEpoch: 3,
  protocols: [
    {
      protocol: 'user-leave-last-out',
      label: 'DGL protocol: last interaction held out',
      methods: [
        { method: 'pinsage/latest-item', queries: 90, metrics: metrics(0.31) },
        { method: 'pinsage/mean-history', queries: 90, metrics: metrics(0.42) },
        { method: 'popularity', queries: 90, metrics: metrics(0.2) },
        { method: 'itemknn', queries: 90, metrics: metrics(0.4) },
      ],
    },
    {
      protocol: 'user-temporal',
      label: 'study protocol: temporal 80/10/10',
      methods: [
        { method: 'pinsage/latest-item', queries: 30, metrics: metrics(0.5) },
        { method: 'popularity', queries: 30, metrics: metrics(0.45) },
      ],
    },
  ],
  samples: [],
  timings: { train: 12, evaluate: 3 },
  trainingCurves: [
    { label: 'leave-last-out split (the served model)', history: epochs([0.4, 0.3, 0.25]) },
    { label: 'temporal 80/10/10 split', history: epochs([0.45, 0.33, 0.3]) },
  ],
  userSamples: [{
    protocol: 'user-leave-last-out',
    user: 'A2USER',
    history: [{ id: 'B1', title: 'Guitar strings' }, { id: 'B2', title: NASTY }],
    historySize: 14,
    heldOut: [{ id: 'B9', title: 'Capo' }],
    heldOutSize: 1,
    recommendations: [
      { method: 'pinsage/mean-history', items: [{ id: 'B9', title: 'Capo', hit: true }, { id: 'B5', title: 'Tuner', hit: false }] },
      { method: 'popularity', items: [{ id: 'B5', title: 'Tuner', hit: false }] },
    ],
  }],
  userTasks: { 'user-leave-last-out': stats, 'user-temporal': { ...stats, queries: 30 } },
};

describe('the PinSage parts of the run report', () => {
  let html: string;
  beforeAll(async () => {
    html = await renderReport(fixture);
  });

  it('plots one loss curve per model and one HR@K plot per protocol', () => {
    expect(html.match(/<svg/g)).toHaveLength(3);
    expect(html).toContain('temporal 80/10/10 split');
    expect(html).not.toContain('No epochs were recorded');
    expect(html).toMatch(/pairs \/ s<\/th><td>1,500/);
  });

  it('shows a user’s reviewed and held-out products beside each method’s picks, hits ticked, text escaped', () => {
    expect(html).toContain('user A2USER');
    expect(html).toMatch(/reviewed, latest first[\s\S]*Guitar strings[\s\S]*and 12 more/);
    expect(html).toContain(escapeHtml(NASTY));
    expect(html.toLowerCase()).not.toContain('<script');
    const hits = (html.match(/<li class="hit">.*?<\/li>/g) ?? []);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toContain('Capo');
    expect(html).toContain('1 / 2 hits');
  });

  it('lists who each user protocol evaluated', () => {
    expect(html).toMatch(/<caption>user-temporal<\/caption>[\s\S]*?30 of 100/);
    expect(html).toMatch(/… on cold items<\/th><td>11/);
  });

  it('keeps the metrics tables with the best value bold', () => {
    expect(html).toMatch(/pinsage\/mean-history<\/th><td class="num"><b>0\.420<\/b>/);
  });
});

describe('lossCurvesPlot', () => {
  it('returns null without a finite loss', async () => {
    expect(await lossCurvesPlot([{ label: 'a', history: [{ epoch: 1, trainLoss: Number.NaN, seconds: 1 }] }])).toBeNull();
  });
});
