import { ApiError, fetchItems, type Query } from './api.ts';
import { renderCards, renderSkeleton } from './render.ts';
import { CSS } from './styles.ts';

/** Reflected on the element as `state="…"`; `empty` and `error` collapse it. */
export type State = 'loading' | 'ready' | 'empty' | 'error';

export const DEFAULT_K = 8;
/** The server's default MAX_K. */
export const MAX_K = 100;
const MAX_SKELETON_CARDS = 8;
const TIMEOUT_MS = 10_000;

const ids = (list: string | null): string[] => (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The query the element's attributes describe; null when it names no product and no history yet. `product` wins over `history`. */
export function readQuery(el: Element): Query | null {
  const kAttr = Number.parseInt(el.getAttribute('k') ?? '', 10);
  const k = kAttr >= 1 ? Math.min(kAttr, MAX_K) : DEFAULT_K;
  const fallback = el.getAttribute('fallback') === 'popular';
  // Passed through as given: the API names the models it has (a wrong one is its 400, logged as an error state).
  const model = el.getAttribute('model')?.trim() || undefined;
  const product = el.getAttribute('product')?.trim();
  if (product) return { product, k, fallback, model };
  const history = ids(el.getAttribute('history'));
  return history.length > 0 ? { history, exclude: ids(el.getAttribute('exclude')), k, fallback, model } : null;
}

function describe(err: unknown, timedOut: boolean): string {
  if (timedOut) return `no answer within ${TIMEOUT_MS / 1000} s`;
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Defines `<graphrec-recs>` (once, so a page that includes the script twice is fine).
 * @param scriptBase API root the script was served from (ends in `/`); the `api` attribute overrides it.
 */
export function defineGraphrecRecs(scriptBase: string | undefined): void {
  if (customElements.get('graphrec-recs')) return;

  class GraphrecRecs extends HTMLElement {
    static observedAttributes = ['product', 'history', 'exclude', 'k', 'api', 'fallback', 'model', 'href-template', 'image-template', 'currency', 'label'];
    #list: HTMLUListElement | undefined;
    #abort: AbortController | undefined;
    /** Bumped by every load and by disconnection: an answer for an older generation is dropped. */
    #generation = 0;
    #queued = false;

    connectedCallback(): void {
      if (!this.#list) this.#list = this.#build();
      this.#schedule();
    }

    disconnectedCallback(): void {
      this.#generation++;
      this.#abort?.abort();
    }

    attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
      if (old !== value) this.#schedule();
    }

    #build(): HTMLUListElement {
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const style = document.createElement('style');
      style.textContent = CSS;
      const wrap = document.createElement('div');
      wrap.className = 'w';
      const heading = document.createElement('slot');
      heading.name = 'heading';
      const list = document.createElement('ul');
      list.className = 'l';
      list.setAttribute('part', 'list');
      // Safari drops list semantics from `list-style: none` lists unless the role is explicit.
      list.setAttribute('role', 'list');
      wrap.append(list);
      // The shop's heading stays outside the reset wrapper, so it inherits the shop's styles, not the widget's.
      root.replaceChildren(style, heading, wrap);
      return list;
    }

    /** Parsing sets several attributes in a row: coalesce them into one request. */
    #schedule(): void {
      if (this.#queued) return;
      this.#queued = true;
      queueMicrotask(() => {
        this.#queued = false;
        if (this.isConnected && this.#list) void this.#load(this.#list);
      });
    }

    #base(): URL {
      const api = this.getAttribute('api');
      if (api) return new URL(api.endsWith('/') ? api : `${api}/`, document.baseURI);
      return new URL(scriptBase ?? '/', document.baseURI);
    }

    #state(state: State, list: HTMLElement): void {
      this.setAttribute('state', state);
      list.setAttribute('aria-busy', String(state === 'loading'));
      list.setAttribute('aria-label', this.getAttribute('label') || 'Recommended products');
      if (state === 'empty' || state === 'error') list.replaceChildren();
    }

    async #load(list: HTMLUListElement): Promise<void> {
      const generation = ++this.#generation;
      this.#abort?.abort();
      const query = readQuery(this);
      if (!query) return this.#state('empty', list);
      const abort = (this.#abort = new AbortController());
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, TIMEOUT_MS);
      renderSkeleton(list, Math.min(query.k, MAX_SKELETON_CARDS));
      this.#state('loading', list);
      try {
        const items = await fetchItems(this.#base(), query, abort.signal);
        if (generation !== this.#generation) return;
        // An unknown product (null) is a normal shop situation, e.g. one added since the last training run: collapse quietly.
        if (!items || items.length === 0) return this.#state('empty', list);
        renderCards(list, items, {
          hrefTemplate: this.getAttribute('href-template') || '/product/{id}',
          imageTemplate: this.getAttribute('image-template') || undefined,
          currency: this.getAttribute('currency') || 'USD',
        });
        this.#state('ready', list);
      } catch (err) {
        if (generation !== this.#generation) return;
        this.#state('error', list);
        // One line for the shop's developer; the shopper sees nothing broken.
        console.warn(`graphrec-recs: no recommendations shown (${describe(err, timedOut)})`);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  customElements.define('graphrec-recs', GraphrecRecs);
}
