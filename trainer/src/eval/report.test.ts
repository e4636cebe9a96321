import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReportData } from './report-data.ts';
import { escapeHtml, formatSeconds } from './report-html.ts';
import { hitRatePlot, isLearned, methodColors } from './report-plots.ts';
import { renderReport, writeReport } from './report.ts';

const NASTY = `Kettle <script>alert("x")</script> & 'friends'`;

const fixture: RunReportData = {
  title: 'graphsage on amazon-mini',
  model: 'graphsage',
  dataset: 'amazon-mini',
  createdAt: '2024-05-01T12:00:00Z',
  backend: 'wasm',
  config: { epochs: 3, lr: 0.001, sampler: { fanout: [10, 5], walks: 4 }, seed: 7 },
  data: { nodes: 1200, edges: 8800, trainEdges: 7000 },
  history: [
    { epoch: 1, trainLoss: 0.9, valLoss: 0.95, seconds: 3.5 },
    { epoch: 2, trainLoss: 0.6, valLoss: 0.7, seconds: 3.1 },
    { epoch: 3, trainLoss: 0.5, valLoss: 0.72, seconds: 3.2 },
  ],
  bestEpoch: 2,
  protocols: [
    {
      protocol: 'honest',
      label: 'held-out edges (honest: training neighbours excluded)',
      methods: [
        {
          method: 'graphsage',
          queries: 100,
          metrics: { 'hr@10': 0.4123, 'ndcg@10': 0.21, mrr: 0.18, 'hr@50': 0.6, 'hr@100': 0.7, 'hr@500': 0.9, 'recall@10': 0.3, auc: 0.91, ap: 0.4 },
          paired: { against: 'popularity', k: 10, wins: 35, losses: 4, p: 0.0000003 },
        },
        { method: 'itemknn', queries: 100, metrics: { 'hr@10': 0.388, 'ndcg@10': 0.25, mrr: 0.2234, 'hr@50': 0.55, 'hr@100': 0.66, 'hr@500': 0.8, 'recall@10': 0.28, auc: 0.87, ap: 0.45 } },
        { method: 'popularity', queries: 100, metrics: { 'hr@10': 0.1, 'ndcg@10': 0.05, mrr: 0.04, 'hr@50': 0.2, 'hr@100': 0.3, 'hr@500': 0.6, 'recall@10': 0.08, auc: 0.7, ap: 0.1 } },
        { method: 'common-neighbours', queries: 100, metrics: null, note: 'needs known neighbours' },
      ],
    },
    {
      protocol: 'study',
      label: 'study protocol: training edges count as hits',
      methods: [
        { method: 'graphsage', queries: 50, metrics: { 'hr@10': 0.5, 'ndcg@10': 0.3, mrr: 0.25, 'hr@50': 0.7, 'hr@100': 0.8, 'hr@500': 0.95 } },
        { method: 'popularity', queries: 50, metrics: { 'hr@10': 0.61, 'ndcg@10': 0.2, mrr: 0.2, 'hr@50': 0.65, 'hr@100': 0.7, 'hr@500': 0.9 } },
      ],
    },
  ],
  samples: [{
    protocol: 'honest',
    method: 'graphsage',
    query: { id: 'B00Q', title: NASTY },
    recommendations: [
      { id: 'B001', title: 'Tea cups', hit: false },
      { id: 'B002', title: 'Teapot "deluxe" <large>', hit: true },
    ],
  }],
  timings: { train: 9.8, embed: 1.25, evaluate: 75 },
};

