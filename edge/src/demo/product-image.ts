import { escapeHtml } from './html.ts';

/** What a generated picture is drawn from; only `id` is required (an unknown id still gets a picture). */
export interface ImageSubject {
  id: string;
  title?: string;
  category?: string;
}

/** FNV-1a over UTF-16 code units: the same number for the same text in every runtime, so a product keeps its picture. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Up to two initials from the title's first words that start with a letter or digit ("Women's Plakiglour …" → "WP"). */
export function initials(title: string | undefined): string {
  const words = (title ?? '').match(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu) ?? [];
  return words
    .slice(0, 2)
    .map((w) => [...w][0]!.toLocaleUpperCase('en'))
    .join('');
}

const SHAPES = [
  '<circle cx="150" cy="150" r="92" fill="{c}"/>',
  '<rect x="62" y="62" width="176" height="176" rx="28" fill="{c}"/>',
  '<path d="M150 46l104 104-104 104L46 150z" fill="{c}"/>',
  '<path d="M150 52l85 49v98l-85 49-85-49v-98z" fill="{c}"/>',
];

/**
 * A 300×300 SVG standing in for a product photo. The hue comes from the
 * category (so a shopper sees that recommendations stay in a niche), the
 * shape and shade from the id, the letters from the title. Every value from
 * data is escaped, and the picture holds no script or external reference.
 * @param subject the product (title and category optional).
 * @returns the SVG document text.
 */
export function productSvg(subject: ImageSubject): string {
  const idHash = hash32(subject.id);
  const hue = hash32(subject.category ?? subject.id) % 360;
  const shade = 44 + (idHash % 17);
  const shape = SHAPES[(idHash >>> 8) % SHAPES.length]!.replace('{c}', `hsl(${hue},48%,${shade}%)`);
  const letters = escapeHtml(initials(subject.title));
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">',
    `<rect width="300" height="300" fill="hsl(${hue},42%,93%)"/>`,
    shape,
    letters
      ? `<text x="150" y="150" dy=".35em" text-anchor="middle" font-family="system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif" font-size="84" font-weight="700" fill="#fff">${letters}</text>`
      : '',
    '</svg>',
  ].join('');
}
