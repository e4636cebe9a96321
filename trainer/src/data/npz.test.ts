import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractZipEntry, listZipEntries, parseNpz, readNpz } from './npz.ts';
import { errorCode } from '../../../test/helpers/fixtures.ts';

/** A minimal `.npy` v1 file of int32 values. */
function npyInt32(values: number[]): Buffer {
  const header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${values.length},), }`;
  const text = header + ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const data = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => data.writeInt32LE(v, 4 * i));
  const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  head.writeUInt16LE(text.length, 8);
  return Buffer.concat([head, Buffer.from(text, 'latin1'), data]);
}

interface ZipFile {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
}

/** Writes a zip archive byte by byte (APPNOTE 4.3): local headers + data, central directory, EOCD. */
function buildZip(files: ZipFile[], comment = ''): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data, method } of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const body = method === 8 ? deflateRawSync(data) : Buffer.from(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, body);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(files.length, 8);
  eocd.writeUInt16LE(files.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(Buffer.byteLength(comment), 20);
  return Buffer.concat([...parts, cd, eocd, Buffer.from(comment)]);
}

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const sample = (): ZipFile[] => [
  { name: 'stored.npy', data: npyInt32([1, 2, 3]), method: 0 },
  { name: 'deflated.npy', data: npyInt32(Array.from({ length: 1000 }, (_, i) => i % 7)), method: 8 },
  { name: 'notes.txt', data: Buffer.from('not an array'), method: 0 },
];

describe('zip reading', () => {
  it('lists entries with their method and sizes', () => {
    const entries = listZipEntries(buildZip(sample(), 'a trailing comment'));
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['stored.npy', 0],
      ['deflated.npy', 8],
      ['notes.txt', 0],
    ]);
    expect(entries[1].compressedSize).toBeLessThan(entries[1].size);
  });

  it('extracts stored and deflated entries byte for byte', () => {
    const files = sample();
    const zip = buildZip(files);
    listZipEntries(zip).forEach((entry, i) => expect(Buffer.from(extractZipEntry(zip, entry))).toEqual(files[i].data));
  });

  it('decodes .npy members by key without the extension and ignores other members', () => {
    const arrays = parseNpz(buildZip(sample()));
    expect([...arrays.keys()]).toEqual(['stored', 'deflated']);
    expect(arrays.get('stored')?.data).toEqual(Int32Array.from([1, 2, 3]));
    expect(arrays.get('deflated')?.shape).toEqual([1000]);
    expect((arrays.get('deflated')?.data as Int32Array)[999]).toBe(999 % 7);
  });

  it('decodes only the requested keys, so unreadable members can be left alone', () => {
    const pickled = Buffer.from(npyInt32([0]).toString('latin1').replace("'<i4'", "'|O' "), 'latin1');
    const files = [...sample(), { name: 'pickled.npy', data: pickled, method: 0 as const }];
    expect(errorCode(() => parseNpz(buildZip(files)))).toBe('codec/unsupported-dtype');
    expect([...parseNpz(buildZip(files), ['stored']).keys()]).toEqual(['stored']);
  });

  it('throws codec/bad-zip for bytes that are not a zip, a cut archive, bad CRCs and corrupt deflate data', () => {
    const zip = buildZip(sample());
    expect(errorCode(() => listZipEntries(Buffer.from('hello, not a zip at all')))).toBe('codec/bad-zip');
    expect(errorCode(() => listZipEntries(new Uint8Array(0)))).toBe('codec/bad-zip');
    expect(errorCode(() => listZipEntries(zip.subarray(0, zip.length - 5)))).toBe('codec/bad-zip');
    expect(errorCode(() => parseNpz(zip.subarray(200)))).toBe('codec/bad-zip');

    const badCrc = Buffer.from(zip);
    badCrc[30 + 'stored.npy'.length + 130] ^= 0xff; // a data byte of the stored entry
    expect(errorCode(() => parseNpz(badCrc))).toBe('codec/bad-zip');

    const deflated = listZipEntries(zip)[1];
    const badDeflate = Buffer.from(zip);
    badDeflate.fill(0xff, deflated.localOffset + 30 + 'deflated.npy'.length, deflated.localOffset + 50 + 'deflated.npy'.length);
    expect(errorCode(() => parseNpz(badDeflate))).toBe('codec/bad-zip');
  });

  it('throws codec/unsupported-zip for other methods and zip64 markers', () => {
    const bzip2 = buildZip([{ name: 'a.npy', data: npyInt32([1]), method: 0 }]);
    const cd = bzip2.readUInt32LE(bzip2.length - 6);
    bzip2.writeUInt16LE(12, cd + 10);
    expect(errorCode(() => parseNpz(bzip2))).toBe('codec/unsupported-zip');

    const zip64 = buildZip([{ name: 'a.npy', data: npyInt32([1]), method: 0 }]);
    zip64.writeUInt32LE(0xffffffff, zip64.length - 6);
    expect(errorCode(() => listZipEntries(zip64))).toBe('codec/unsupported-zip');
  });
});

describe('readNpz', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'graphrec-npz-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file and names it in errors', async () => {
    const good = join(dir, 'good.npz');
    const bad = join(dir, 'bad.npz');
    await writeFile(good, buildZip(sample()));
    await writeFile(bad, 'PK but not really');
    expect((await readNpz(good)).get('stored')?.data).toEqual(Int32Array.from([1, 2, 3]));
    await expect(readNpz(bad)).rejects.toMatchObject({ code: 'codec/bad-zip', message: expect.stringContaining(bad) });
  });

  it.skipIf(!hasPython)('reads archives written by Python zipfile as numpy.savez does (zip64 local headers)', async () => {
    await writeFile(join(dir, 'a.npy'), npyInt32([4, 5, 6]));
    await writeFile(join(dir, 'b.npy'), npyInt32([7]));
    const out = join(dir, 'python.npz');
    const script = [
      'import sys, zipfile',
      'd, out = sys.argv[1], sys.argv[2]',
      'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:',
      '    for name, method in (("a.npy", zipfile.ZIP_DEFLATED), ("b.npy", zipfile.ZIP_STORED)):',
      '        info = zipfile.ZipInfo(name)',
      '        info.compress_type = method',
      '        with z.open(info, "w", force_zip64=True) as f:',
      '            f.write(open(d + "/" + name, "rb").read())',
      '    z.writestr(zipfile.ZipInfo("c.npy"), open(d + "/b.npy", "rb").read(), compress_type=zipfile.ZIP_DEFLATED)',
    ].join('\n');
    execFileSync('python3', ['-c', script, dir, out]);
    expect(listZipEntries(await readFile(out)).map((e) => e.method)).toEqual([8, 0, 8]);
    const arrays = await readNpz(out);
    expect(arrays.get('a')?.data).toEqual(Int32Array.from([4, 5, 6]));
    expect(arrays.get('b')?.data).toEqual(Int32Array.from([7]));
    expect(arrays.get('c')?.data).toEqual(Int32Array.from([7]));
  });
});
