/**
 * Product text as people read it. McAuley metadata keeps markup in its text
 * fields: HTML entities in some 2018 titles (`Maggiano&#39;s`, `&gt;&gt;&gt;` in
 * 178 Gift Cards records) and tags in descriptions (`<div class="aplus"> <br>`),
 * which would otherwise be shown literally and tokenised as words like `39`,
 * `div` or `class`.
 */

/** ISO 8859-1 entity names, code points 160–255 in order (`&eacute;` in `Caf&eacute;`, `&ntilde;`). */
const LATIN_1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest ' +
  'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig ' +
  'agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

/** Typographic entities seen in product text (`&rsquo;`, `&mdash;`, `&ndash;`, `&trade;`). */
const TYPOGRAPHIC: Record<string, number> = {
  OElig: 338, oelig: 339, Scaron: 352, scaron: 353, Yuml: 376, fnof: 402, circ: 710, tilde: 732, ensp: 8194, emsp: 8195, thinsp: 8201,
  ndash: 8211, mdash: 8212, lsquo: 8216, rsquo: 8217, sbquo: 8218, ldquo: 8220, rdquo: 8221, bdquo: 8222, dagger: 8224, Dagger: 8225,
  bull: 8226, hellip: 8230, permil: 8240, prime: 8242, Prime: 8243, lsaquo: 8249, rsaquo: 8250, euro: 8364, trade: 8482,
  larr: 8592, uarr: 8593, rarr: 8594, darr: 8595, hearts: 9829,
};

/** Names are case-sensitive (`&Eacute;` ≠ `&eacute;`); only these also match in any case (`&AMP;`, `&NBSP;`). */
const ANY_CASE: ReadonlySet<string> = new Set(['amp', 'lt', 'gt', 'quot', 'apos', 'nbsp']);

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ...LATIN_1.split(' ').map((name, i): [string, string] => [name, name === 'nbsp' ? ' ' : String.fromCodePoint(160 + i)]),
  ...Object.entries(TYPOGRAPHIC).map(([name, code]): [string, string] => [name, String.fromCodePoint(code)]),
  ['amp', '&'], ['lt', '<'], ['gt', '>'], ['quot', '"'], ['apos', "'"],
]);

const ENTITY = /&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]*);/gi;
/** `<script>`/`<style>` blocks with their content: CSS and code are not product text. */
const CODE_BLOCK = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
/** A tag starts with a letter (or `/` and a letter), so `< 5` and `<3` are kept. */
const TAG = /<\/?[a-z][^<>]*>|<!--[\s\S]*?-->/gi;
/** Inline tags sit inside a line (`<a href=…>gift cards</a>.`), so they go without leaving a space; others break words. */
const INLINE_TAG = /^<\/?(a|abbr|b|em|font|i|small|span|strong|sub|sup|u)\b/i;

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, body: string) => {
    if (body[0] !== '#') return NAMED_ENTITIES.get(body) ?? (ANY_CASE.has(body.toLowerCase()) ? NAMED_ENTITIES.get(body.toLowerCase()) : undefined) ?? whole;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const stripTags = (text: string): string => text.replace(CODE_BLOCK, ' ').replace(TAG, (tag) => (INLINE_TAG.test(tag) ? '' : ' '));

/**
 * Cleans one text field: strips HTML tags (and `<script>`/`<style>` blocks),
 * decodes HTML entities, collapses whitespace and trims. Tags are stripped
 * again after decoding, because some records hold escaped markup
 * (`&lt;br&gt;`) that decodes into tags.
 *
 * @param text a raw title, description, feature bullet or brand.
 * @returns the cleaned text, or `undefined` when nothing is left.
 * @example
 * cleanText(' Maggiano&#39;s <span class="a">Gift</span>&nbsp;Card<br/>'); // "Maggiano's Gift Card"
 */
export function cleanText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const cleaned = stripTags(decodeEntities(stripTags(text))).replace(/\s+/g, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}
