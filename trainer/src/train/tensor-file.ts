import { readFile, rename, writeFile } from 'node:fs/promises';
import { GraphrecError } from '../../../artifacts/src/errors.ts';

/** Named float32 arrays with shapes, as stored in a checkpoint. */
export type NamedArrays = Record<string, { shape: number[]; data: Float32Array }>;

const MAGIC = 'GRTENSOR1\n';

/**
 * Writes named float32 arrays to one file: a magic line, a JSON header line
 * (names, shapes, byte offsets), then the raw little-endian data. Written to a
 * temporary name and renamed, so a crash never leaves a half-written checkpoint.
 */
export async function writeTensorFile(path: string, arrays: NamedArrays): Promise<void> {
  let offset = 0;
  const entries = Object.entries(arrays).map(([name, { shape, data }]) => {
    const entry = { name, shape, offset, length: data.length };
    offset += data.length * 4;
    return entry;
  });
  const header = Buffer.from(`${MAGIC}${JSON.stringify(entries)}\n`, 'utf8');
  const body = Buffer.alloc(offset);
  for (const [i, [, { data }]] of Object.entries(arrays).entries()) {
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(body, entries[i].offset);
  }
  await writeFile(`${path}.tmp`, Buffer.concat([header, body]));
  await rename(`${path}.tmp`, path);
}

/**
 * Reads a file written by {@link writeTensorFile}.
 * @throws GraphrecError `checkpoint/corrupt` when the magic, header or sizes do not match.
 */
export async function readTensorFile(path: string): Promise<NamedArrays> {
  const bytes = await readFile(path);
  const corrupt = (why: string): never => {
    throw new GraphrecError('checkpoint/corrupt', `${path}: ${why}`);
  };
  if (bytes.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) corrupt('not a graphrec tensor file');
  const headerEnd = bytes.indexOf(0x0a, MAGIC.length);
  if (headerEnd < 0) corrupt('header is not terminated');
  let entries: { name: string; shape: number[]; offset: number; length: number }[] = [];
  try {
    entries = JSON.parse(bytes.subarray(MAGIC.length, headerEnd).toString('utf8'));
  } catch {
    corrupt('header is not JSON');
  }
  const body = bytes.subarray(headerEnd + 1);
  const out: NamedArrays = {};
  for (const e of entries) {
    if (e.offset + e.length * 4 > body.length) corrupt(`array ${e.name} runs past the end of the file`);
    const data = new Float32Array(e.length);
    Buffer.from(data.buffer).set(body.subarray(e.offset, e.offset + e.length * 4));
    out[e.name] = { shape: e.shape, data };
  }
  return out;
}
