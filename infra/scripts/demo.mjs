#!/usr/bin/env node
// `npm run demo`: the one-command demo storefront. Its pipeline (train, export,
// publish to a local R2 bucket, wrangler dev) lands with the widget/demo issue;
// until then it says so plainly instead of pretending.
console.log(
  [
    'graphrec demo: not built yet.',
    'What works today:',
    '  npm run -s graphrec -- synth --products 5000 --out .cache/synth-5k   # synthetic McAuley-format data',
    '  npm run -s graphrec -- ingest .cache/synth-5k                       # ingest it and report the graphs',
  ].join('\n'),
);
