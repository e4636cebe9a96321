import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { registerUnsortedSegmentSumWasm } from './unsorted-segment-sum-wasm.ts';

/** Backends in order of preference. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

const require = createRequire(import.meta.url);

/** The native packages behind the `tensorflow` backend, GPU first; neither is a dependency (their install downloads libtensorflow). */
export const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Imports a module by name; a parameter so tests can stand in for packages that cannot be installed here. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;
// A specifier held in a variable: neither tsc nor a bundler looks for the optional packages.
const importModule: ModuleImporter = (specifier) => import(/* @vite-ignore */ specifier);

function isMissing(err: unknown, pkg: string): boolean {
  const e = err as NodeJS.ErrnoException;
  const missing = e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)|Failed to (load|resolve)/i.test(e?.message ?? '');
  return missing && (e?.message ?? '').includes(pkg);
}

/**
 * Loads tfjs-node-gpu, else tfjs-node, registering the native `tensorflow` backend.
 * @returns the package that loaded.
 * @throws GraphrecError `backend/not-installed` when neither is installed (with how to get one),
 *   `backend/unavailable` when one is installed but fails to load (e.g. missing CUDA libraries).
 */
export async function loadTensorflow(importer: ModuleImporter = importModule): Promise<string> {
  const broken: string[] = [];
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      await importer(pkg);
      return pkg;
    } catch (err) {
      if (!isMissing(err, pkg)) broken.push(`${pkg}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (broken.length > 0) throw new GraphrecError('backend/unavailable', `the tensorflow backend is installed but does not load (${broken.join('; ')})`);
  throw new GraphrecError(
    'backend/not-installed',
    `the tensorflow backend needs ${TENSORFLOW_PACKAGES.join(' or ')}, and neither is installed: they are optional, not in package.json, ` +
      `because their install downloads libtensorflow. Install one matching @tensorflow/tfjs (npm install --no-save @tensorflow/tfjs-node-gpu@${tf.version_core}), ` +
      `use the trainer image built with GPU=1 (infra/trainer.Dockerfile), or choose the wasm or cpu backend`,
  );
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${join(dist, '/')}`);
  registerUnsortedSegmentSumWasm();
}

/**
 * Selects the tfjs backend: `tensorflow` (native, GPU when tfjs-node-gpu is
 * installed) > `wasm` > `cpu`, or exactly the `requested` one. The native
 * packages are imported only here, by name, when `tensorflow` is tried.
 * @returns the backend in use and, for `tensorflow`, which package provided it; a fallback
 *   names why a native package that is installed did not load.
 * @throws GraphrecError `backend/not-installed` when `tensorflow` is requested and neither
 *   native package is installed; `backend/unavailable` when a requested backend cannot start.
 */
export async function selectBackend(requested?: BackendName, importer: ModuleImporter = importModule): Promise<{ backend: BackendName; detail: string }> {
  if (requested !== undefined && !BACKENDS.includes(requested)) {
    throw new GraphrecError('backend/unknown', `unknown backend '${String(requested)}'; choose one of ${BACKENDS.join(', ')}`);
  }
  const order = requested ? [requested] : [...BACKENDS];
  const failures: string[] = [];
  for (const name of order) {
    try {
      let detail = name as string;
      if (name === 'tensorflow') {
        detail = await loadTensorflow(importer);
      } else if (name === 'wasm') {
        await loadWasm();
        detail = 'wasm (SIMD, JS UnsortedSegmentSum kernel registered)';
      }
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
      await tf.ready();
      const skipped = failures.filter((f) => !f.includes('neither is installed'));
      return { backend: name, detail: skipped.length > 0 ? `${detail} (skipped ${skipped.join('; ')})` : detail };
    } catch (err) {
      if (requested && err instanceof GraphrecError) throw err;
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new GraphrecError('backend/unavailable', `no usable tfjs backend (${failures.join('; ')})`);
}
