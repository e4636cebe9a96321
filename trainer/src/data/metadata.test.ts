import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGraphrecError } from '../../../artifacts/src/errors.ts';
import { Diagnostics } from './diagnostics.ts';
import { cleanText } from './clean-text.ts';
import { normalizeMetadata, parseMetadataLine, parsePrice, readMetadata } from './metadata.ts';
import type { ProductRecord } from './records.ts';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';

const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const GIFT_CARDS = join(DATASETS, 'amazon-gift-cards-2018');
const DIGITAL_MUSIC = join(DATASETS, 'amazon-digital-music-2014');

const { dir, writeLines: fixture } = fixtureFolder('metadata');

async function collect(path: string, diagnostics: Diagnostics, format?: 'auto' | '2014' | '2018') {
  const out: ProductRecord[] = [];
  for await (const record of readMetadata(path, diagnostics, { format })) out.push(record);
  return out;
}

const LINES_2014 = [
  "{'asin': '0000031852', 'title': 'Girls Ballet Tutu Zebra Hot Pink', 'price': 3.17, 'imUrl': 'http://ecx.images-amazon.com/images/I/51fAmVkTbyL._SY300_.jpg', 'related': {'also_bought': ['B00JHONN1S', 'B002BZX8Z6'], 'also_viewed': ['B002BZX8Z6'], 'bought_together': ['B002BZX8Z6']}, 'salesRank': {'Toys & Games': 211836}, 'brand': 'Coxlures', 'categories': [['Sports & Outdoors', 'Other Sports', 'Dance']]}",
  "{'asin': '0000000002', 'title': 'Men\\'s Shoe', 'categories': [['Clothing'], ['Shoes', 'Men']]}",
  '{\'asin\': \'0000000003\', \'title\': "Women\'s Hat"}',
  "{'asin': '0000000004', 'title': 'broken",
  "{'asin': '0000000005', 'title': 42}",
  "{'title': 'no asin here'}",
  "{'asin': '0000000007', 'related': {'also_bought': ['B1', 7]}}",
  "{'asin': '0000000008'} trailing",
];

const LINES_2018 = [
  '{"asin": "B001", "title": "Card", "price": "$40.00", "also_buy": ["B002"], "also_view": [], "category": ["Gift Cards", "Gift Cards"], "image": ["https://a/1.jpg", "https://a/2.jpg"], "brand": "Amazon", "rank": "1,786 in Gift Cards ("}',
  '{"asin": "B002", "title": "", "price": "", "also_buy": [], "also_view": ["B001"], "category": [], "image": [], "brand": "", "rank": []}',
  '{"asin": "B003", "title": "Range", "price": "$5.99 - $12.99", "rank": [">#2,893,775 in Toys & Games (See Top 100 in Toys & Games)", ">#1,019 in Gift Cards (See Top 100)"]}',
  '{"asin": "B004", "price": ".a-box-inner{background-color:#fff}"}',
  '{"asin": "B005", "also_buy": "B001"}',
  '{"asin": 5}',
  '{"asin": "B007", "title": "cut',
];

describe('parsePrice', () => {
  it.each([
    [3.17, 3.17],
    ['$40.00', 40],
    ['$1,250.00', 1250],
    ['$5.99 - $12.99', 5.99],
    ['  $9.99 ', 9.99],
    ['12.50', 12.5],
    ['', undefined],
    ['\n\t\t   \n\r\n', undefined],
    ['.a-box-inner{background-color:#fff}', undefined],
    ['<span>$4.00</span>', undefined],
    [-1, undefined],
    [Number.NaN, undefined],
    [null, undefined],
    [['$1'], undefined],
  ])('%j → %j', (input, expected) => {
    expect(parsePrice(input)).toBe(expected);
  });
});

describe('cleanText', () => {
  it.each([
    [' Maggiano&#39;s Gift Card', "Maggiano's Gift Card"],
    ['Vacuum --- 12 Month Warranty &gt;&gt;&gt; THT', 'Vacuum --- 12 Month Warranty >>> THT'],
    ['Tom &amp; Jerry &quot;Set&quot; &#x2013; Blue', 'Tom & Jerry "Set" \u2013 Blue'],
    ['AT&T card &unknown; &#0; &#99999999;', 'AT&T card &unknown; &#0; &#99999999;'],
    ['<span class="a-size-base a-color-secondary">\n    No expiration, no fees.\n  </span>', 'No expiration, no fees.'],
    ['<div class="aplus"> <br>Gift Cards<br /><br/>never expire.<br/>', 'Gift Cards never expire.'],
    ['Buy as <a href="http://x/y?a=1&amp;b=2">individual gift cards</a>.', 'Buy as individual gift cards.'],
    ['Line one<p>Line two</p>', 'Line one Line two'],
    ['&lt;b&gt;Bold&lt;/b&gt; &lt;3 you, size < 5', 'Bold <3 you, size < 5'],
    ['<style>.a-box{color:#fff}</style>Real text<!-- note -->', 'Real text'],
    ['Tab\tand  many   spaces&nbsp;here', 'Tab and many spaces here'],
    ['Caf&eacute; Pi&ntilde;ata &Eacute;T&Eacute; &rsquo;n&rsquo; &mdash; &trade; &AMP; &Nbsp;x &frac12;', 'Café Piñata ÉTÉ \u2019n\u2019 \u2014 \u2122 & x ½'],
    ['<span class="a"></span>', undefined],
    ['   ', undefined],
    [undefined, undefined],
  ])('%j → %j', (input, expected) => {
    expect(cleanText(input)).toBe(expected);
  });
});

