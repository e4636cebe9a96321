import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureFolder } from '../../../test/helpers/fixtures.ts';
import { defaultTextFields, titleOnlyTextFields } from '../../../artifacts/src/text/product-text.ts';
import { parseTextFieldsFlag } from '../text/text-fields-flag.ts';
import { prepareGraphData } from './graphsage-data.ts';

const CORA = fileURLToPath(new URL('../../../../shared/datasets/cora/', import.meta.url));
const { dir, writeLines } = fixtureFolder('graphsage-data');

const COLOURS = ['red', 'blue', 'green', 'black', 'white', 'silver', 'orange'];
const ITEMS = ['guitar', 'drum', 'violin', 'piano', 'trumpet', 'flute', 'cello', 'banjo', 'harp', 'ukulele', 'organ'];

/**
 * 2018 metadata of `n` products in a co-purchase ring whose titles all scraped as the
 * same HTML fragment (escaped, so it survives the reader's cleaning as words)
 * while descriptions hold real text.
 */
function brokenTitles(n: number): string {
  const folder = join(dir, 'broken');
  mkdirSync(folder, { recursive: true });
  const asin = (i: number): string => `B${String(i % n).padStart(5, '0')}`;
  writeLines('broken/meta_Broken.json', Array.from({ length: n }, (_, i) => JSON.stringify({
    asin: asin(i),
    title: 'span class a-size-large',
    description: [`A ${COLOURS[i % 7]} ${ITEMS[i % 11]}, model ${Math.floor(i / 3)}.`],
    also_buy: [asin(i + 1), asin(i + 2)],
  })));
  return folder;
}

const options = { protocol: 'standard' as const, seed: 1, valFraction: 0.05 };

describe('prepareGraphData text features', () => {
  it('fits the vocabulary on the chosen product text, records the settings, and warns about a constant title', async () => {
    const path = brokenTitles(80);
    const data = await prepareGraphData(path, options);
    expect(data.vocabulary?.text).toEqual(defaultTextFields());
    expect(data.features.dim).toBe(data.vocabulary?.size);
    expect(data.warnings.map((w) => [w.kind, w.field])).toEqual([['constant-field', 'title']]);
    expect(data.warnings[0].message).toMatch(/^title: \d+ of \d+ products have the same terms \{span, class, size, large\}/);

    const titles = await prepareGraphData(path, { ...options, text: titleOnlyTextFields() });
    expect(titles.vocabulary?.text).toEqual(titleOnlyTextFields());
    expect(titles.warnings.map((w) => [w.kind, w.field])).toEqual([['few-terms', 'title']]);
  });

  const absent = existsSync(CORA) ? '' : ` (skipped: dataset folder ${CORA} is absent)`;
  it.skipIf(!existsSync(CORA))(`leaves Cora's own bag-of-words features alone, whatever the text settings${absent}`, async () => {
    const data = await prepareGraphData(CORA, { ...options, text: parseTextFieldsFlag('description:2') });
    expect(data.features.dim).toBe(1433);
    expect(data.vocabulary).toBeUndefined();
    expect(data.text).toBeUndefined();
    expect(data.warnings).toEqual([]);
  });
});