/** Cells of `method`'s row in the metrics table captioned `caption`, keyed by column header. */
function metricCells(html: string, caption: string, method: string): Map<string, { text: string; bold: boolean }> {
  const table = html.split('<table class="metrics">').find((t) => t.startsWith(`<caption>${escapeHtml(caption)}</caption>`));
  if (!table) throw new Error(`no table captioned ${caption}`);
  const body = table.slice(0, table.indexOf('</table>'));
  const headers = [...body.slice(0, body.indexOf('</thead>')).matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
  const row = body.split('<tr').find((r) => r.includes(`</span>${method}<`));
  if (!row) throw new Error(`no row for ${method}`);
  const cells = [...row.matchAll(/<td class="num[^"]*">(<b>)?([^<]*)/g)].map((m) => ({ text: m[2], bold: m[1] !== undefined }));
  return new Map(headers.slice(1).map((h, i) => [h, cells[i]]));
}

describe('renderReport', () => {
  let html: string;
  beforeAll(async () => {
    html = await renderReport(fixture);
  });

  it('renders the loss plot and one HR@K plot per protocol as inline SVG', () => {
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('escapes text from the data', () => {
    expect(html.toLowerCase()).not.toContain('<script');
    expect(html).toContain(escapeHtml(NASTY));
    expect(html).toContain('Teapot &quot;deluxe&quot; &lt;large&gt;');
  });

  it('references nothing outside the page', () => {
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<(?:link|img|iframe|object|embed)\b/i);
  });

  it('bolds the best value of each column and only that', () => {
    const caption = 'held-out edges (honest: training neighbours excluded)';
    const graphsage = metricCells(html, caption, 'graphsage');
    const itemknn = metricCells(html, caption, 'itemknn');
    expect(graphsage.get('HR@10')).toEqual({ text: '0.412', bold: true });
    expect(itemknn.get('HR@10')).toEqual({ text: '0.388', bold: false });
    expect(itemknn.get('MRR')).toEqual({ text: '0.223', bold: true });
    expect(graphsage.get('MRR')?.bold).toBe(false);
    expect([...metricCells(html, caption, 'popularity').values()].some((c) => c.bold)).toBe(false);
    expect(metricCells(html, 'study protocol: training edges count as hits', 'popularity').get('HR@10')).toEqual({ text: '0.610', bold: true });
  });

  it('shows only the columns a protocol reports, captioned by its label verbatim', () => {
    const study = metricCells(html, 'study protocol: training edges count as hits', 'graphsage');
    expect([...study.keys()]).toEqual(['HR@10', 'NDCG@10', 'MRR', 'HR@50', 'HR@100', 'HR@500', 'queries']);
    expect(html).toContain('<caption>study protocol: training edges count as hits</caption>');
  });

  it('shows the paired comparison with popularity where the protocol has one', () => {
    const caption = 'held-out edges (honest: training neighbours excluded)';
    expect(metricCells(html, caption, 'graphsage').get('vs popularity @10')).toEqual({ text: '+35 −4, p &lt; .001', bold: false });
    expect(metricCells(html, caption, 'itemknn').get('vs popularity @10')).toEqual({ text: '', bold: false });
    expect(metricCells(html, 'study protocol: training edges count as hits', 'graphsage').has('vs popularity @10')).toBe(false);
  });

  it('lists methods that cannot score with their note', () => {
    expect(html.match(/cannot score: needs known neighbours/g)?.length).toBe(2);
  });

  it('marks hits in the sample recommendations', () => {
    const items = html.match(/<li\b[^>]*>.*?<\/li>/g) ?? [];
    const hits = items.filter((li) => li.startsWith('<li class="hit">'));
    expect(hits).toHaveLength(1);
    expect(hits[0]).toContain('✓');
    expect(hits[0]).toContain('Teapot');
    expect(items.find((li) => li.includes('Tea cups'))).not.toContain('✓');
  });

  it('shows header facts, config and timings', () => {
    expect(html).toContain('<title>graphsage on amazon-mini</title>');
    expect(html).toContain('sampler.fanout');
    expect(html).toContain('8,800');
    expect(html).toContain('1 min 15 s');
  });
});

describe('report helpers', () => {
  it('gives learned models the first colours and keeps one colour per method', () => {
    expect(isLearned('pinsage')).toBe(true);
    expect(isLearned('adamic-adar')).toBe(false);
    const colors = methodColors(fixture);
    expect([...colors.keys()][0]).toBe('graphsage');
    expect(new Set(colors.values()).size).toBe(colors.size);
  });

  it('escapes method names inside the SVG', async () => {
    const svg = await hitRatePlot([{ method: 'x<script>"&', queries: 1, metrics: { 'hr@10': 0.1, 'hr@50': 0.2 } }], new Map());
    expect(svg).not.toBeNull();
    expect(svg?.toLowerCase()).not.toContain('<script');
    expect(svg).toContain('x&lt;script&gt;');
  });

  it('formats durations', () => {
    expect(formatSeconds(1.234)).toBe('1.23 s');
    expect(formatSeconds(3725)).toBe('1 h 02 min');
  });
});

describe('writeReport', () => {
  it('writes RUN/report/index.html', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'graphrec-report-'));
    try {
      const path = await writeReport(dir, fixture);
      expect(path).toBe(join(dir, 'report', 'index.html'));
      expect(await readFile(path, 'utf8')).toMatch(/^<!doctype html>/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
