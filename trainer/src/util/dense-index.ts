/**
 * Dense renumbering of the ids a batch touches: each new id gets the next
 * row, so a batch embeds its distinct targets once and scores pairs as rows.
 */
export class DenseIndex {
  private readonly rows = new Map<number, number>();

  /** The row of `id`, assigned on first sight. */
  row(id: number): number {
    let r = this.rows.get(id);
    if (r === undefined) {
      r = this.rows.size;
      this.rows.set(id, r);
    }
    return r;
  }

  /** The ids in row order. */
  ids(): Int32Array {
    return Int32Array.from(this.rows.keys());
  }
}
