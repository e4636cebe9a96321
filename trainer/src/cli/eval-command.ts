import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { evaluateRun } from '../train/graphsage-run.ts';
import { parseFlags, type Command } from './command.ts';
import { metricsTables } from './metrics-table.ts';
import { parseBackend } from './train-command.ts';

const usage = 'graphrec eval RUN [--backend tensorflow|wasm|cpu] [--json]';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a trained run and every baseline on its splits; print per method, protocol and metric; rewrite its report',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.args, { backend: { type: 'string' } }, usage);
    const runDir = positionals[0];
    if (!runDir) throw new GraphrecError('cli/bad-arguments', `missing RUN\nusage: ${usage}`);
    const { report, reportPath } = await evaluateRun(runDir, { backend: parseBackend(values.backend), progress: ctx.progress });
    ctx.print(metricsTables(report.protocols));
    ctx.print(`report: ${reportPath}`);
    return { run: runDir, dataset: report.dataset, protocols: report.protocols, report: reportPath };
  },
};
