/**
 * The normalised records every reader yields, whatever the source year or format.
 * Readers convert field names and types here so later stages never see raw dicts.
 */

/** One product from McAuley 2014 or 2018 metadata. */
export interface ProductRecord {
  asin: string;
  /** Absent or empty titles are `undefined`; HTML tags and entities are removed (as in every text field). */
  title: string | undefined;
  /** 2014 `description`; 2018 `description` paragraphs joined with a space; `undefined` when absent or empty. */
  description: string | undefined;
  /** 2018 `feature` bullets (empty ones dropped); empty for 2014, which has none. */
  feature: string[];
  /** Price in dollars; ranges ("$5.99 - $12.99") take the lower bound; unknown is `undefined`. */
  price: number | undefined;
  /** First image URL (2014 `imUrl`; 2018 the first of `image`, `imageURL`, `imageURLHighRes`). */
  imageUrl: string | undefined;
  /** 2014 `related.also_bought`, 2018 `also_buy`. */
  alsoBought: string[];
  /** 2014 `related.also_viewed`, 2018 `also_view`. */
  alsoViewed: string[];
  /** 2014 `related.bought_together`; empty for 2018. */
  boughtTogether: string[];
  brand: string | undefined;
  /** Category paths, most general first (2014 `categories`, 2018 `[category]`). */
  categories: string[][];
  /** 2014 `salesRank` dict; 2018 rank parsed from "1,234 in X" when present. */
  salesRank: Record<string, number> | undefined;
}

/** One review from a 5-core file (2014 or 2018). */
export interface ReviewRecord {
  userId: string;
  asin: string;
  /** Star rating, 1–5. */
  rating: number;
  /** 2014 `helpful[0]`; 2018 `vote` (a string such as "1,234", absent → 0). */
  helpfulVotes: number;
  /** 2014 `helpful[1]`; `undefined` for 2018, which does not record totals. */
  totalVotes: number | undefined;
  /** Unix time in seconds. */
  time: number;
}

/** One image feature record of a `.b` file. */
export interface ImageFeatureRecord {
  asin: string;
  /** 4,096 float32 values (a view that is only valid until the next record unless copied). */
  features: Float32Array;
}

/** One MovieLens rating. */
export interface RatingRecord {
  userId: number;
  movieId: number;
  rating: number;
  /** Unix time in seconds. */
  time: number;
}

/** One MovieLens movie. */
export interface MovieRecord {
  movieId: number;
  title: string;
  genres: string[];
}
