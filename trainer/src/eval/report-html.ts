/** Characters that change meaning in HTML text or in a quoted attribute value. */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 * @example escapeHtml('<b> & "x"') // '&lt;b&gt; &amp; &quot;x&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A metric value to 3 decimals; `–` when missing or not finite. */
export function formatMetric(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? value.toFixed(3) : '–';
}

/** Integers with thousands separators; other numbers as written. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

/** Wall-clock seconds as `12.3 s`, `4 min 05 s` or `1 h 02 min`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A config value as short text: arrays joined, objects as JSON, absent as `–`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map(String).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Nested plain objects become dotted keys (`sampler.fanout`), so the table stays two columns. */
export function flattenConfig(config: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(config).flatMap(([key, value]): [string, unknown][] => {
    const name = prefix + key;
    const nested = value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
    return nested ? flattenConfig(value as Record<string, unknown>, `${name}.`) : [[name, value]];
  });
}

/**
 * A two-column table of escaped keys and already formatted values.
 * @param caption shown above the table.
 * @param rows `[key, text]` pairs; both are escaped here.
 */
export function keyValueTable(caption: string, rows: readonly (readonly [string, string])[]): string {
  const body = rows.length === 0
    ? '<tr><td colspan="2" class="muted">none recorded</td></tr>'
    : rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<table class="kv"><caption>${escapeHtml(caption)}</caption><tbody>${body}</tbody></table>`;
}

/** A small colour square naming a method's plot colour in tables. */
export function swatch(color: string | undefined): string {
  return color ? `<span class="swatch" style="background:${escapeHtml(color)}"></span>` : '';
}
