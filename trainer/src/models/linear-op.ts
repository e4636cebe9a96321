import * as tf from '@tensorflow/tfjs';

/**
 * `x · w` whose gradients use explicit transposes and plain matMuls.
 *
 * Why: tfjs-backend-wasm 4.22's matMul with `transposeA` or `transposeB` runs
 * 6–7× slower than without (measured here: 66–74 ms against 10 ms for
 * `[15000, 64] × [64, 64]`), and the built-in gradient of matMul uses exactly
 * those flags; transposing first and multiplying plainly is much cheaper.
 *
 * @param x `[rows, in]`
 * @param w `[in, out]`
 * @returns `[rows, out]`
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x, w] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy as tf.Tensor2D, tf.transpose(w)), tf.matMul(tf.transpose(x), dy as tf.Tensor2D)];
      },
    };
  });
  return op(x, w) as tf.Tensor2D;
}
