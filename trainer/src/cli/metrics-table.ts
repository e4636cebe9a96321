import type { ProtocolResult } from '../eval/types.ts';
import { pairedShort } from '../eval/paired.ts';
import { table } from './format.ts';

const COLUMNS = ['hr@10', 'ndcg@10', 'mrr', 'hr@50', 'hr@100', 'hr@500', 'recall@10', 'auc', 'ap'];

/** One plain-text table per protocol: methods × the metrics that protocol has. */
export function metricsTables(protocols: readonly ProtocolResult[]): string {
  return protocols
    .map((p) => {
      const present = COLUMNS.filter((c) => p.methods.some((m) => m.metrics && c in m.metrics));
      const paired = p.methods.find((m) => m.paired)?.paired;
      const pairedColumn = paired ? [`vs ${paired.against} @${paired.k}`] : [];
      const rows = p.methods.map((m) => [
        m.method,
        ...present.map((c) => (m.metrics ? (m.metrics[c]?.toFixed(3) ?? '') : '—')),
        ...(paired ? [m.paired ? pairedShort(m.paired) : ''] : []),
        m.metrics ? (m.note ?? '') : `cannot score: ${m.note ?? ''}`,
      ]);
      return `${p.label}\n${table(['method', ...present, ...pairedColumn, ''], rows)}`;
    })
    .join('\n\n');
}
