import { pairedShort } from './paired.ts';
import type { SampleRecommendation } from './report-data.ts';
import { escapeHtml, formatMetric, swatch } from './report-html.ts';
import type { MethodResult, ProtocolResult } from './types.ts';

/** Metric columns in display order: key in `MethodResult.metrics`, header text. */
export const METRIC_COLUMNS: readonly (readonly [string, string])[] = [
  ['hr@10', 'HR@10'], ['ndcg@10', 'NDCG@10'], ['mrr', 'MRR'], ['hr@50', 'HR@50'], ['hr@100', 'HR@100'],
  ['hr@500', 'HR@500'], ['recall@10', 'Recall@10'], ['auc', 'AUC'], ['ap', 'AP'],
];

/** The best (largest finite) value per column; every column shown is higher-is-better. */
function bestValues(methods: readonly MethodResult[], keys: readonly string[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const key of keys) {
    const values = methods.map((m) => m.metrics?.[key]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length > 0) best.set(key, Math.max(...values));
  }
  return best;
}

function methodCell(m: MethodResult, colors: ReadonlyMap<string, string>): string {
  const note = m.metrics && m.note ? `<div class="note">${escapeHtml(m.note)}</div>` : '';
  return `<th scope="row">${swatch(colors.get(m.method))}${escapeHtml(m.method)}${note}</th>`;
}

/**
 * One protocol's metrics: a row per method, only the columns some method reports,
 * the best value per column in bold, and a "cannot score" row for null metrics.
 * @param protocol its `label` becomes the caption, verbatim.
 * @param colors method colours shared with the plots.
 */
export function metricsTable(protocol: ProtocolResult, colors: ReadonlyMap<string, string>): string {
  const columns = METRIC_COLUMNS.filter(([key]) => protocol.methods.some((m) => m.metrics?.[key] !== undefined));
  const best = bestValues(protocol.methods, columns.map(([key]) => key));
  // Queries won and lost against popularity at HR@10, and McNemar's exact p: whether a gap is more than chance.
  const paired = protocol.methods.find((m) => m.paired)?.paired;
  const pairedHead = paired ? `<th scope="col">vs ${escapeHtml(paired.against)} @${paired.k}</th>` : '';
  const pairedCell = (m: MethodResult): string => (paired ? `<td class="num muted">${m.paired ? escapeHtml(pairedShort(m.paired)) : ''}</td>` : '');
  const head = `<tr><th scope="col">method</th>${columns.map(([, h]) => `<th scope="col">${h}</th>`).join('')}${pairedHead}<th scope="col">queries</th></tr>`;
  const rows = protocol.methods.map((m) => {
    const queries = `<td class="num muted">${m.queries.toLocaleString('en-US')}</td>`;
    if (m.metrics === null) {
      const why = `cannot score${m.note ? `: ${escapeHtml(m.note)}` : ''}`;
      return `<tr class="cannot">${methodCell(m, colors)}<td colspan="${Math.max(columns.length, 1) + (paired ? 1 : 0)}">${why}</td>${queries}</tr>`;
    }
    const metrics = m.metrics;
    const cells = columns.map(([key]) => {
      const text = formatMetric(metrics[key]);
      return metrics[key] === best.get(key) ? `<td class="num"><b>${text}</b></td>` : `<td class="num">${text}</td>`;
    });
    return `<tr>${methodCell(m, colors)}${cells.join('')}${pairedCell(m)}${queries}</tr>`;
  });
  return `<div class="scroll"><table class="metrics"><caption>${escapeHtml(protocol.label)}</caption>`
    + `<thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function recommendationList(sample: SampleRecommendation): string {
  const items = sample.recommendations.map((r, i) => {
    const mark = r.hit ? '<span class="tick" aria-label="hit">✓</span>' : '';
    return `<li${r.hit ? ' class="hit"' : ''}><span class="rank">${i + 1}</span>${mark}${escapeHtml(r.title)} <small>${escapeHtml(r.id)}</small></li>`;
  });
  return items.length === 0 ? '<span class="muted">no recommendations</span>' : `<ol class="recs">${items.join('')}</ol>`;
}

function sampleTable(samples: readonly SampleRecommendation[]): string {
  const rows = samples.map((s) => {
    const hits = s.recommendations.filter((r) => r.hit).length;
    const query = `<th scope="row">${escapeHtml(s.query.title)} <small>${escapeHtml(s.query.id)}</small>`
      + `<div class="note">${hits} / ${s.recommendations.length} hits</div></th>`;
    return `<tr>${query}<td>${recommendationList(s)}</td></tr>`;
  });
  return `<div class="scroll"><table class="samples"><thead><tr><th scope="col">query</th><th scope="col">recommendations, best first</th></tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table></div>`;
}

/** Groups in first-seen order, so protocols and methods keep the order the run produced. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * Sample recommendations grouped by protocol, then method; hits are ticked and highlighted.
 * @param samples in any order; groups follow `protocols`' order, unknown protocols last.
 * @param protocols supply the human labels and the method order.
 */
export function samplesSection(samples: readonly SampleRecommendation[], protocols: readonly ProtocolResult[], colors: ReadonlyMap<string, string>): string {
  if (samples.length === 0) return '<p class="muted">No sample recommendations were recorded.</p>';
  const order = new Map(protocols.map((p, i) => [p.protocol, i]));
  const byProtocol = [...groupBy(samples, (s) => s.protocol)]
    .sort(([a], [b]) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size));
  return byProtocol.map(([protocol, group]) => {
    const info = protocols.find((p) => p.protocol === protocol);
    const methodOrder = new Map(info?.methods.map((m, i) => [m.method, i]) ?? []);
    const byMethod = [...groupBy(group, (s) => s.method)]
      .sort(([a], [b]) => (methodOrder.get(a) ?? methodOrder.size) - (methodOrder.get(b) ?? methodOrder.size));
    const label = info && info.label !== protocol ? ` <span class="muted">— ${escapeHtml(info.label)}</span>` : '';
    const methods = byMethod.map(([method, items]) => `<h4>${swatch(colors.get(method))}${escapeHtml(method)}</h4>${sampleTable(items)}`);
    return `<section class="group"><h3>${escapeHtml(protocol)}${label}</h3>${methods.join('')}</section>`;
  }).join('');
}
