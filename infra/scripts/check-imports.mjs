#!/usr/bin/env node
// Enforces the dependency direction trainer → artifacts ← edge, and keeps
// artifacts/ runtime-agnostic (it must load in Node and in workerd alike).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const rules = {
  artifacts: { forbiddenDirs: ['trainer', 'edge'], forbiddenModules: [/^node:/, /^hono/, /^cloudflare:/, /^@tensorflow\/tfjs-node/, /^usearch$/, /^@aws-sdk\//] },
  trainer: { forbiddenDirs: ['edge'], forbiddenModules: [/^cloudflare:/, /^hono/] },
  edge: { forbiddenDirs: ['trainer'], forbiddenModules: [/^node:/, /^@tensorflow\/tfjs-node/, /^usearch$/] },
};
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield path;
  }
}

const problems = [];
for (const [top, rule] of Object.entries(rules)) {
  let files;
  try { files = [...sourceFiles(join(root, top))]; } catch { continue; }
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      const where = relative(root, file);
      if (rule.forbiddenModules.some((re) => re.test(spec))) problems.push(`${where}: imports '${spec}', not allowed in ${top}/`);
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(file, '..', spec)).split(sep)[0];
        if (rule.forbiddenDirs.includes(target)) problems.push(`${where}: imports '${spec}' from ${target}/ (direction is trainer → artifacts ← edge)`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`Import rules broken (${problems.length}):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('imports ok: trainer → artifacts ← edge; artifacts has no runtime-specific imports');
