import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { evaluateRun } from '../train/graphsage-run.ts';
import { runKind } from '../train/pinsage-run-file.ts';
import { evaluatePinSageRun } from '../train/pinsage-run.ts';
import { parseFlags, type Command } from './command.ts';
import { metricsTables } from './metrics-table.ts';
import { parseBackend } from './parse-backend.ts';

const usage = 'graphrec eval RUN [--backend tensorflow|wasm|cpu] [--graphsage RUN2 (PinSage runs: rank a GraphSAGE run beside)] [--json]';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a trained run (GraphSAGE or PinSage) and every baseline on its splits; print per method, protocol and metric; rewrite its report',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.args, { backend: { type: 'string' }, graphsage: { type: 'string' } }, usage);
    const runDir = positionals[0];
    if (!runDir) throw new GraphrecError('cli/bad-arguments', `missing RUN\nusage: ${usage}`);
    const backend = parseBackend(values.backend);
    const kind = await runKind(runDir);
    if (kind === 'graphsage' && values.graphsage) throw new GraphrecError('cli/bad-arguments', `--graphsage applies to PinSage runs; ${runDir} is a GraphSAGE run`);
    const { report, reportPath } = kind === 'pinsage'
      ? await evaluatePinSageRun(runDir, { backend, progress: ctx.progress, graphsageRun: values.graphsage })
      : await evaluateRun(runDir, { backend, progress: ctx.progress });
    ctx.print(metricsTables(report.protocols));
    ctx.print(`report: ${reportPath}`);
    return { run: runDir, model: kind, dataset: report.dataset, protocols: report.protocols, report: reportPath };
  },
};
