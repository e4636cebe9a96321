import { GraphrecError } from '../../../artifacts/src/errors.ts';

/** A parsed Python (or JSON) literal. Tuples become arrays; dict keys become strings. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

const MAX_DEPTH = 512;

const C_TAB = 9;
const C_LF = 10;
const C_CR = 13;
const C_SPACE = 32;
const C_DQUOTE = 34;
const C_SQUOTE = 39;
const C_LPAREN = 40;
const C_RPAREN = 41;
const C_PLUS = 43;
const C_COMMA = 44;
const C_MINUS = 45;
const C_DOT = 46;
const C_0 = 48;
const C_7 = 55;
const C_9 = 57;
const C_COLON = 58;
const C_UPPER_E = 69;
const C_UPPER_L = 76;
const C_UPPER_U = 85;
const C_LBRACKET = 91;
const C_BACKSLASH = 92;
const C_RBRACKET = 93;
const C_LOWER_E = 101;
const C_LOWER_U = 117;
const C_LBRACE = 123;
const C_RBRACE = 125;

/** Escapes with a fixed replacement, by the char code after the backslash. */
const SIMPLE_ESCAPES: Record<number, string> = {
  [C_BACKSLASH]: '\\',
  [C_SQUOTE]: "'",
  [C_DQUOTE]: '"',
  // `\/` is not a Python escape (Python keeps it as two characters), but repr never
  // writes it and JSON does, where it means `/`.
  47: '/',
  97: '\x07', // \a
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
  118: '\v',
  [C_LF]: '', // backslash-newline is a line continuation
};

/** Bare words and their values: Python's constants, and JSON's for JSON lines. */
const KEYWORDS: ReadonlyArray<readonly [string, PyValue]> = [
  ['True', true],
  ['False', false],
  ['None', null],
  ['true', true],
  ['false', false],
  ['null', null],
];

const isDigit = (c: number): boolean => c >= C_0 && c <= C_9;

