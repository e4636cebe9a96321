import type { TrainingCurve } from './report-data.ts';
import { escapeHtml, formatSeconds, keyValueTable, swatch } from './report-html.ts';
import { renderSvg } from './report-plots.ts';
import type { ProtocolResult } from './types.ts';
import type { UserTaskStats } from './user-protocols.ts';
import type { SampleItem, UserSampleTable } from './user-samples.ts';

/**
 * The parts of the run report only user-recommendation runs (PinSage) have:
 * one loss curve per trained model, who each user protocol evaluated, and
 * sample tables that put a user's reviewed products beside each method's picks.
 */

const SERIES_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2'];

/**
 * Training loss per epoch, one line per model.
 * @returns SVG markup, or null when no curve has a finite loss.
 */
export async function lossCurvesPlot(curves: readonly TrainingCurve[]): Promise<string | null> {
  const rows = curves.flatMap((c) => c.history.map((e) => ({ epoch: e.epoch, loss: e.trainLoss, series: c.label }))).filter((r) => Number.isFinite(r.loss));
  if (rows.length === 0) return null;
  const labels = curves.map((c) => c.label);
  return renderSvg({
    width: 560, height: 260,
    config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, labelLimit: 400 } },
    data: { values: rows },
    mark: { type: 'line', point: true, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'loss', type: 'quantitative', title: 'training loss (hinge)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: labels, range: labels.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]) }, legend: { orient: 'top', direction: 'vertical' } },
    },
  });
}

/** The "Training" section for runs with several models: their loss curves and per-model epoch figures. */
export async function trainingCurvesSection(curves: readonly TrainingCurve[]): Promise<string> {
  const svg = await lossCurvesPlot(curves);
  const plot = svg === null
    ? '<p class="muted">No epochs were recorded.</p>'
    : `<figure>${svg}<figcaption>Mean hinge loss per epoch of each model; every epoch draws one positive pair per training interaction, so the two curves are not on the same data.</figcaption></figure>`;
  const tables = curves.map((c) => {
    const epochs = c.history.length;
    const seconds = c.history.reduce((s, e) => s + e.seconds, 0);
    const rates = c.history.map((e) => e.pairsPerSecond).filter((r): r is number => r !== undefined && Number.isFinite(r));
    const rows: [string, string][] = [
      ['epochs', String(epochs)],
      ['final loss', epochs > 0 ? c.history[epochs - 1].trainLoss.toFixed(4) : '–'],
      ['mean epoch', epochs > 0 ? formatSeconds(seconds / epochs) : '–'],
    ];
    if (rates.length > 0) rows.push(['pairs / s', Math.round(rates.reduce((a, b) => a + b, 0) / rates.length).toLocaleString('en-US')]);
    return keyValueTable(c.label, rows);
  });
  return `<section><h2>Training</h2>${plot}<div class="cards">${tables.join('')}</div></section>`;
}

/** Who each user protocol evaluated: one small table per protocol. */
export function userTasksSection(tasks: Readonly<Record<string, UserTaskStats>>): string {
  const tables = Object.entries(tasks).map(([protocol, s]) => keyValueTable(protocol, [
    ['users evaluated', `${s.queries.toLocaleString('en-US')} of ${s.users.toLocaleString('en-US')}`],
    ['without a test item', s.usersWithoutTest.toLocaleString('en-US')],
    ['without training history', s.usersWithoutHistory.toLocaleString('en-US')],
    ['test interactions', s.testInteractions.toLocaleString('en-US')],
    ['… on cold items', s.coldTestInteractions.toLocaleString('en-US')],
    ['dropped (only cold test items)', s.usersDroppedCold.toLocaleString('en-US')],
    ['candidates ranked', s.candidates.toLocaleString('en-US')],
  ]));
  if (tables.length === 0) return '';
  return `<section><h2>User protocols</h2><p class="muted">Every method ranks the same users on the same split; a user’s training and validation products are masked.</p><div class="cards">${tables.join('')}</div></section>`;
}

function itemList(items: readonly (SampleItem & { hit?: boolean })[], more: number): string {
  if (items.length === 0) return '<span class="muted">none</span>';
  const li = items.map((r, i) => {
    const mark = r.hit ? '<span class="tick" aria-label="hit">✓</span>' : '';
    return `<li${r.hit ? ' class="hit"' : ''}><span class="rank">${i + 1}</span>${mark}${escapeHtml(r.title)} <small>${escapeHtml(r.id)}</small></li>`;
  });
  const rest = more > 0 ? `<div class="note">… and ${more.toLocaleString('en-US')} more</div>` : '';
  return `<ol class="recs">${li.join('')}</ol>${rest}`;
}

function userTable(t: UserSampleTable, colors: ReadonlyMap<string, string>): string {
  const rows = [
    `<tr><th scope="row">reviewed, latest first</th><td>${itemList(t.history, t.historySize - t.history.length)}</td></tr>`,
    `<tr><th scope="row">held out (to find)</th><td>${itemList(t.heldOut, t.heldOutSize - t.heldOut.length)}</td></tr>`,
    ...t.recommendations.map((r) => {
      const hits = r.items.filter((i) => i.hit).length;
      return `<tr><th scope="row">${swatch(colors.get(r.method))}${escapeHtml(r.method)}<div class="note">${hits} / ${r.items.length} hits</div></th><td>${itemList(r.items, 0)}</td></tr>`;
    }),
  ];
  return `<h4>user ${escapeHtml(t.user)}</h4><div class="scroll"><table class="samples"><tbody>${rows.join('')}</tbody></table></div>`;
}

/**
 * Sample recommendations of user protocols: per protocol (in report order),
 * per user, the products they reviewed and the held-out ones beside every
 * method's top picks, hits ticked.
 */
export function userSamplesSection(tables: readonly UserSampleTable[], protocols: readonly ProtocolResult[], colors: ReadonlyMap<string, string>): string {
  if (tables.length === 0) return '<section><h2>Sample recommendations</h2><p class="muted">No sample recommendations were recorded.</p></section>';
  const order = new Map(protocols.map((p, i) => [p.protocol, i]));
  const names = [...new Set(tables.map((t) => t.protocol))].sort((a, b) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size));
  const groups = names.map((protocol) => {
    const label = protocols.find((p) => p.protocol === protocol)?.label;
    const head = `<h3>${escapeHtml(protocol)}${label ? ` <span class="muted">— ${escapeHtml(label)}</span>` : ''}</h3>`;
    return `<section class="group">${head}${tables.filter((t) => t.protocol === protocol).map((t) => userTable(t, colors)).join('')}</section>`;
  });
  return `<section><h2>Sample recommendations</h2>${groups.join('')}</section>`;
}
