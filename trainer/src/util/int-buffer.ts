type NumberArray = Int32Array | Float64Array;

/** An append-only growable typed array, amortised O(1), for lists of unknown length. */
class GrowableArray<T extends NumberArray> {
  private data: T;
  length = 0;

  constructor(private readonly make: (size: number) => T, initialCapacity: number) {
    this.data = make(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** A copy trimmed to the current length. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** A growable Int32Array (edge lists, ids). */
export class IntBuffer extends GrowableArray<Int32Array> {
  constructor(initialCapacity = 1024) {
    super((n) => new Int32Array(n), initialCapacity);
  }
}

/** A growable Float64Array (ratings, times). */
export class FloatBuffer extends GrowableArray<Float64Array> {
  constructor(initialCapacity = 1024) {
    super((n) => new Float64Array(n), initialCapacity);
  }
}
