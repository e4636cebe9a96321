import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Everything a page said on its console, and what it threw without catching. */
export interface PageLog {
  messages: { type: string; text: string }[];
  pageErrors: string[];
  /** Console messages of one type (`'warning'` for console.warn). */
  of(type: string): string[];
}

/** Starts headless Chromium (`executablePath` from `ensureChromium()`); playwright-core never downloads one. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true });
}

/** Records the page's console and uncaught errors from now on. */
export function watchPage(page: Page): PageLog {
  const log: PageLog = {
    messages: [],
    pageErrors: [],
    of: (type) => log.messages.filter((m) => m.type === type).map((m) => m.text),
  };
  page.on('console', (m) => log.messages.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.pageErrors.push(`${e.name}: ${e.message}`));
  return log;
}

const PALETTE = ['#7aa6c2', '#c29a7a', '#8fbf8f', '#b38fbf', '#bfb38f', '#8fa3bf'];

/**
 * Answers the catalogue's image URLs (synthetic data points at an image host
 * this machine cannot reach) with small coloured SVGs, except the `broken`
 * ones, which fail as a dead link would.
 */
export async function serveProductImages(page: Page, broken: ReadonlySet<string> = new Set()): Promise<void> {
  await page.route(/^https?:\/\/ecx\.images-amazon\.com\//, async (route) => {
    const url = route.request().url();
    if (broken.has(url)) return route.abort('failed');
    const colour = PALETTE[[...url].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % PALETTE.length];
    return route.fulfill({
      status: 200,
      contentType: 'image/svg+xml',
      body: `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="${colour}"/><circle cx="150" cy="150" r="80" fill="#fff" opacity=".5"/></svg>`,
    });
  });
}

/** Fresh pages of one browser, each in its own context (own HTTP cache), closed together. */
export interface PageOpener {
  /** A page that answers product images (`broken` ones fail) and records its console. */
  open(broken?: ReadonlySet<string>): Promise<{ page: Page; log: PageLog }>;
  closeAll(): Promise<void>;
}

/** @param browser the browser to open pages in, read when a page is opened (it may start after this is made). */
export function pageOpener(browser: () => Browser): PageOpener {
  const contexts: BrowserContext[] = [];
  return {
    async open(broken) {
      const context = await browser().newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      const log = watchPage(page);
      await serveProductImages(page, broken);
      return { page, log };
    },
    async closeAll() {
      for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
    },
  };
}
