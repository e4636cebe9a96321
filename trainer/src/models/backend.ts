import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { registerUnsortedSegmentSumWasm } from './unsorted-segment-sum-wasm.ts';

/** Backends in order of preference. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

const require = createRequire(import.meta.url);

/** Loads tfjs-node-gpu or tfjs-node if installed (they are optional: their install downloads libtensorflow). */
async function loadTensorflow(): Promise<string | undefined> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* @vite-ignore */ pkg);
      return pkg;
    } catch {
      /* not installed: try the next */
    }
  }
  return undefined;
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${join(dist, '/')}`);
  registerUnsortedSegmentSumWasm();
}

/**
 * Selects the tfjs backend: `tensorflow` (native, GPU when tfjs-node-gpu is
 * installed) > `wasm` > `cpu`, or exactly the `requested` one.
 * @returns the backend in use and, for `tensorflow`, which package provided it.
 * @throws GraphrecError `backend/unavailable` when a requested backend cannot start.
 */
export async function selectBackend(requested?: BackendName): Promise<{ backend: BackendName; detail: string }> {
  if (requested !== undefined && !BACKENDS.includes(requested)) {
    throw new GraphrecError('backend/unknown', `unknown backend '${String(requested)}'; choose one of ${BACKENDS.join(', ')}`);
  }
  const order = requested ? [requested] : [...BACKENDS];
  const failures: string[] = [];
  for (const name of order) {
    try {
      let detail = name as string;
      if (name === 'tensorflow') {
        const pkg = await loadTensorflow();
        if (!pkg) throw new Error('neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed');
        detail = pkg;
      } else if (name === 'wasm') {
        await loadWasm();
        detail = 'wasm (SIMD, JS UnsortedSegmentSum kernel registered)';
      }
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
      await tf.ready();
      return { backend: name, detail };
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new GraphrecError('backend/unavailable', `no usable tfjs backend (${failures.join('; ')})`);
}
