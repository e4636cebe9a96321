import { peakRssMB } from '../util/progress.ts';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { parseGraphSageConfig } from '../train/graphsage-config.ts';
import { trainRun } from '../train/graphsage-run.ts';
import { parseTextFieldsFlag } from '../text/text-fields-flag.ts';
import { numberFlag, parseFlags, type Command } from './command.ts';
import { metricsTables } from './metrics-table.ts';
import { parseBackend } from './parse-backend.ts';
import { pinSageUsage, trainPinSageCommand } from './train-pinsage-command.ts';

const usage =
  'graphrec train graphsage DATA --out RUN [--protocol standard|gae] [--epochs N] [--batch-size N | --full-batch] [--fanouts 10,10] [--negatives N] [--lr X] [--dim N] [--seed S] [--patience N] [--text-fields title:3,brand,categories,description,feature] [--backend tensorflow|wasm|cpu] [--resume] [--no-eval] [--json]';

export { parseBackend };

export const trainCommand: Command = {
  name: 'train',
  summary: 'train GraphSAGE on a co-purchase graph (or Cora), or PinSage on a user–product review graph; evaluate against baselines; write RUN/report/index.html',
  usage: `${usage}\n${pinSageUsage}`,
  async run(ctx) {
    // Each model has its own flags, so the model name (first) picks the parser.
    if (ctx.args[0] === 'pinsage') return trainPinSageCommand(ctx);
    const { values, positionals } = parseFlags(
      ctx.args,
      {
        out: { type: 'string' }, protocol: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' },
        'full-batch': { type: 'boolean' }, fanouts: { type: 'string' }, negatives: { type: 'string' }, lr: { type: 'string' },
        dim: { type: 'string' }, seed: { type: 'string' }, patience: { type: 'string' }, backend: { type: 'string' },
        resume: { type: 'boolean' }, 'no-eval': { type: 'boolean' }, 'text-fields': { type: 'string' },
      },
      usage,
    );
    const [model, dataPath] = positionals;
    if (model === 'pinsage') throw new GraphrecError('cli/bad-arguments', `put the model first: graphrec train pinsage DATA …\nusage: ${pinSageUsage}`);
    if (model !== 'graphsage') throw new GraphrecError('cli/bad-arguments', `unknown model '${model ?? ''}'; available: graphsage, pinsage\nusage: ${usage}\n  ${pinSageUsage}`);
    if (!dataPath || !values.out) throw new GraphrecError('cli/bad-arguments', `DATA and --out RUN are required\nusage: ${usage}`);
    const protocol = values.protocol ?? 'standard';
    if (protocol !== 'standard' && protocol !== 'gae') throw new GraphrecError('cli/bad-arguments', `--protocol must be standard or gae; got '${protocol}'`);
    const int = (name: string, v: string | undefined) => (v === undefined ? undefined : numberFlag(v, name, 0, { min: 1, integer: true }));
    const dim = int('dim', values.dim);
    const config = parseGraphSageConfig({
      seed: values.seed === undefined ? undefined : numberFlag(values.seed, 'seed', 1, { min: 0, integer: true }),
      epochs: int('epochs', values.epochs),
      batchSize: int('batch-size', values['batch-size']),
      fullBatch: values['full-batch'] === true,
      negatives: int('negatives', values.negatives),
      patience: int('patience', values.patience),
      learningRate: values.lr === undefined ? undefined : numberFlag(values.lr, 'lr', 0.01, { min: 1e-6, max: 1 }),
      fanouts: values.fanouts?.split(',').map((f) => numberFlag(f, 'fanouts', 10, { min: 1, integer: true })),
      ...(dim ? { inputDim: dim, hiddenDim: dim, outputDim: dim } : {}),
      text: values['text-fields'] === undefined ? undefined : parseTextFieldsFlag(values['text-fields']),
    });
    const result = await trainRun({
      dataPath, runDir: values.out, protocol, config, backend: parseBackend(values.backend), resume: values.resume === true,
      evaluate: values['no-eval'] !== true, progress: ctx.progress, log: (l) => process.stderr.write(`[graphrec] ${l}\n`),
    });
    if (result.report) ctx.print(metricsTables(result.report.protocols));
    if (result.reportPath) ctx.print(`report: ${result.reportPath}`);
    return { run: values.out, backend: result.run.backend, trainSeconds: result.run.trainSeconds, evaluateSeconds: result.report?.timings.evaluate, peakRssMB: peakRssMB(), bestEpoch: result.run.bestEpoch, epochs: result.run.history.length, data: result.run.data, warnings: result.run.warnings, protocols: result.report?.protocols ?? [], report: result.reportPath };
  },
};
