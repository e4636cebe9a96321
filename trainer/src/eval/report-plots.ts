import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportEpoch, RunReportData } from './report-data.ts';
import type { MethodResult } from './types.ts';
import { K_VALUES } from './types.ts';

/** Methods that are reference points rather than learned models; everything else is drawn thicker. */
export const BASELINE_METHODS: ReadonlySet<string> = new Set([
  'random', 'popularity', 'common-neighbours', 'adamic-adar', 'itemknn', 'itemknn/latest-item', 'tfidf',
]);

/** Tableau 10, the vega default, fixed here so a method keeps its colour in every plot and table. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CONFIG = { font: FONT, view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, labelLimit: 360 } };

/** Whether `method` is a learned model (not in {@link BASELINE_METHODS}). */
export function isLearned(method: string): boolean {
  return !BASELINE_METHODS.has(method);
}

/**
 * One colour per method over the whole report: learned models first (they get
 * the strongest hues), then baselines, each in order of first appearance.
 */
export function methodColors(data: RunReportData): Map<string, string> {
  const seen = [...new Set([...data.protocols.flatMap((p) => p.methods.map((m) => m.method)), ...data.samples.map((s) => s.method)])];
  const ordered = [...seen.filter(isLearned), ...seen.filter((m) => !isLearned(m))];
  return new Map(ordered.map((m, i) => [m, PALETTE[i % PALETTE.length]]));
}

/**
 * Compiles a vega-lite spec and renders it to an SVG string headlessly.
 * Without node-canvas vega estimates text widths, which is close enough for axis labels.
 * @param spec a vega-lite top-level spec with inline data.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Training and validation loss per epoch, with a dashed rule at the best epoch.
 * @returns SVG markup, or null when there is no finite loss to plot.
 */
export async function lossPlot(history: readonly ReportEpoch[], bestEpoch: number): Promise<string | null> {
  const rows = history.flatMap((e) => [
    { epoch: e.epoch, loss: e.trainLoss, series: 'training' },
    { epoch: e.epoch, loss: e.valLoss, series: 'validation' },
  ]).filter((r) => Number.isFinite(r.loss));
  if (rows.length === 0) return null;
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } } as const;
  return renderSvg({
    width: 560, height: 260, config: CONFIG,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x, y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: ['training', 'validation'], range: ['#4c78a8', '#f58518'] }, legend: { orient: 'top' } },
        },
      },
      {
        data: { values: [{ epoch: bestEpoch }] },
        mark: { type: 'rule', color: '#888', strokeDash: [4, 4] },
        encoding: { x },
      },
      {
        data: { values: [{ epoch: bestEpoch, label: `best ${bestEpoch}` }] },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 4, y: 0, color: '#666', fontSize: 11 },
        encoding: { x, text: { field: 'label' } },
      },
    ],
  });
}

/**
 * HR@K against K (log scale) for every method of one protocol that has HR metrics.
 * @param methods one protocol's results; methods with null metrics are skipped.
 * @param colors from {@link methodColors}.
 * @returns SVG markup, or null when no method has an HR@K value.
 */
export async function hitRatePlot(methods: readonly MethodResult[], colors: ReadonlyMap<string, string>): Promise<string | null> {
  const rows = methods.flatMap(({ method, metrics }) => K_VALUES
    .map((k) => ({ method, k, hr: metrics?.[`hr@${k}`], width: isLearned(method) ? 3.5 : 1.5 }))
    .map((r) => ({ ...r, label: `${r.method} HR@${r.k} = ${r.hr?.toFixed(3)}` }))
    .filter((r) => r.hr !== undefined && Number.isFinite(r.hr)));
  if (rows.length === 0) return null;
  const plotted = [...new Set(rows.map((r) => r.method))];
  const ks = [...new Set(rows.map((r) => r.k))].sort((a, b) => a - b);
  return renderSvg({
    width: 480, height: 280, config: CONFIG,
    data: { values: rows },
    mark: { type: 'line', point: { size: 30 } },
    encoding: {
      x: { field: 'k', type: 'quantitative', title: 'K', scale: { type: 'log', domain: [ks[0], ks[ks.length - 1]] }, axis: { values: ks, format: 'd', grid: true } },
      y: { field: 'hr', type: 'quantitative', title: 'HR@K' },
      color: {
        field: 'method', type: 'nominal', title: 'method',
        scale: { domain: plotted, range: plotted.map((m) => colors.get(m) ?? '#999') },
      },
      strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
      order: { field: 'k', type: 'quantitative' },
      description: { field: 'label' },
    },
  });
}
