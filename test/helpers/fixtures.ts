import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { gzipSync } from 'node:zlib';
import { GraphrecError } from '../../artifacts/src/errors.ts';

/** The GraphrecError code `fn` throws, or undefined if it returns; other errors propagate. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof GraphrecError) return err.code;
    throw err;
  }
  return undefined;
}

/**
 * A temporary folder for one test file, removed after its tests, and a writer
 * of line-oriented fixtures in it (gzip on request).
 */
export function fixtureFolder(prefix: string): { dir: string; writeLines(name: string, lines: string[], gzip?: boolean): string } {
  const dir = mkdtempSync(join(tmpdir(), `graphrec-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    writeLines(name, lines, gzip = false) {
      const path = join(dir, name);
      const text = lines.join('\n') + '\n';
      writeFileSync(path, gzip ? gzipSync(text) : text);
      return path;
    },
  };
}
