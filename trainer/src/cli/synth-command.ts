import { peakRssMB } from '../util/progress.ts';
import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { generateSynthetic } from '../synth/generate.ts';
import { numberFlag, parseFlags, type Command } from './command.ts';
import { formatCount } from './format.ts';

const usage =
  'graphrec synth --products N --out DIR [--users U] [--categories C] [--seed S] [--image-fraction F] [--plain] [--gzip-level L] [--also-bought-mean X] [--json] [--quiet]';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write a synthetic data set in the McAuley 2014 formats with planted category structure',
  usage,
  async run(ctx) {
    const { values } = parseFlags(
      ctx.args,
      {
        products: { type: 'string' },
        users: { type: 'string' },
        categories: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'image-fraction': { type: 'string' },
        'gzip-level': { type: 'string' },
        'also-bought-mean': { type: 'string' },
        plain: { type: 'boolean' },
      },
      usage,
    );
    if (!values.out) throw new GraphrecError('cli/bad-arguments', `--out DIR is required\nusage: ${usage}`);
    if (!values.products) throw new GraphrecError('cli/bad-arguments', `--products N is required\nusage: ${usage}`);
    const products = numberFlag(values.products, 'products', 0, { min: 10, integer: true });
    const optional = (name: string, v: string | undefined, range: Parameters<typeof numberFlag>[3]): number | undefined =>
      v === undefined ? undefined : numberFlag(v, name, 0, range);

    let stage = '';
    const started = performance.now();
    const summary = await generateSynthetic(
      {
        products,
        out: values.out,
        users: optional('users', values.users, { min: 10, integer: true }),
        categories: optional('categories', values.categories, { min: 1, integer: true }),
        seed: optional('seed', values.seed, { min: 0, integer: true }),
        imageFraction: optional('image-fraction', values['image-fraction'], { min: 0, max: 1 }),
        gzipLevel: optional('gzip-level', values['gzip-level'], { min: 1, max: 9, integer: true }),
        gzip: values.plain !== true,
        alsoBoughtMean: optional('also-bought-mean', values['also-bought-mean'], { min: 1, max: 40 }),
      },
      (name, done, total) => {
        if (name !== stage) {
          if (stage) ctx.progress.finish();
          stage = name;
          ctx.progress.start(`synth: ${name}`, total);
        }
        ctx.progress.update(done);
      },
    );
    if (stage) ctx.progress.finish();
    const seconds = (performance.now() - started) / 1000;
    const c = summary.counts;
    ctx.print(`wrote ${summary.out}: ${formatCount(c.products)} products, ${formatCount(c.alsoBought)} also_bought links, ${formatCount(c.users)} users, ${formatCount(c.reviews)} reviews, ${formatCount(c.imageRecords)} image records`);
    ctx.print(`took ${seconds.toFixed(1)}s, peak RSS ${peakRssMB()} MB`);
    return { ...summary, seconds, peakRssMB: peakRssMB() };
  },
};
