import fc from 'fast-check';

/** One generated HTTP request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });

/** Ids: known ones, unicode, very long, with encoded or raw slashes and dots, empty. */
export function idArb(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...known.slice(0, 50)),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ minLength: 60, maxLength: 3_000 }),
    fc.constantFrom('', '..', '.', '%2F', 'a%2Fb', 'a/b', '%00', '%', '%zz', 'B00%2e%2e', '<script>', "' OR 1=1 --", '🙂', '\u202e'),
  );
}

/** Query strings: k out of range, NaN, duplicated keys, unknown keys, models and fallbacks. */
const queryArb = fc
  .array(
    fc.tuple(
      fc.constantFrom('k', 'k', 'model', 'fallback', 'x', 'k[]', ''),
      fc.oneof(fc.constantFrom('0', '-1', '1', '5', '100', '101', '1e9', 'NaN', 'Infinity', '1.5', '', 'popular', 'none', 'pinsage', 'graphsage', 'bogus'), printable),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** JSON and non-JSON bodies: shaped, random, oversized, deeply nested, huge arrays, not JSON at all. */
function bodyArb(known: readonly string[]): fc.Arbitrary<string> {
  const ids = fc.array(fc.oneof(fc.constantFrom(...known.slice(0, 50)), fc.string({ maxLength: 70 })), { maxLength: 60 });
  const k = fc.oneof(fc.integer({ min: -5, max: 1_200 }), fc.double(), fc.string({ maxLength: 5 }), fc.constant(null));
  const shaped = fc.record(
    { history: fc.oneof(ids, fc.jsonValue()), exclude: fc.oneof(ids, fc.jsonValue()), k, title: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue()), neighbors: fc.oneof(ids, fc.jsonValue()), price: fc.oneof(fc.double(), fc.string()) },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 4, arbitrary: shaped.map((o) => JSON.stringify(o)) },
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.integer({ min: 16_000, max: 60_000 }).map((n) => JSON.stringify({ history: ['x'], pad: 'p'.repeat(n) })),
    fc.integer({ min: 100, max: 8_000 }).map((d) => `{"history":${nested(d)}}`),
    fc.integer({ min: 51, max: 3_000 }).map((n) => JSON.stringify({ history: Array.from({ length: n }, (_, i) => `i${i}`) })),
    fc.constantFrom('', 'null', '[]', '{}', '{"history":', '\u0000', '{"__proto__":{"k":1},"history":["a"]}', '{"constructor":{"prototype":{}}}'),
  );
}

const headersArb = fc.record(
  {
    origin: fc.constantFrom('https://shop.example', 'https://evil.example', 'null', 'http://127.0.0.1', 'https://shop.example.evil.com'),
    'if-none-match': printable,
    accept: fc.constantFrom('*/*', 'text/html', 'application/json', 'image/png'),
    'x-forwarded-for': printable,
    authorization: printable,
    cookie: printable,
    'x-fuzz': printable,
  },
  { requiredKeys: [] },
);

const contentTypeArb = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', undefined);

/** Requests across every route, plus unknown paths and methods. */
export function requestArb(known: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const id = idArb(known).map(encodeURIComponent);
  const rawId = idArb(known).map((s) => s.replaceAll('?', '%3F').replaceAll('#', '%23'));
  const get = fc.oneof(
    fc.tuple(fc.oneof(id, rawId), queryArb).map(([i, q]) => `/v1/items/${i}/similar${q}`),
    fc.tuple(id, queryArb).map(([i, q]) => `/v1/items/${i}${q}`),
    queryArb.map((q) => `/v1/health${q}`),
    queryArb.map((q) => `/v1/version${q}`),
    fc.constantFrom('/openapi.json', '/widget.js', '/demo', '/demo/', '/demo/new'),
    id.map((i) => `/demo/product/${i}`),
    id.map((i) => `/demo/img/${i}.svg`),
    fc.array(fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent), { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join('/')}`),
    fc.array(fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent), { minLength: 1, maxLength: 3 }).map((segs) => `/v1/${segs.join('/')}`),
  );
  const post = fc.tuple(fc.constantFrom('/v1/recommend', '/v1/items/embed', '/v1/items/embed', '/v1/recommend', '/v1/health', '/v1/items/x/similar', '/nope'), queryArb).map(([p, q]) => p + q);
  return fc.oneof(
    { weight: 5, arbitrary: fc.record({ method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'DELETE'), path: get, headers: headersArb }) },
    {
      weight: 5,
      arbitrary: fc.tuple(fc.constantFrom('POST', 'POST', 'POST', 'PUT', 'PATCH'), post, headersArb, contentTypeArb, bodyArb(known)).map(([method, path, headers, type, body]) => ({
        method,
        path,
        headers: type ? { ...headers, 'content-type': type } : headers,
        body,
      })),
    },
  );
}
