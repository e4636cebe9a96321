import { registerKernel, UnsortedSegmentSum, util, type KernelConfig, type TensorInfo, type UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * `UnsortedSegmentSum` for the wasm backend, written in JS because tfjs 4.22's
 * wasm backend ships no such kernel, and the gradient of `gather` (every
 * embedding lookup) is an unsorted segment sum. Semantics follow
 * tensorflow's `unsorted_segment_sum`: `out[s, ...] = Σ_{i: ids[i] = s} x[i, ...]`,
 * out-of-range ids are dropped (as `_GatherDropNegatives` relies on).
 */
export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    const wasm = backend as BackendWasm;
    const xValues = wasm.readSync(x.dataId) as Float32Array | Int32Array;
    const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
    const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
    const inner = util.sizeFromShape(x.shape) / Math.max(rows, 1);
    const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
    for (let i = 0; i < rows; i++) {
      const s = ids[i];
      if (s < 0 || s >= numSegments) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) out[dst + j] += xValues[src + j];
    }
    return wasm.makeOutput(outShape, x.dtype, undefined, out);
  },
};

let registered = false;

/** Registers the kernel once per process. */
export function registerUnsortedSegmentSumWasm(): void {
  if (registered) return;
  registerKernel(unsortedSegmentSumWasmConfig);
  registered = true;
}
