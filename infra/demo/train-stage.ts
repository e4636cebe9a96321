import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ProtocolResult } from '../../trainer/src/eval/types.ts';
import { parseGraphSageConfig } from '../../trainer/src/train/graphsage-config.ts';
import type { RunFile } from '../../trainer/src/train/graphsage-run.ts';
import type { Progress } from '../../trainer/src/util/progress.ts';
import type { DemoData } from './data-stage.ts';
import { settingsKey, shown, type DemoLayout } from './layout.ts';
import type { Stage } from './stage.ts';

/** A trained, evaluated run. */
export interface DemoRun {
  dir: string;
  reportPath: string;
  /** `run.json`'s creation time: part of the export's key, so a retrained run is never served from an old export. */
  createdAt: string;
}

/** What a finished run holds; `run.json` is written after the weights, the report after `eval.json`. */
const RUN_FILES = ['run.json', 'model/weights.bin', 'model/vocabulary.json', 'eval.json', 'report/index.html'];

/**
 * The `train` stage: GraphSAGE on the wasm backend (the trainer's portable
 * choice: same results on every machine), then the evaluation against the
 * baselines and the HTML report. Keyed by the data fingerprint and every setting.
 */
export function trainStage(data: DemoData, options: { epochs: number }, layout: DemoLayout, progress: Progress): Stage<DemoRun> {
  const config = parseGraphSageConfig({ epochs: options.epochs, seed: 1 });
  const settings = { protocol: 'standard', backend: 'wasm' } as const;
  const dataset = resolve(data.path);
  const dir = join(layout.runs, settingsKey(data.fingerprint, dataset, settings, config));
  const reportPath = join(dir, 'report/index.html');
  const checkpoint = join(dir, 'checkpoint/state.json');
  return {
    name: 'train',
    intro: `training GraphSAGE (${settings.backend}, up to ${config.epochs} epochs), then evaluating it against the baselines, in ${shown(dir)}`,
    async check() {
      const missing = RUN_FILES.find((f) => !existsSync(join(dir, f)));
      if (missing) return { reusable: false, why: existsSync(checkpoint) ? 'resuming the interrupted run' : existsSync(dir) ? `the last run did not finish (no ${missing})` : 'no run for this data and these settings yet' };
      const run = await readFile(join(dir, 'run.json'), 'utf8').then((t) => JSON.parse(t) as Partial<RunFile>, () => undefined);
      // The export reads the catalogue from the path the run recorded.
      if (run?.dataset !== dataset || !run.createdAt) return { reusable: false, why: 'its run.json does not match this data' };
      return { reusable: true, value: { dir, reportPath, createdAt: run.createdAt }, detail: `${shown(dir)}: ${run.history?.length} epochs, best ${run.bestEpoch}; ${await headline(dir)}` };
    },
    async build({ fresh }) {
      // Loaded here, not at the top: tfjs takes seconds to import, and a reused run never needs it.
      const { trainRun } = await import('../../trainer/src/train/graphsage-run.ts');
      const resume = !fresh && existsSync(checkpoint);
      if (!resume) await rm(dir, { recursive: true, force: true });
      const result = await trainRun({
        dataPath: dataset, runDir: dir, protocol: settings.protocol, config, backend: settings.backend, resume, evaluate: true, progress,
        log: (line) => process.stderr.write(`[graphrec] ${line}\n`),
      });
      const { run } = result;
      const detail = `${run.history.length} epochs in ${run.trainSeconds.toFixed(1)}s (best ${run.bestEpoch}), evaluated in ${result.report?.timings.evaluate?.toFixed(1) ?? '?'}s; ${await headline(dir)}`;
      return { value: { dir, reportPath, createdAt: run.createdAt }, detail };
    },
  };
}

/** HR@10 on held-out edges for the model and the popularity baseline: one line that says whether training worked. */
async function headline(dir: string): Promise<string> {
  const { protocols } = JSON.parse(await readFile(join(dir, 'eval.json'), 'utf8')) as { protocols: ProtocolResult[] };
  const heldOut = protocols.find((p) => p.protocol === 'held-out-edges');
  const hr = (method: string): string | undefined => {
    const v = heldOut?.methods.find((m) => m.method === method)?.metrics?.['hr@10'];
    return v === undefined ? undefined : `${method} ${v.toFixed(3)}`;
  };
  const parts = ['graphsage', 'graphsage+popularity', 'popularity'].map(hr).filter(Boolean);
  return parts.length > 0 ? `held-out HR@10: ${parts.join(', ')}` : 'no held-out metrics';
}
