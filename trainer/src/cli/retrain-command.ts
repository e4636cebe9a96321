import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { readRetrainConfig } from '../retrain/config.ts';
import { metricAt } from '../retrain/gate.ts';
import { retrain, type RetrainResult } from '../retrain/retrain.ts';
import { parseFlags, type Command } from './command.ts';

const usage = 'graphrec retrain --config FILE [--json] [--quiet]';

/** The human summary: decision, the gate metric on both sides, the version, the stages. */
function summary(result: RetrainResult): string[] {
  if (result.outcome === 'busy') {
    const h = result.holder!;
    return [`busy: retrain ${h.runId} (${h.owner}) holds the lock of ${result.target} until ${h.expiresAt}; nothing was done`];
  }
  const r = result.record!;
  const gate = r.gate!;
  const lines = [
    result.outcome === 'published'
      ? `published ${r.candidate?.version} to ${result.target} (gate: ${gate.decision}); CURRENT → ${r.candidate?.version}`
      : `refused by the gate: ${gate.reason}; CURRENT still names ${r.live?.version ?? 'nothing'}`,
    `  ${gate.metric}: new ${fmt(metricAt(r.candidate?.metrics, gate.metric))}, live ${r.live ? `${fmt(metricAt(r.live.metrics, gate.metric))} (${r.live.version})` : '— (none)'}, tolerance ${gate.tolerance}`,
    `  stages: ${r.stages.map((s) => `${s.stage} ${s.seconds.toFixed(1)}s${s.reused ? ' (reused)' : ''}`).join(', ')}`,
    `  run record: ${r.runId}`,
  ];
  return lines;
}

const fmt = (x: number | undefined): string => (x === undefined ? 'n/a' : x.toFixed(4));

/**
 * `graphrec retrain --config FILE`. Exit status: 0 when the run published, was
 * refused by the gate, or found another retrain holding the lock (the JSON
 * `outcome` says which: `published`, `refused`, `busy`); 2 when a stage failed
 * (`retrain/failed`, the message names the stage; CURRENT is untouched) or the
 * configuration is invalid.
 */
export const retrainCommand: Command = {
  name: 'retrain',
  summary: 'ingest → train → evaluate → gate against the live version → export → publish → switch CURRENT, from a config file, under a bucket lock; resumable',
  usage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.args, { config: { type: 'string' } }, usage);
    if (!values.config) throw new GraphrecError('cli/bad-arguments', `missing --config FILE\nusage: ${usage}`);
    if (positionals.length > 0) throw new GraphrecError('cli/bad-arguments', `unexpected argument '${positionals[0]}'\nusage: ${usage}`);
    const config = await readRetrainConfig(values.config);
    const result = await retrain(config, {
      progress: ctx.progress,
      log: (line) => process.stderr.write(`[graphrec] retrain: ${line}\n`),
    });
    for (const line of summary(result)) ctx.print(line);
    const r = result.record;
    return {
      outcome: result.outcome,
      runId: result.runId,
      model: result.model,
      target: result.target,
      ...(result.holder ? { holder: result.holder } : {}),
      ...(r ? { version: r.candidate?.version, gate: r.gate, candidate: r.candidate, live: r.live, stages: r.stages, stageFolder: result.stageFolder } : {}),
    };
  },
};
