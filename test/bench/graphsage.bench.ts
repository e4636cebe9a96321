import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cliCommand as cmd, ROOT, runCli } from './cli.ts';
import { realDataQuality } from './graphsage-real.ts';
import type { Benchmark } from './types.ts';

const STUDY = { products: 20000, alsoBoughtMean: 26, batch: 4096 };
/** The cpu backend needs ~30 s for one 256-edge step here (and GBs at 4,096), so backends compare on small steps. */
const STEP_BATCH = 256;

function stepTimes(data: string, backend: string, steps: number, batch: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/graphsage-steps.ts', data, backend, String(steps), String(batch)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as Record<string, number>);
      } catch {
        reject(new Error(`graphsage-steps ${backend} exited ${code}: ${out.slice(-300)}`));
      }
    });
  });
}

const fmt = (x: number, digits = 3): string => x.toFixed(digits);

/**
 * GraphSAGE at the reference study's scale (20,000 products, ~430,000 edges):
 * the whole `train` (+ evaluation of every method) on wasm, and the time per
 * training step on wasm against cpu for the same seeded batches; then every
 * real co-purchase/citation graph present, each method on the same splits.
 */
export const graphsageBenchmark: Benchmark = {
  name: 'graphsage',
  title: 'GraphSAGE: training at the study scale (wasm vs cpu) and quality per data set',
  async run() {
    const data = join(ROOT, '.cache', 'bench-synth-study');
    const synthArgs = ['synth', '--products', String(STUDY.products), '--also-bought-mean', String(STUDY.alsoBoughtMean), '--seed', '1', '--out', data];
    if (!existsSync(join(data, 'synth.json'))) await runCli(synthArgs);
    const runDir = join(ROOT, '.cache', 'bench-run-graphsage');
    await rm(runDir, { recursive: true, force: true });
    const trainArgs = ['train', 'graphsage', data, '--out', runDir, '--backend', 'wasm', '--batch-size', String(STUDY.batch), '--epochs', '10', '--patience', '2'];
    const started = performance.now();
    const run = await runCli(trainArgs);
    const wallSeconds = (performance.now() - started) / 1000;
    const wasm = await stepTimes(data, 'wasm', 5, STEP_BATCH);
    const cpu = await stepTimes(data, 'cpu', 1, STEP_BATCH);
    const real = await realDataQuality();
    const protocols = run.protocols as { protocol: string; methods: { method: string; metrics: Record<string, number> | null }[] }[];
    const held = protocols.find((p) => p.protocol === 'held-out-edges')!;
    const rows = held.methods.map((m) => `| ${m.method} | ${m.metrics ? fmt(m.metrics['hr@10']) : 'n/a'} | ${m.metrics ? fmt(m.metrics['ndcg@10']) : 'n/a'} |`);
    const epochs = (run.epochs as number) ?? 0;
    return {
      markdown: [
        `Data: ${cmd(synthArgs)} → ${(run.data as Record<string, number>).nodes.toLocaleString('en-US')} nodes, ${(run.data as Record<string, number>).edges.toLocaleString('en-US')} edges.`,
        '',
        '| figure | value |',
        '|---|---|',
        `| whole run (ingest, split, train, evaluate every method × 5 protocols), wasm | ${fmt(wallSeconds, 0)} s |`,
        `| training | ${fmt(run.trainSeconds as number, 0)} s for ${epochs} epochs (${fmt((run.trainSeconds as number) / Math.max(1, epochs), 1)} s/epoch incl. validation), best epoch ${run.bestEpoch} |`,
        `| evaluation | ${fmt(run.evaluateSeconds as number, 0)} s |`,
        `| peak RSS of the run | ${run.peakRssMB} MB |`,
        `| training step (batch ${STEP_BATCH} edges), wasm | ${fmt(wasm.meanStepSeconds)} s (an epoch at this batch: ${fmt(wasm.epochSeconds, 0)} s, ${wasm.stepsPerEpoch} steps) |`,
        `| training step (batch ${STEP_BATCH} edges), cpu | ${fmt(cpu.meanStepSeconds)} s (an epoch at this batch: ${fmt(cpu.epochSeconds / 3600, 1)} h) |`,
        `| **cpu / wasm step time** | **${fmt(cpu.meanStepSeconds / wasm.meanStepSeconds, 1)}×** (same batches, same run) |`,
        '',
        `Command: \`${cmd(trainArgs)}\`; steps: \`node --import tsx test/bench/graphsage-steps.ts DATA wasm|cpu STEPS ${STEP_BATCH}\`.`,
        '',
        'Synthetic study-scale set, held-out edges (honest protocol):',
        '',
        '| method | HR@10 | NDCG@10 |',
        '|---|---|---|',
        ...rows,
        '',
        ...real.lines,
      ].join('\n'),
      figures: { real: real.runs, wallSeconds, trainSeconds: run.trainSeconds, evaluateSeconds: run.evaluateSeconds, epochs, peakRssMB: run.peakRssMB, wasmStep: wasm.meanStepSeconds, cpuStep: cpu.meanStepSeconds },
    };
  },
};
