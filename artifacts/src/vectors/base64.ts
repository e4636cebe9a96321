import { GraphrecError } from '../errors.ts';

/** Base64 of bytes via `btoa`, present in Node 20 and workerd. Chunked so large arrays do not overflow the argument limit. */
export function toBase64(bytes: Uint8Array | Int8Array): string {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let binary = '';
  for (let i = 0; i < u8.length; i += 0x8000) binary += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Decodes base64 into bytes.
 * @throws GraphrecError `codec/bad-base64` on invalid input.
 */
export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new GraphrecError('codec/bad-base64', 'invalid base64 text');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Base64 of an int8 code vector. */
export const int8ToBase64 = (codes: Int8Array): string => toBase64(codes);
/** An int8 code vector from base64. */
export const int8FromBase64 = (text: string): Int8Array => {
  const u8 = fromBase64(text);
  return new Int8Array(u8.buffer, u8.byteOffset, u8.byteLength);
};
