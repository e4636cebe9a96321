import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphrecError, isGraphrecError } from '../../../artifacts/src/errors.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { generateSynthetic } from '../synth/generate.ts';
import { parsePinSageConfig } from '../train/pinsage-config.ts';
import { silentProgress } from '../util/progress.ts';
import { parsePinSageArgs, trainPinSageCommand } from './train-pinsage-command.ts';

const base = ['pinsage', 'data/x', '--out', 'runs/x'];

/** The `cli/bad-arguments` message of parsing `args`, or a failure when it parses. */
function badArguments(args: string[]): string {
  try {
    parsePinSageArgs(args);
  } catch (err) {
    expect(err).toBeInstanceOf(GraphrecError);
    expect((err as GraphrecError).code).toBe('cli/bad-arguments');
    return (err as Error).message;
  }
  throw new Error(`parsed: ${args.join(' ')}`);
}

describe('parsePinSageArgs', () => {
  it('keeps every default when no flag is given', () => {
    const a = parsePinSageArgs(base);
    expect(a).toMatchObject({ dataPath: 'data/x', runDir: 'runs/x', images: true, unified: false, resume: false, evaluate: true, backend: undefined, graphsageRun: undefined });
    expect(a.config).toEqual(parsePinSageConfig({}));
  });

  it('maps every flag onto the config and the run options', () => {
    const a = parsePinSageArgs([
      ...base, '--epochs', '7', '--batch-size', '128', '--dim', '32', '--layers', '1', '--negatives', '4', '--lr', '0.002', '--walks', '20',
      '--walk-length', '3', '--restart', '0.3', '--top-t', '5', '--margin', '0.3', '--pair-window', '4', '--id-embedding', '--score-bias', '--no-images', '--unified', '--graphsage', 'runs/sage',
      '--seed', '9', '--backend', 'cpu', '--resume', '--no-eval', '--json',
    ]);
    expect(a.config).toMatchObject({ epochs: 7, batchSize: 128, dim: 32, layers: 1, negatives: 4, learningRate: 0.002, walks: 20, walkLength: 3, restart: 0.3, topT: 5, margin: 0.3, pairWindow: 4, idEmbedding: true, scoreBias: true, seed: 9 });
    expect(a).toMatchObject({ images: false, unified: true, graphsageRun: 'runs/sage', backend: 'cpu', resume: true, evaluate: false });
    expect(Object.isFrozen(a.config)).toBe(true);
  });

  it('turns the score bias on or off, and leaves it at the default without either flag', () => {
    expect(parsePinSageArgs([...base, '--score-bias']).config.scoreBias).toBe(true);
    expect(parsePinSageArgs([...base, '--no-score-bias']).config.scoreBias).toBe(false);
    expect(parsePinSageArgs(base).config.scoreBias).toBe(parsePinSageConfig({}).scoreBias);
    expect(badArguments([...base, '--score-bias', '--no-score-bias'])).toMatch(/one of --score-bias and --no-score-bias/);
  });

  it('names the flag and its allowed values on bad input', () => {
    expect(badArguments([...base, '--walks', '0'])).toMatch(/--walks must be an integer ≥ 1, got '0'/);
    expect(badArguments([...base, '--epochs', '2.5'])).toMatch(/--epochs must be an integer/);
    expect(badArguments([...base, '--restart', '1.5'])).toMatch(/--restart must be a number ≥ 0 and ≤ 1/);
    expect(badArguments([...base, '--lr', 'fast'])).toMatch(/--lr must be a number/);
    expect(badArguments([...base, '--margin', '0'])).toMatch(/--margin must be a number ≥ 0.000001 and ≤ 2/);
    expect(badArguments([...base, '--pair-window', '-1'])).toMatch(/--pair-window/);
    expect(badArguments([...base, '--backend', 'gpu'])).toMatch(/--backend must be one of tensorflow, wasm, cpu/);
    expect(badArguments([...base, '--fanouts', '10,10'])).toMatch(/Unknown option '--fanouts'[\s\S]*usage: graphrec train pinsage/);
    expect(badArguments(['pinsage', 'data/x'])).toMatch(/DATA and --out RUN are required/);
    expect(badArguments([...base, 'extra'])).toMatch(/unexpected argument 'extra'/);
  });
});

describe('trainPinSageCommand', () => {
  const { dir } = fixtureFolder('train-pinsage-command');

  it('tells how to train on reviews alone (no titles, prices or images): --id-embedding', async () => {
    const synth = join(dir, 'synth');
    await generateSynthetic({ products: 60, users: 40, seed: 2, out: synth, imageFraction: 0 });
    const { files } = JSON.parse(await readFile(join(synth, 'synth.json'), 'utf8')) as { files: { reviews: string } };
    const bare = join(dir, 'reviews-only');
    await mkdir(bare);
    await copyFile(join(synth, files.reviews), join(bare, files.reviews));
    const ctx = { args: ['pinsage', bare, '--out', join(dir, 'run'), '--epochs', '1', '--backend', 'cpu'], json: true, progress: silentProgress, print: () => {} };
    await expect(trainPinSageCommand(ctx)).rejects.toSatisfy((e) => isGraphrecError(e, 'pinsage/no-features') && /--id-embedding/.test((e as Error).message));
  });
});
