import { peakRssMB } from '../util/progress.ts';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { ingest, type IngestReport } from '../data/ingest.ts';
import { formatCount, table } from './format.ts';
import { summariseSplits } from '../graph/split-summary.ts';
import { parseTextFieldsFlag } from '../text/text-fields-flag.ts';
import { checkProductText } from '../text/vocabulary-check.ts';
import { numberFlag, parseFlags, type Command } from './command.ts';

const usage = 'graphrec ingest PATH [--format auto|2014|2018] [--strict] [--splits [--seed S]] [--text-fields title:3,brand,…] [--json] [--quiet]';

function describe(report: IngestReport): string {
  const rows: (string | number)[][] = [];
  const add = (section: string, counts: Record<string, number> | undefined): void => {
    if (counts) for (const [k, v] of Object.entries(counts)) rows.push([section, k, v]);
  };
  add('metadata', report.metadata);
  add('co-purchase graph', report.coPurchase);
  add('reviews', report.reviews);
  add('image features', report.imageFeatures);
  add('movielens', report.movielens);
  add('cora', report.cora);
  const lines = [
    `sources: ${report.sources.map((s) => `${s.kind}=${s.file}`).join(', ')}`,
    table(['section', 'count', 'value'], rows),
  ];
  const p = report.problems;
  if (p.total === 0) lines.push('bad input: none');
  else {
    lines.push(`bad input: ${formatCount(p.total)} skipped (${Object.entries(p.counts).map(([k, v]) => `${k}: ${formatCount(v)}`).join(', ')})`);
    for (const e of p.examples) lines.push(`  ${e.file}:${e.line}: ${e.kind}: ${e.message}`);
  }
  return lines.join('\n');
}

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'read data files (McAuley 2014/2018, 5-core reviews, .b image features, MovieLens, .npz), build graphs, report counts',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.args, { format: { type: 'string' }, strict: { type: 'boolean' }, splits: { type: 'boolean' }, seed: { type: 'string' }, 'text-fields': { type: 'string' } }, usage);
    const path = positionals[0];
    if (!path) throw new GraphrecError('cli/bad-arguments', `missing PATH\nusage: ${usage}`);
    const format = (values.format ?? 'auto') as string;
    if (!['auto', '2014', '2018'].includes(format)) {
      throw new GraphrecError('cli/bad-arguments', `--format must be one of auto, 2014, 2018; got '${format}'`);
    }
    // Parsed before reading, so a bad flag fails fast.
    const textFields = values['text-fields'] === undefined ? undefined : parseTextFieldsFlag(values['text-fields']);
    const started = performance.now();
    const { report, coPurchase, reviewGraph } = await ingest(path, { strict: values.strict === true, metadataFormat: format as 'auto' | '2014' | '2018', progress: ctx.progress });
    const text = coPurchase?.products.text ? checkProductText(coPurchase.products.text, textFields) : undefined;
    const warnings = text?.warnings.map((w) => w.message) ?? [];
    const splits = values.splits ? summariseSplits(numberFlag(values.seed, 'seed', 1, { min: 0, integer: true }), coPurchase?.graph, reviewGraph) : undefined;
    const seconds = (performance.now() - started) / 1000;
    ctx.print(describe(report));
    if (text) ctx.print(`text vocabulary (${text.fields}): ${formatCount(text.terms)} terms over ${formatCount(text.products)} products${warnings.length > 0 ? `, ${warnings.length} warning(s)` : ''}`);
    for (const w of warnings) process.stderr.write(`graphrec ingest: warning: ${w}\n`);
    if (splits) ctx.print(`splits (seed ${splits.seed}): ${JSON.stringify({ coPurchase: splits.coPurchase, reviews: splits.reviews })}`);
    ctx.print(`took ${seconds.toFixed(1)}s, peak RSS ${peakRssMB()} MB`);
    return { ...report, ...(text ? { textVocabulary: text } : {}), warnings, ...(splits ? { splits } : {}), seconds, peakRssMB: peakRssMB() };
  },
};