function hexValue(c: number): number {
  if (c >= C_0 && c <= C_9) return c - C_0;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Recursive descent over char codes; one instance per input string. */
class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {}

  parseDocument(): PyValue {
    const value = this.parseValue();
    this.skipSpace();
    if (this.pos < this.src.length) this.fail('unexpected text after the value');
    return value;
  }

  private fail(what: string, at = this.pos): never {
    const near = JSON.stringify(this.src.slice(at, at + 20));
    throw new GraphrecError('data/malformed-line', `python literal: ${what} at offset ${at} (near ${near})`, {
      offset: at,
    });
  }

  private skipSpace(): void {
    const src = this.src;
    let c = src.charCodeAt(this.pos);
    while (c === C_SPACE || c === C_TAB || c === C_LF || c === C_CR) c = src.charCodeAt(++this.pos);
  }

  private parseValue(): PyValue {
    this.skipSpace();
    const c = this.src.charCodeAt(this.pos);
    if (c === C_SQUOTE || c === C_DQUOTE) return this.parseString(c);
    if (c === C_LBRACE) return this.parseDict();
    if (c === C_LBRACKET) return this.parseSequence(C_RBRACKET);
    if (c === C_LPAREN) return this.parseParen();
    if (isDigit(c) || c === C_MINUS || c === C_PLUS || c === C_DOT) return this.parseNumber();
    if ((c === C_LOWER_U || c === C_UPPER_U) && this.isQuote(this.src.charCodeAt(this.pos + 1))) {
      // Python 2 reprs of unicode strings carry a `u` prefix.
      this.pos++;
      return this.parseString(this.src.charCodeAt(this.pos));
    }
    for (const [word, value] of KEYWORDS) {
      if (this.src.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(this.pos >= this.src.length ? 'unexpected end of input' : 'unexpected character');
  }

  private isQuote(c: number): boolean {
    return c === C_SQUOTE || c === C_DQUOTE;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.pos++;
  }

  private parseString(quote: number): string {
    const src = this.src;
    const open = this.pos;
    let start = ++this.pos;
    let out = '';
    for (;;) {
      if (this.pos >= src.length) this.fail('unterminated string', open);
      const c = src.charCodeAt(this.pos);
      if (c === quote) {
        out += src.slice(start, this.pos++);
        return out;
      }
      if (c === C_BACKSLASH) {
        out += src.slice(start, this.pos);
        out += this.parseEscape(open);
        start = this.pos;
      } else {
        this.pos++;
      }
    }
  }

  /** Reads the escape at `pos` (a backslash) and returns the text it stands for. */
  private parseEscape(open: number): string {
    const at = this.pos;
    const c = this.src.charCodeAt(at + 1);
    if (Number.isNaN(c)) this.fail('unterminated string', open);
    this.pos = at + 2;
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return simple;
    if (c === 120) return String.fromCharCode(this.readHex(2, at)); // \xNN
    if (c === C_LOWER_U) return String.fromCharCode(this.readHex(4, at));
    if (c === C_UPPER_U) {
      const code = this.readHex(8, at);
      if (code > 0x10ffff) this.fail('\\U escape beyond U+10FFFF', at);
      return String.fromCodePoint(code);
    }
    if (c >= C_0 && c <= C_7) return String.fromCharCode(this.readOctal(at));
    // Python keeps unknown escapes (and \N{...}, which needs the Unicode name table) as written.
    return this.src.slice(at, at + 2);
  }

  private readHex(digits: number, at: number): number {
    let code = 0;
    for (let i = 0; i < digits; i++) {
      const h = hexValue(this.src.charCodeAt(this.pos + i));
      if (h < 0) this.fail(`truncated \\${this.src[at + 1]} escape`, at);
      code = code * 16 + h;
    }
    this.pos += digits;
    return code;
  }

  private readOctal(at: number): number {
    let code = 0;
    let end = at + 1;
    while (end < at + 4 && this.src.charCodeAt(end) >= C_0 && this.src.charCodeAt(end) <= C_7) {
      code = code * 8 + (this.src.charCodeAt(end) - C_0);
      end++;
    }
    this.pos = end;
    return code;
  }

  private parseNumber(): number {
    const src = this.src;
    const start = this.pos;
    let p = start;
    let c = src.charCodeAt(p);
    if (c === C_MINUS || c === C_PLUS) c = src.charCodeAt(++p);
    let digits = 0;
    while (isDigit(c)) {
      c = src.charCodeAt(++p);
      digits++;
    }
    let isInt = true;
    if (c === C_DOT) {
      isInt = false;
      c = src.charCodeAt(++p);
      while (isDigit(c)) {
        c = src.charCodeAt(++p);
        digits++;
      }
    }
    if (digits === 0) this.fail('malformed number', start);
    if (c === C_LOWER_E || c === C_UPPER_E) {
      isInt = false;
      c = src.charCodeAt(++p);
      if (c === C_MINUS || c === C_PLUS) c = src.charCodeAt(++p);
      if (!isDigit(c)) this.fail('malformed exponent', start);
      while (isDigit(c)) c = src.charCodeAt(++p);
    }
    const value = Number(src.slice(start, p));
    // Python 2 reprs write longs with an `L` suffix.
    if (isInt && c === C_UPPER_L) p++;
    this.pos = p;
    return value;
  }

  private parseDict(): { [key: string]: PyValue } {
    this.enter();
    const out: { [key: string]: PyValue } = {};
    for (;;) {
      this.skipSpace();
      if (this.src.charCodeAt(this.pos) === C_RBRACE) break;
      const keyAt = this.pos;
      const key = this.parseValue();
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('dict key must be a string or number', keyAt);
      this.skipSpace();
      if (this.src.charCodeAt(this.pos) !== C_COLON) this.fail("expected ':' after dict key");
      this.pos++;
      const value = this.parseValue();
      const name = String(key);
      // Plain assignment of "__proto__" would set the prototype instead of a key.
      if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      else out[name] = value;
      if (!this.afterItem(C_RBRACE)) break;
    }
    this.pos++;
    this.depth--;
    return out;
  }

  /** Lists, and tuples once `(` has shown a comma. */
  private parseSequence(close: number, first?: PyValue): PyValue[] {
    if (first === undefined) this.enter();
    const out: PyValue[] = first === undefined ? [] : [first];
    for (;;) {
      this.skipSpace();
      if (this.src.charCodeAt(this.pos) === close) break;
      out.push(this.parseValue());
      if (!this.afterItem(close)) break;
    }
    this.pos++;
    this.depth--;
    return out;
  }

  /** `()` is an empty tuple, `(x,)` and `(x, y)` tuples, `(x)` just x. */
  private parseParen(): PyValue {
    this.enter();
    this.skipSpace();
    if (this.src.charCodeAt(this.pos) === C_RPAREN) {
      this.pos++;
      this.depth--;
      return [];
    }
    const first = this.parseValue();
    this.skipSpace();
    if (this.src.charCodeAt(this.pos) === C_RPAREN) {
      this.pos++;
      this.depth--;
      return first;
    }
    if (this.src.charCodeAt(this.pos) !== C_COMMA) this.fail("expected ',' or ')'");
    this.pos++;
    return this.parseSequence(C_RPAREN, first);
  }

  /**
   * After an item: consumes a comma and returns true when more items may follow,
   * or returns false at the closing bracket (left for the caller to consume).
   */
  private afterItem(close: number): boolean {
    this.skipSpace();
    const c = this.src.charCodeAt(this.pos);
    if (c === C_COMMA) {
      this.pos++;
      return true;
    }
    if (c === close) return false;
    return this.fail(
      this.pos >= this.src.length ? 'unexpected end of input' : `expected ',' or '${String.fromCharCode(close)}'`,
    );
  }
}

/**
 * Parses one Python literal, as written by `repr()` in McAuley's 2014 metadata
 * (`{'asin': '0000031852', 'price': 3.17, 'related': {...}}`), without `eval`.
 * Accepts dicts, lists, tuples (as arrays), single- and double-quoted strings with
 * Python escapes, ints, floats, `True`/`False`/`None`, and JSON's `true`/`false`/`null`,
 * so JSON lines parse too.
 *
 * @param text one literal, optionally surrounded by whitespace.
 * @returns the value; dict keys are strings (numeric keys are stringified).
 * @throws GraphrecError `data/malformed-line` naming the character offset of the problem,
 *   including for trailing text after the value.
 * @example
 * parsePythonLiteral("{'title': 'Men\\'s', 'ranks': (1, 2,)}"); // { title: "Men's", ranks: [1, 2] }
 */
export function parsePythonLiteral(text: string): PyValue {
  return new Parser(text).parseDocument();
}
