import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReportData } from './report-data.ts';
import { escapeHtml, flattenConfig, formatNumber, formatSeconds, formatValue, keyValueTable, swatch } from './report-html.ts';
import { trainingCurvesSection, userSamplesSection, userTasksSection } from './report-pinsage.ts';
import { hitRatePlot, lossPlot, methodColors } from './report-plots.ts';
import { REPORT_CSS } from './report-style.ts';
import { metricsTable, samplesSection } from './report-tables.ts';
import type { ProtocolResult } from './types.ts';

/** Forbids every fetch and script, so the page provably stands alone even if some text slipped through unescaped. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'";

function header(data: RunReportData): string {
  const facts: [string, string][] = [
    ['model', data.model], ['dataset', data.dataset], ['backend', data.backend],
    ['created', data.createdAt],
    // Runs with several loss curves (PinSage) keep their last epoch rather than choosing a best one.
    data.trainingCurves ? ['epochs', String(data.bestEpoch)] : ['best epoch', String(data.bestEpoch)],
  ];
  const items = facts.map(([k, v]) => `<li><span class="muted">${escapeHtml(k)}</span> <b>${escapeHtml(v)}</b></li>`);
  return `<header><h1>${escapeHtml(data.title)}</h1><ul class="meta">${items.join('')}</ul></header>`;
}

function runSection(data: RunReportData): string {
  const config = flattenConfig(data.config).map(([k, v]) => [k, formatValue(v)] as const);
  const facts = Object.entries(data.data).map(([k, v]) => [k, formatNumber(v)] as const);
  const timings = Object.entries(data.timings).map(([k, v]) => [k, formatSeconds(v)] as const);
  if (data.history.length > 0) {
    const mean = data.history.reduce((sum, e) => sum + e.seconds, 0) / data.history.length;
    timings.push([`mean epoch (${data.history.length} epochs)`, formatSeconds(mean)]);
  }
  return `<section><h2>Run</h2><div class="cards">${keyValueTable('config', config)}`
    + `${keyValueTable('data', facts)}${keyValueTable('timings', timings)}</div></section>`;
}

async function trainingSection(data: RunReportData): Promise<string> {
  const svg = await lossPlot(data.history, data.bestEpoch);
  const body = svg === null
    ? '<p class="muted">No epochs were recorded.</p>'
    : `<figure>${svg}<figcaption>Loss per epoch; the dashed line marks the best epoch.</figcaption></figure>`;
  return `<section><h2>Training</h2>${body}</section>`;
}

async function protocolSection(protocol: ProtocolResult, colors: ReadonlyMap<string, string>): Promise<string> {
  const svg = await hitRatePlot(protocol.methods, colors);
  const plot = svg === null
    ? '<p class="muted">No method reports HR@K under this protocol.</p>'
    : `<figure>${svg}<figcaption>HR@K by method, K on a log scale; thicker lines are learned models.</figcaption></figure>`;
  const cannot = protocol.methods.filter((m) => m.metrics === null).map((m) =>
    `<li>${swatch(colors.get(m.method))}${escapeHtml(m.method)} — cannot score${m.note ? `: ${escapeHtml(m.note)}` : ''}</li>`);
  const cannotList = cannot.length > 0 ? `<ul class="cannot">${cannot.join('')}</ul>` : '';
  return `<section class="protocol"><h3>${escapeHtml(protocol.protocol)}</h3>${plot}${cannotList}${metricsTable(protocol, colors)}</section>`;
}

async function evaluationSection(data: RunReportData, colors: ReadonlyMap<string, string>): Promise<string> {
  if (data.protocols.length === 0) return '<section><h2>Evaluation</h2><p class="muted">No protocols were evaluated.</p></section>';
  const parts = await Promise.all(data.protocols.map((p) => protocolSection(p, colors)));
  return `<section><h2>Evaluation</h2>${parts.join('')}</section>`;
}

/**
 * Renders a run's report as one self-contained HTML page: inline CSS and SVG
 * plots (vega-lite, rendered in Node), no scripts and no external resources.
 * Every string from `data` is escaped.
 * @param data the run's {@link RunReportData}.
 * @returns the whole HTML document.
 * @example
 * const html = await renderReport(data);
 */
export async function renderReport(data: RunReportData): Promise<string> {
  const colors = methodColors(data);
  const [training, evaluation] = await Promise.all([
    data.trainingCurves ? trainingCurvesSection(data.trainingCurves) : trainingSection(data),
    evaluationSection(data, colors),
  ]);
  const tasks = data.userTasks ? userTasksSection(data.userTasks) : '';
  const samples = data.userSamples
    ? userSamplesSection(data.userSamples, data.protocols, colors)
    : `<section><h2>Sample recommendations</h2>${samplesSection(data.samples, data.protocols, colors)}</section>`;
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    + `<meta http-equiv="Content-Security-Policy" content="${CSP}">`
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + `<title>${escapeHtml(data.title)}</title><style>${REPORT_CSS}</style></head>\n`
    + `<body><main>${header(data)}${runSection(data)}${training}${tasks}${evaluation}${samples}</main></body></html>\n`;
}

/**
 * Renders the report and writes it to `runDir/report/index.html`, creating the folder.
 * @param runDir the run's output folder.
 * @param data the run's {@link RunReportData}.
 * @returns the path of the written file.
 * @example
 * const path = await writeReport('runs/2024-05-01-graphsage', data);
 */
export async function writeReport(runDir: string, data: RunReportData): Promise<string> {
  const html = await renderReport(data);
  const dir = join(runDir, 'report');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'index.html');
  await writeFile(path, html, 'utf8');
  return path;
}
