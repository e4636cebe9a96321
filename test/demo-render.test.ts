import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../edge/src/demo/html.ts';
import { imageFor } from '../edge/src/demo/image-source.ts';
import { noVersionPage, unavailablePage } from '../edge/src/demo/message-page.ts';
import { newProductPage } from '../edge/src/demo/new-product-page.ts';
import { hash32, initials, productSvg } from '../edge/src/demo/product-image.ts';
import { productPage } from '../edge/src/demo/product-page.ts';
import type { Shop } from '../edge/src/demo/layout.ts';

/** The demo store's rendering in Node: escaping, pictures and image choice (the pages in Chromium: demo-pages.test.ts). */
const HOSTILE = `</script><script>alert(1)</script><img src=x onerror="alert(2)">'"&`;
const shop: Shop = { version: '20260101T000000Z-abc', images: 'generated', widgetSrc: '/widget.js?v=1', model: 'graphsage' };

describe('html', () => {
  it('escapes text and attribute values, keeps markup built by html and raw, flattens lists', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${HOSTILE}">${[inner, ' & ', raw('<br>'), null, undefined, false, 3]}</p>`.value).toBe(
      `<p title="${escapeHtml(HOSTILE)}"><b>&lt;i&gt;</b> &amp; <br>3</p>`,
    );
  });

  it('never lets a title, category or id out of its text or attribute in the pages', () => {
    const product = productPage(shop, { id: `X"><script>alert(3)</script>`, title: HOSTILE, category: HOSTILE, price: 2, popularity: 1 }).value;
    const added = newProductPage(shop, [{ id: 'P1', title: HOSTILE, popularity: 3 }]).value;
    // Store messages can quote keys and ids from the bucket.
    const messages = [noVersionPage(HOSTILE, 30).value, unavailablePage('artifact/corrupt', HOSTILE).value];
    for (const page of [product, added, ...messages]) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('<img src=x');
      expect(page).not.toMatch(/"><script/);
    }
    expect(product.split('<script').length - 1).toBe(3);
  });

  it("says what popularity counts for the served model: co-purchases (GraphSAGE) or reviews (PinSage)", () => {
    const item = { id: 'B1', title: 'Cable', popularity: 1 };
    expect(productPage(shop, item).value).toContain('<dt>Bought with</dt><dd>1 other product</dd>');
    const pinsage = productPage({ ...shop, model: 'pinsage' }, { ...item, popularity: 1234 }).value;
    expect(pinsage).toContain('<dt>Reviewed by</dt><dd>1,234 shoppers</dd>');
    expect(pinsage).not.toContain('Bought with');
  });
});

describe('generated pictures', () => {
  it('are deterministic per product, coloured by category, lettered from the title', () => {
    const a = productSvg({ id: 'B1', title: "Women's tote bag", category: 'Bags' });
    expect(productSvg({ id: 'B1', title: "Women's tote bag", category: 'Bags' })).toBe(a);
    expect(productSvg({ id: 'B2', title: "Women's tote bag", category: 'Bags' })).not.toBe(a);
    const hue = (svg: string): string => /hsl\((\d+),42%/.exec(svg)![1]!;
    expect(hue(productSvg({ id: 'B2', category: 'Bags' }))).toBe(hue(a));
    expect(hue(a)).toBe(String(hash32('Bags') % 360));
    expect(a).toContain('>WT</text>');
    expect(initials('  "élan" 2-pack <b>')).toBe('É2');
    expect(initials(undefined)).toBe('');
    expect(productSvg({ id: HOSTILE, title: HOSTILE, category: HOSTILE })).not.toMatch(/script|alert|onerror/);
  });

  it('stand in for every image in generated mode, and for unusable URLs in original mode', () => {
    const pic = '/demo/img/A%2FB.svg?v=v1';
    expect(imageFor({ id: 'A/B', image: 'https://img.example/a.jpg' }, 'generated', 'v1')).toEqual({ src: pic, fallback: pic });
    expect(imageFor({ id: 'A/B', image: 'https://img.example/a.jpg' }, 'original', 'v1')).toEqual({ src: 'https://img.example/a.jpg', fallback: pic });
    expect(imageFor({ id: 'A/B', image: 'javascript:alert(1)' }, 'original', 'v1').src).toBe(pic);
    expect(imageFor({ id: 'A/B' }, 'original', 'v1').src).toBe(pic);
  });
});
