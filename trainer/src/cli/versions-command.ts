import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { objectKeys } from '../../../artifacts/src/manifest/keys.ts';
import { ModelKindSchema, type ModelKind } from '../../../artifacts/src/manifest/schema.ts';
import type { ObjectStore } from '../publish/object-store.ts';
import { pruneVersions } from '../publish/retention.ts';
import { rollback } from '../publish/rollback.ts';
import type { Target } from '../publish/target.ts';
import { describeTarget } from '../publish/target.ts';
import { listVersions, type ModelLocation } from '../publish/versions.ts';
import { numberFlag, parseFlags, type Command } from './command.ts';
import { table } from './format.ts';
import { TARGET_USAGE, targetFromFlags, targetOptions, withStore } from './publish-command.ts';

const modelOption = { model: { type: 'string' } } as const;

function parseModel(value: string | undefined): ModelKind {
  const parsed = ModelKindSchema.safeParse(value ?? 'graphsage');
  if (!parsed.success) throw new GraphrecError('cli/bad-arguments', `--model must be one of: ${ModelKindSchema.options.join(', ')}, got '${value}'`);
  return parsed.data;
}

const location = (store: ObjectStore, target: Target, model: ModelKind): ModelLocation => ({ store, keys: objectKeys(target.prefix, model), model });

const versionsUsage = `graphrec versions ${TARGET_USAGE} [--model graphsage|pinsage] [--json]`;

export const versionsCommand: Command = {
  name: 'versions',
  summary: 'list the published versions of a model: objects, bytes, complete or partial, and which one CURRENT names',
  usage: versionsUsage,
  async run(ctx) {
    const { values } = parseFlags(ctx.args, { ...targetOptions, ...modelOption }, versionsUsage);
    const target = targetFromFlags(values);
    const model = parseModel(values.model);
    const { current, versions } = await withStore(target, (store) => listVersions(location(store, target, model)));
    ctx.print(`${model} versions in ${describeTarget(target)}:`);
    ctx.print(
      table(
        ['', 'version', 'objects', 'bytes', 'state'],
        versions.map((v) => [v.current ? '*' : '', v.version, v.objects, v.bytes, v.complete ? (v.problem ? `complete, ${v.problem}` : 'complete') : `partial: ${v.problem}`]),
      ),
    );
    ctx.print(current ? `CURRENT → ${current.version} (published ${current.publishedAt})` : 'no CURRENT yet');
    return { target: describeTarget(target), model, current, versions };
  },
};

const rollbackUsage = `graphrec rollback VERSION ${TARGET_USAGE} [--model graphsage|pinsage] [--json]`;

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'point CURRENT at another complete version (checked: manifest parses, every object stored with its size)',
  usage: rollbackUsage,
  async run(ctx) {
    const { values, positionals } = parseFlags(ctx.args, { ...targetOptions, ...modelOption }, rollbackUsage);
    const version = positionals[0];
    if (!version) throw new GraphrecError('cli/bad-arguments', `missing VERSION\nusage: ${rollbackUsage}`);
    const target = targetFromFlags(values);
    const model = parseModel(values.model);
    const result = await withStore(target, (store) => rollback(location(store, target, model), version));
    ctx.print(`CURRENT → ${result.version}${result.previous ? ` (was ${result.previous})` : ''}`);
    return { target: describeTarget(target), model, ...result };
  },
};

const pruneUsage = `graphrec prune ${TARGET_USAGE} --keep N [--model graphsage|pinsage] [--json]`;

export const pruneCommand: Command = {
  name: 'prune',
  summary: "delete all but the N newest versions (complete or partial); CURRENT's version is always kept",
  usage: pruneUsage,
  async run(ctx) {
    const { values } = parseFlags(ctx.args, { ...targetOptions, ...modelOption, keep: { type: 'string' } }, pruneUsage);
    if (values.keep === undefined) throw new GraphrecError('cli/bad-arguments', `missing --keep N\nusage: ${pruneUsage}`);
    const keep = numberFlag(values.keep, 'keep', 0, { min: 1, integer: true });
    const target = targetFromFlags(values);
    const model = parseModel(values.model);
    const result = await withStore(target, (store) => pruneVersions(location(store, target, model), keep));
    ctx.print(result.deleted.length > 0 ? `deleted ${result.deleted.join(', ')}` : 'nothing to delete');
    ctx.print(`kept ${result.kept.join(', ') || 'none'}`);
    return { target: describeTarget(target), model, keep, ...result };
  },
};
