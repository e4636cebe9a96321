/**
 * Markup that is safe to emit as it is: built by {@link html} (which escaped
 * every value put into it) or marked by {@link raw}. Anything else that
 * reaches a template is text and gets escaped.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template accepts: markup, text (escaped), numbers, nothing (`undefined`, `null`, `false` render empty), or lists of these. */
export type Part = Html | string | number | null | undefined | false | readonly Part[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML and XML (SVG) content and for quoted attribute values.
 * Attributes must always be quoted: escaping does not protect an unquoted one.
 * @example escapeHtml('<b title="x">') // '&lt;b title=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === null || part === undefined || part === false) return '';
  return escapeHtml(String(part));
}

/**
 * A template tag whose values are escaped unless they are already {@link Html}.
 * Titles and categories are shop data, so they only ever go through here.
 * @example html`<h1 title="${title}">${title}</h1>`
 */
export function html(strings: TemplateStringsArray, ...values: readonly Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Trusted markup, used as is: only for constant strings written in this code base (styles, scripts). */
export const raw = (markup: string): Html => new Html(markup);
