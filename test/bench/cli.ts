import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PairedComparison } from '../../trainer/src/eval/paired.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `graphrec <args> --json` in a child process and returns its last stdout line, parsed. */
export function runCli(args: string[], options: { quiet?: boolean } = {}): Promise<Record<string, unknown>> {
  return runScript('trainer/src/cli.ts', [...args, '--json'], options);
}

/** Runs a TypeScript script (relative to the project root) in its own process; its last stdout line is parsed as JSON. */
export function runScript(script: string, args: string[], options: { quiet?: boolean } = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', options.quiet ? 'ignore' : 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        const parsed = JSON.parse(last) as Record<string, unknown>;
        if (code !== 0) reject(new Error(`graphrec ${args[0]} exited ${code}: ${last}`));
        else resolve(parsed);
      } catch {
        reject(new Error(`graphrec ${args[0]} exited ${code} without a JSON line: ${out.slice(-500)}`));
      }
    });
  });
}

/** The real data sets beside the project (absent on a fresh clone; benchmarks skip them then). */
export const DATASETS = join(ROOT, '..', 'shared', 'datasets');

/** The `npm run` command line that reproduces `graphrec <args>`, with paths relative to the project. */
export function cliCommand(args: readonly string[]): string {
  return `npm run -s graphrec -- ${args.map((a) => a.replace(`${DATASETS}/`, '../shared/datasets/').replace(ROOT, '')).join(' ')}`;
}

/** A run's `protocols` as `graphrec train … --json` prints them. */
type ProtocolResults = { protocol: string; methods: { method: string; metrics: Record<string, number> | null; paired?: PairedComparison }[] }[];

type MethodRow = ProtocolResults[number]['methods'][number];

/** `pick` of each of `methods` under each protocol of a run's JSON (all, or those in `only`): protocol → method → value. */
function perMethod<T>(protocols: unknown, methods: readonly string[], pick: (row: MethodRow) => T | undefined, only?: readonly string[]): Record<string, Record<string, T | undefined>> {
  const out: Record<string, Record<string, T | undefined>> = {};
  for (const p of protocols as ProtocolResults) {
    if (only && !only.includes(p.protocol)) continue;
    out[p.protocol] = Object.fromEntries(methods.map((m) => {
      const row = p.methods.find((x) => x.method === m);
      return [m, row ? pick(row) : undefined];
    }));
  }
  return out;
}

/** HR@10 of `methods` under each protocol of a run's JSON, undefined where the method was not scored. */
export const hitRatesAt10 = (protocols: unknown, methods: readonly string[], only?: readonly string[]) => perMethod(protocols, methods, (r) => r.metrics?.['hr@10'], only);

/** The paired comparisons with popularity of `methods` under each protocol of a run's JSON. */
export const pairedResults = (protocols: unknown, methods: readonly string[], only?: readonly string[]) => perMethod(protocols, methods, (r) => r.paired, only);
