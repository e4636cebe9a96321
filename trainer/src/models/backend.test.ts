import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { loadTensorflow, selectBackend, TENSORFLOW_PACKAGES, type ModuleImporter } from './backend.ts';

const missing = (specifier: string): Error => Object.assign(new Error(`Cannot find package '${specifier}' imported from backend.ts`), { code: 'ERR_MODULE_NOT_FOUND' });
/** An importer on which the given packages load, throw `broken`, or (the rest) are not installed. */
const importer = (present: Record<string, Error | null>): ModuleImporter => async (specifier) => {
  if (!(specifier in present)) throw missing(specifier);
  if (present[specifier]) throw present[specifier];
  return {};
};
const installed = TENSORFLOW_PACKAGES.filter((p) => {
  try {
    createRequire(import.meta.url).resolve(p);
    return true;
  } catch {
    return false;
  }
});

describe('the optional tensorflow backend', () => {
  it.skipIf(installed.length > 0)('asked for but not installed (as on these machines): backend/not-installed, saying how to get it', async () => {
    const err = await selectBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphrecError);
    expect(err).toMatchObject({ code: 'backend/not-installed' });
    expect((err as Error).message).toContain('@tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed');
    expect((err as Error).message).toContain('npm install --no-save @tensorflow/tfjs-node-gpu@4.22.0');
    expect((err as Error).message).toContain('infra/trainer.Dockerfile');
  });

  it('prefers tfjs-node-gpu, else tfjs-node', async () => {
    expect(await loadTensorflow(importer({ '@tensorflow/tfjs-node-gpu': null, '@tensorflow/tfjs-node': null }))).toBe('@tensorflow/tfjs-node-gpu');
    expect(await loadTensorflow(importer({ '@tensorflow/tfjs-node': null }))).toBe('@tensorflow/tfjs-node');
  });

  it('reports an installed package that fails to load as backend/unavailable, with its error', async () => {
    const cuda = new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory\nat dlopen');
    const err = await loadTensorflow(importer({ '@tensorflow/tfjs-node-gpu': cuda })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'backend/unavailable', message: 'the tensorflow backend is installed but does not load (@tensorflow/tfjs-node-gpu: libcudart.so.11.0: cannot open shared object file: No such file or directory)' });
  });

  it('falls back to wasm without a word when no native package is installed, and names a broken one', async () => {
    expect(await selectBackend(undefined, importer({}))).toMatchObject({ backend: 'wasm', detail: 'wasm (SIMD, JS UnsortedSegmentSum kernel registered)' });
    const broken = await selectBackend(undefined, importer({ '@tensorflow/tfjs-node': new Error('bad ELF') }));
    expect(broken.backend).toBe('wasm');
    expect(broken.detail).toContain('(skipped tensorflow: the tensorflow backend is installed but does not load (@tensorflow/tfjs-node: bad ELF))');
  });
});
