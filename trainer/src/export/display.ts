import type { ItemDisplay } from '../../../artifacts/src/manifest/schema.ts';
import type { ProductTable } from '../graph/copurchase.ts';

/**
 * The display row of a product as served: its title, and price, image and
 * niche category when known (an unknown price is `NaN`, a negative one a data
 * error, and neither is shown).
 */
export function displayOf(products: ProductTable, key: number, popularity: number): ItemDisplay {
  const price = products.prices[key];
  const image = products.imageUrls[key];
  const category = products.categoryNames[products.category[key]];
  return {
    id: products.asins[key],
    title: products.titles[key],
    ...(Number.isFinite(price) && price >= 0 ? { price } : {}),
    ...(image ? { image } : {}),
    ...(category ? { category } : {}),
    popularity,
  };
}