describe('normalizeMetadata', () => {
  it('maps 2014 fields', () => {
    const record = parseMetadataLine(LINES_2014[0], '2014');
    expect(record).toEqual({
      asin: '0000031852',
      title: 'Girls Ballet Tutu Zebra Hot Pink',
      description: undefined,
      feature: [],
      price: 3.17,
      imageUrl: 'http://ecx.images-amazon.com/images/I/51fAmVkTbyL._SY300_.jpg',
      alsoBought: ['B00JHONN1S', 'B002BZX8Z6'],
      alsoViewed: ['B002BZX8Z6'],
      boughtTogether: ['B002BZX8Z6'],
      brand: 'Coxlures',
      categories: [['Sports & Outdoors', 'Other Sports', 'Dance']],
      salesRank: { 'Toys & Games': 211836 },
    });
  });

  it('maps 2018 fields, with empty strings as undefined and ranks parsed', () => {
    expect(parseMetadataLine(LINES_2018[0], '2018')).toEqual({
      asin: 'B001',
      title: 'Card',
      description: undefined,
      feature: [],
      price: 40,
      imageUrl: 'https://a/1.jpg',
      alsoBought: ['B002'],
      alsoViewed: [],
      boughtTogether: [],
      brand: 'Amazon',
      categories: [['Gift Cards', 'Gift Cards']],
      salesRank: { 'Gift Cards': 1786 },
    });
    const empty = parseMetadataLine(LINES_2018[1], '2018');
    expect(empty).toMatchObject({ title: undefined, price: undefined, imageUrl: undefined, brand: undefined });
    expect(empty.categories).toEqual([]);
    expect(empty.salesRank).toBeUndefined();
    expect(parseMetadataLine(LINES_2018[2]).salesRank).toEqual({ 'Toys & Games': 2893775, 'Gift Cards': 1019 });
  });

  it('reads 2014 descriptions, cleaned of markup; 2014 has no feature list', () => {
    const line = "{'asin': 'D1', 'title': 'Tutu <b>Pink</b>', 'description': 'Soft &amp; light.<br/>Machine <i>washable</i>.', 'brand': 'Cox&#39;s <span>Lures</span>'}";
    expect(parseMetadataLine(line, '2014')).toMatchObject({ title: 'Tutu Pink', description: 'Soft & light. Machine washable.', feature: [], brand: "Cox's Lures" });
    expect(parseMetadataLine("{'asin': 'D2', 'description': '<br/>'}", '2014').description).toBeUndefined();
    expect(parseMetadataLine("{'asin': 'D3', 'description': ['a', 'b']}", '2014').description).toBe('a b');
  });

  it('reads 2018 description paragraphs joined with a space and feature bullets, cleaned', () => {
    const line = JSON.stringify({
      asin: 'E1',
      title: 'Card &amp; Box',
      description: ['<div class="aplus"> <br>First paragraph.', '', 'Second&nbsp;one.</div>'],
      feature: ['<span class="a-size-base a-color-secondary">\n   No expiration, no fees.\n </span>', '<br/>', 'Free shipping'],
      brand: 'Dave &amp; Buster&#39;s',
    });
    expect(parseMetadataLine(line, '2018')).toMatchObject({
      title: 'Card & Box',
      description: 'First paragraph. Second one.',
      feature: ['No expiration, no fees.', 'Free shipping'],
      brand: "Dave & Buster's",
    });
    expect(parseMetadataLine('{"asin": "E2", "description": [], "feature": []}', '2018')).toMatchObject({ description: undefined, feature: [] });
    expect(parseMetadataLine('{"asin": "E3", "description": "one string"}', '2018').description).toBe('one string');
  });

  it('takes a 2018 image from imageURL or imageURLHighRes when image is absent or empty', () => {
    const url = (rec: Record<string, unknown>): string | undefined => parseMetadataLine(JSON.stringify({ asin: 'I1', ...rec }), '2018').imageUrl;
    expect(url({ image: ['https://a/1.jpg'], imageURL: ['https://b/1.jpg'] })).toBe('https://a/1.jpg');
    expect(url({ imageURL: ['https://b/1.jpg', 'https://b/2.jpg'], imageURLHighRes: ['https://c/1.jpg'] })).toBe('https://b/1.jpg');
    expect(url({ image: [], imageURL: [], imageURLHighRes: ['https://c/1.jpg'] })).toBe('https://c/1.jpg');
    expect(url({ imageURL: [''] })).toBeUndefined();
    // Field names alone mark a line as 2018 in auto mode.
    expect(parseMetadataLine(JSON.stringify({ asin: 'I2', imageURLHighRes: ['https://c/2.jpg'] })).imageUrl).toBe('https://c/2.jpg');
  });

  it('decides the release per line in auto mode, by syntax and field names', () => {
    expect(parseMetadataLine(LINES_2018[0]).alsoBought).toEqual(['B002']);
    expect(parseMetadataLine(LINES_2014[0]).alsoBought).toEqual(['B00JHONN1S', 'B002BZX8Z6']);
    const converted = JSON.stringify({ asin: 'X1', related: { also_bought: ['X2'] }, salesRank: { Books: 3 } });
    expect(parseMetadataLine(converted)).toMatchObject({ alsoBought: ['X2'], salesRank: { Books: 3 } });
    const pythonWithJsonStart = '{"asin": \'X3\', "title": None}';
    expect(parseMetadataLine(pythonWithJsonStart)).toMatchObject({ asin: 'X3', title: undefined });
  });

  it.each([
    ["{'title': 'x'}", '2014', 'data/missing-field', 'asin'],
    ["{'asin': ''}", '2014', 'data/missing-field', 'asin'],
    ["{'asin': 'A', 'title': 42}", '2014', 'data/wrong-type', 'title: expected a string, got a number'],
    ["{'asin': 'A', 'price': '$3'}", '2014', 'data/wrong-type', 'price'],
    ["{'asin': 'A', 'related': ['B']}", '2014', 'data/wrong-type', 'related'],
    ["{'asin': 'A', 'related': {'also_viewed': [1]}}", '2014', 'data/wrong-type', 'related.also_viewed'],
    ["{'asin': 'A', 'categories': ['Books']}", '2014', 'data/wrong-type', 'categories'],
    ["{'asin': 'A', 'salesRank': {'Books': 'high'}}", '2014', 'data/wrong-type', 'salesRank'],
    ['{"asin": "A", "image": "https://a/1.jpg"}', '2018', 'data/wrong-type', 'image'],
    ['{"asin": "A", "rank": 12}', '2018', 'data/wrong-type', 'rank'],
    ['{"asin": "A", "description": [1]}', '2018', 'data/wrong-type', 'description: expected a string or a list of strings'],
    ['{"asin": "A", "feature": {"a": 1}}', '2018', 'data/wrong-type', 'feature'],
    ['{"asin": "A", "imageURL": "https://a/1.jpg"}', '2018', 'data/wrong-type', 'imageURL'],
    ["{'asin': 'A', 'description': 3}", '2014', 'data/wrong-type', 'description'],
    ['{"asin": "A", "price": ["$1"]}', '2018', 'data/wrong-type', 'price'],
    ['["A"]', '2018', 'data/wrong-type', 'line'],
    ["{'asin': 'A'", '2014', 'data/malformed-line', 'offset 12'],
    ["{'asin': 'A'}", '2018', 'data/malformed-line', 'JSON'],
  ] as const)('rejects %s as %s with %s', (text, format, code, message) => {
    let caught: unknown;
    try {
      parseMetadataLine(text, format);
    } catch (err) {
      caught = err;
    }
    expect(isGraphrecError(caught, code)).toBe(true);
    expect((caught as Error).message).toContain(message);
  });

  it('takes an already parsed value', () => {
    expect(normalizeMetadata({ asin: 'A', also_buy: ['B'] }, '2018').alsoBought).toEqual(['B']);
  });
});

