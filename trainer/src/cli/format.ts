/** Small text formatting helpers for the CLI's human-readable output. */

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Renders rows as an aligned plain-text table; numbers are right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatCount(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const isNum = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  return cells
    .map((r, k) =>
      r.map((c, i) => (isNum[i] && k > 0 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd(),
    )
    .join('\n');
}
