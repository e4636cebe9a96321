import type { ItemDisplay } from '../../../artifacts/src/manifest/schema.ts';

/** `DEMO_IMAGES`: draw every product (`generated`), or use the catalogue's own image URLs (`original`). */
export type ImageMode = 'generated' | 'original';

/**
 * URL template of the generated pictures for one version, as the widget's
 * `image-template` takes it. The version in the query makes the URL change
 * when the catalogue does, so the picture may be cached for a year.
 */
export function generatedTemplate(version: string): string {
  return `/demo/img/{id}.svg?v=${encodeURIComponent(version)}`;
}

/** `template` with every `{id}` replaced by the URL-encoded id (as the widget's templates do). */
export const fillId = (template: string, id: string): string => template.replaceAll('{id}', encodeURIComponent(id));

/** The generated picture of one product. */
export function generatedUrl(id: string, version: string): string {
  return fillId(generatedTemplate(version), id);
}

/** The catalogue's image URL when it is http(s); anything else (a `javascript:` URL, garbage) is not put in a page. */
export function originalUrl(image: string | undefined): string | undefined {
  if (!image) return undefined;
  try {
    const url = new URL(image);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** An `<img>`'s source and the generated picture it falls back to when that source fails (same URL in `generated` mode). */
export interface ImageChoice {
  src: string;
  fallback: string;
}

/** Which picture a demo page shows for `item`: `original` mode keeps a usable catalogue URL, everything else is generated. */
export function imageFor(item: Pick<ItemDisplay, 'id' | 'image'>, mode: ImageMode, version: string): ImageChoice {
  const fallback = generatedUrl(item.id, version);
  const original = mode === 'original' ? originalUrl(item.image) : undefined;
  return { src: original ?? fallback, fallback };
}
