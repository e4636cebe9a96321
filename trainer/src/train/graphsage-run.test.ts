import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { titleOnlyTextFields } from '../../../artifacts/src/text/product-text.ts';
import { Vocabulary } from '../../../artifacts/src/text/tfidf.ts';
import { generateSynthetic } from '../synth/generate.ts';
import { parseTextFieldsFlag } from '../text/text-fields-flag.ts';
import { parseGraphSageConfig } from './graphsage-config.ts';
import { readRunFile, trainRun } from './graphsage-run.ts';
import { readTensorFile } from './tensor-file.ts';

const { dir } = fixtureFolder('graphsage-run');
const data = join(dir, 'data');
const config = (extra: Record<string, unknown> = {}) =>
  parseGraphSageConfig({ seed: 3, epochs: 4, batchSize: 256, patience: 10, inputDim: 32, hiddenDim: 32, outputDim: 32, ...extra });
const metric = (protocols: { protocol: string; methods: { method: string; metrics: Record<string, number> | null }[] }[], protocol: string, method: string, key: string): number =>
  protocols.find((p) => p.protocol === protocol)!.methods.find((m) => m.method === method)!.metrics![key];

describe('GraphSAGE run', () => {
  beforeAll(async () => {
    await generateSynthetic({ products: 800, users: 200, categories: 10, seed: 11, out: data, imageFraction: 0 });
  });

  it('learns the planted co-purchase structure far above random and popularity, and writes the report', async () => {
    const { report, reportPath } = await trainRun({ dataPath: data, runDir: join(dir, 'learn'), protocol: 'standard', config: config({ epochs: 6 }), backend: 'wasm' });
    const p = report!.protocols;
    const sage = metric(p, 'held-out-edges', 'graphsage', 'hr@10');
    expect(sage).toBeGreaterThan(5 * metric(p, 'held-out-edges', 'random', 'hr@10'));
    expect(sage).toBeGreaterThan(metric(p, 'held-out-edges', 'popularity', 'hr@10'));
    expect(metric(p, 'cold-start-title', 'graphsage', 'hr@10')).toBeGreaterThan(metric(p, 'cold-start-title', 'random', 'hr@10'));
    const cannot = p.find((x) => x.protocol === 'cold-start-title')!.methods.find((m) => m.method === 'adamic-adar')!;
    expect(cannot.metrics).toBeNull();
    expect(cannot.note).toMatch(/needs known neighbours/);
    expect(await readFile(reportPath!, 'utf8')).toMatch(/<svg/);
  });

  it('is reproducible for a seed, and a resumed run equals an uninterrupted one', async () => {
    const weights = async (runDir: string): Promise<Buffer> => readFile(join(runDir, 'model', 'weights.bin'));
    await trainRun({ dataPath: data, runDir: join(dir, 'a'), protocol: 'standard', config: config(), backend: 'wasm', evaluate: false });
    await trainRun({ dataPath: data, runDir: join(dir, 'b'), protocol: 'standard', config: config(), backend: 'wasm', evaluate: false });
    expect((await weights(join(dir, 'a'))).equals(await weights(join(dir, 'b')))).toBe(true);

    await trainRun({ dataPath: data, runDir: join(dir, 'c'), protocol: 'standard', config: config({ epochs: 2 }), backend: 'wasm', evaluate: false });
    await expect(trainRun({ dataPath: data, runDir: join(dir, 'c'), protocol: 'standard', config: config(), backend: 'wasm', evaluate: false })).rejects.toThrow(/--resume/);
    const resumed = await trainRun({ dataPath: data, runDir: join(dir, 'c'), protocol: 'standard', config: config(), backend: 'wasm', evaluate: false, resume: true });
    expect(resumed.run.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    // Adam's bias corrections are recomputed as β^t on resume rather than accumulated step by step, so allow float rounding.
    const a = await readTensorFile(join(dir, 'a', 'model', 'weights.bin'));
    const c = await readTensorFile(join(dir, 'c', 'model', 'weights.bin'));
    let maxDiff = 0;
    for (const name of Object.keys(a)) a[name].data.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - c[name].data[i]))));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('records the text settings in run.json and the vocabulary, warnings too; older runs read as title only', async () => {
    const runDir = join(dir, 'text');
    const text = parseTextFieldsFlag('title:2,brand,description');
    const lines: string[] = [];
    const { run } = await trainRun({ dataPath: data, runDir, protocol: 'standard', config: config({ epochs: 1, text }), backend: 'wasm', evaluate: false, log: (l) => lines.push(l) });
    const written = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
    expect(written.config.text).toEqual(text);
    expect(written.warnings).toEqual(run.warnings);
    expect(lines.filter((l) => l.startsWith('warning: '))).toEqual(run.warnings.map((w) => `warning: ${w}`));
    expect(Vocabulary.parse(JSON.parse(await readFile(join(runDir, 'model', 'vocabulary.json'), 'utf8'))).text).toEqual(text);

    delete written.config.text;
    delete written.warnings;
    await writeFile(join(runDir, 'run.json'), JSON.stringify(written));
    const old = await readRunFile(runDir);
    expect(old.config.text).toEqual(titleOnlyTextFields());
    expect(old.warnings).toEqual([]);
  });
});
