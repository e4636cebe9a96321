/**
 * The signals the API names as an item's `reason` (`REASONS` in `artifacts/src/ranker/schema.ts`; copied, not
 * imported, so the bundle stays free of zod). A newer server may send others: they are dropped, so show no label.
 */
export const REASONS = ['bought-together', 'graph', 'embedding', 'text', 'popular'] as const;
export type Reason = (typeof REASONS)[number];

/** One recommended product as the API returns it (`ItemSchema` in `edge/src/routes/schemas.ts`). */
export interface Item {
  id: string;
  title: string;
  score: number;
  price?: number;
  image?: string;
  category?: string;
  popularity: number;
  /** The signal that put the item here; absent from older versions' answers (and for reasons this widget does not know). */
  reason?: Reason;
}

/** What the element asks for: a product's neighbours, or a shopper's history (minus the `exclude` ids); `model` picks the API's model (its default when absent). */
export type Query = ({ product: string } | { history: string[]; exclude: string[] }) & { k: number; fallback: boolean; model?: string };

/** A failed request, with the API's error code when it sent one (`{error: {code, message}}`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The server's default MAX_HISTORY: a longer history would be refused with 400, so only the newest ids are sent. */
export const MAX_HISTORY = 50;
/** The server allows four times MAX_HISTORY excluded ids. */
export const MAX_EXCLUDE = 200;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const reasonOf = (v: unknown): Reason | undefined => ((REASONS as readonly unknown[]).includes(v) ? (v as Reason) : undefined);

/**
 * The answer's items, dropping malformed ones: the response crosses the network, so it is checked, not trusted.
 * An unknown `reason` is dropped (the item stays); items of a `fallback: 'popular'` answer without one are `popular`.
 */
export function parseItems(body: unknown): Item[] {
  const raw = isRecord(body) && Array.isArray(body.items) ? body.items : null;
  if (!raw) throw new ApiError('answer has no items array', 200);
  const popular = isRecord(body) && body.fallback === 'popular';
  const items: Item[] = [];
  for (const r of raw) {
    if (!isRecord(r)) continue;
    const id = str(r.id);
    const title = str(r.title);
    if (!id || !title) continue;
    const reason = reasonOf(r.reason) ?? (popular && r.reason === undefined ? 'popular' : undefined);
    items.push({ id, title, score: num(r.score) ?? 0, price: num(r.price), image: str(r.image), category: str(r.category), popularity: num(r.popularity) ?? 0, reason });
  }
  return items;
}

function request(base: URL, q: Query): [URL, RequestInit] {
  const init: RequestInit = { credentials: 'omit', headers: { accept: 'application/json' } };
  if ('product' in q) {
    const url = new URL(`v1/items/${encodeURIComponent(q.product)}/similar`, base);
    url.searchParams.set('k', String(q.k));
    if (q.fallback) url.searchParams.set('fallback', 'popular');
    if (q.model) url.searchParams.set('model', q.model);
    return [url, init];
  }
  const url = new URL('v1/recommend', base);
  if (q.fallback) url.searchParams.set('fallback', 'popular');
  if (q.model) url.searchParams.set('model', q.model);
  init.method = 'POST';
  init.headers = { accept: 'application/json', 'content-type': 'application/json' };
  init.body = JSON.stringify({ history: q.history.slice(-MAX_HISTORY), k: q.k, ...(q.exclude.length > 0 ? { exclude: q.exclude.slice(0, MAX_EXCLUDE) } : {}) });
  return [url, init];
}

/**
 * Fetches recommendations from the graphrec API.
 * @param base API root ending in `/` (where `widget.js` was served from).
 * @returns the items, or null when the API does not know the product or any of the history (404 `item/unknown`).
 * @throws ApiError for any other failure: network, non-JSON, or an error answer.
 */
export async function fetchItems(base: URL, q: Query, signal: AbortSignal): Promise<Item[] | null> {
  const [url, init] = request(base, q);
  const res = await fetch(url, { ...init, signal });
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`${res.status} answer is not JSON`, res.status);
  }
  if (res.ok) return parseItems(body);
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const code = str(error.code);
  if (res.status === 404 && code === 'item/unknown') return null;
  throw new ApiError(`${res.status} ${code ?? ''} ${str(error.message) ?? ''}`.trim(), res.status, code);
}