describe('readMetadata', () => {
  it('reads a plain 2014 file, reporting and skipping bad lines', async () => {
    const path = fixture('meta_2014.json', LINES_2014);
    const diagnostics = new Diagnostics({ maxExamples: 10 });
    const records = await collect(path, diagnostics);
    expect(records.map((r) => [r.asin, r.title])).toEqual([
      ['0000031852', 'Girls Ballet Tutu Zebra Hot Pink'],
      ['0000000002', "Men's Shoe"],
      ['0000000003', "Women's Hat"],
    ]);
    expect(records[1].categories).toEqual([['Clothing'], ['Shoes', 'Men']]);
    const summary = diagnostics.summary();
    expect(summary.counts).toEqual({ 'malformed-line': 2, 'wrong-type': 2, 'missing-field': 1 });
    expect(summary.examples.map((p) => [p.kind, p.line, p.file])).toEqual([
      ['malformed-line', 4, path],
      ['wrong-type', 5, path],
      ['missing-field', 6, path],
      ['wrong-type', 7, path],
      ['malformed-line', 8, path],
    ]);
    expect(summary.examples[3].message).toContain('related.also_bought');
  });

  it('reads a gzip 2018 file the same way, with a forced format', async () => {
    const path = fixture('meta_2018.json.gz', LINES_2018, true);
    for (const format of ['auto', '2018'] as const) {
      const diagnostics = new Diagnostics();
      const records = await collect(path, diagnostics, format);
      expect(records.map((r) => [r.asin, r.price])).toEqual([
        ['B001', 40],
        ['B002', undefined],
        ['B003', 5.99],
        ['B004', undefined],
      ]);
      expect(diagnostics.summary().counts).toEqual({ 'wrong-type': 1, 'missing-field': 1, 'malformed-line': 1 });
      expect(diagnostics.summary().examples.map((p) => p.line)).toEqual([5, 6, 7]);
    }
  });

  it('reports a truncated gzip once and yields only the whole lines before the cut', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ asin: `A${i}`, title: `t${i * 7919}` }));
    const full = gzipSync(lines.join('\n') + '\n');
    const path = join(dir, 'truncated.json.gz');
    writeFileSync(path, full.subarray(0, Math.floor(full.length / 2)));
    const diagnostics = new Diagnostics();
    const records = await collect(path, diagnostics);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThan(lines.length);
    expect(records.map((r) => r.asin)).toEqual(records.map((_, i) => `A${i}`));
    expect(diagnostics.summary().counts).toEqual({ 'truncated-gzip': 1 });
  });

  it('throws on the first problem when strict', async () => {
    const path = fixture('meta_strict.json', LINES_2014);
    const seen: string[] = [];
    const run = async () => {
      for await (const r of readMetadata(path, new Diagnostics({ strict: true }))) seen.push(r.asin);
    };
    await expect(run()).rejects.toSatisfy((err: unknown) => isGraphrecError(err, 'data/malformed-line'));
    await expect(run()).rejects.toThrow(`${path}:4: malformed-line`);
    expect(seen.slice(0, 3)).toEqual(['0000031852', '0000000002', '0000000003']);
  });

  const absent = existsSync(GIFT_CARDS) ? '' : ` (skipped: dataset folder ${GIFT_CARDS} is absent)`;
  it.skipIf(!existsSync(GIFT_CARDS))(`reads the real 2018 Gift Cards metadata${absent}`, async () => {
    const diagnostics = new Diagnostics();
    const records = await collect(join(GIFT_CARDS, 'meta_Gift_Cards.json.gz'), diagnostics);
    expect(diagnostics.total).toBe(0);
    expect(records).toHaveLength(1547);
    expect(records.every((r) => r.title !== undefined)).toBe(true);
    expect(records.filter((r) => r.price !== undefined)).toHaveLength(358);
    const listed = new Set(records.map((r) => r.asin));
    const edges = records.flatMap((r) => r.alsoBought.filter((b) => listed.has(b)).map((b) => [r.asin, b]));
    expect(edges).toHaveLength(5993);
    expect(new Set(edges.flat()).size).toBe(328);
    // Descriptions are lists there (805 not empty); markup (87 descriptions, 122 feature lists, e.g.
    // `<span class="a-size-base a-color-secondary">`) must not survive the readers.
    expect(records.filter((r) => r.description !== undefined)).toHaveLength(805);
    expect(records.filter((r) => r.feature.length > 0)).toHaveLength(621);
    const texts = records.flatMap((r) => [r.title, r.description, r.brand, ...r.feature]).filter((t) => t !== undefined);
    expect(texts.filter((t) => /<\/?[a-z][^<>]*>|&(#\d+|[a-z]+);/i.test(t))).toEqual([]);
  });

  const musicAbsent = existsSync(DIGITAL_MUSIC) ? '' : ` (skipped: dataset folder ${DIGITAL_MUSIC} is absent)`;
  it.skipIf(!existsSync(DIGITAL_MUSIC))(`reads descriptions of the real 2014 Digital Music metadata${musicAbsent}`, async () => {
    const diagnostics = new Diagnostics();
    const records = await collect(join(DIGITAL_MUSIC, 'meta_Digital_Music.json.gz'), diagnostics);
    expect(records).toHaveLength(7419);
    expect(diagnostics.summary().counts).toEqual({ 'truncated-gzip': 1 });
    expect(records.find((r) => r.asin === '6308051551')).toMatchObject({ description: 'NEW Combo BLUWAVS CD and FLAC FILE', feature: [] });
    expect(records.filter((r) => r.description !== undefined).length).toBeGreaterThan(1000);
    expect(records.every((r) => r.feature.length === 0)).toBe(true);
  });
});
