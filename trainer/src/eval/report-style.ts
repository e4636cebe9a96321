/** The report's whole stylesheet, inlined so the page needs no other file. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #6b7280; --line: #e3e6ea; --bg-alt: #f7f8fa; --hit: #e3f6e5; --hit-line: #3c9a4a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 .35rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .6rem; }
h4 { font-size: .95rem; margin: 1.1rem 0 .4rem; }
small, .muted, .note { color: var(--muted); }
small { font-size: .78em; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.note { font-size: .8rem; font-weight: normal; }
.meta { display: flex; flex-wrap: wrap; gap: .3rem 1.4rem; margin: 0; padding: 0; list-style: none; }
.meta b { font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 .4rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid var(--line); white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--bg-alt); }
table.kv th { font-weight: 500; color: var(--muted); white-space: nowrap; }
table.kv td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; word-break: break-word; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.metrics thead th:not(:first-child) { text-align: right; }
table.metrics b { font-weight: 700; }
tr.cannot td:not(.num) { color: var(--muted); font-style: italic; }
.swatch { display: inline-block; width: .75em; height: .75em; border-radius: 2px; margin-right: .4em; vertical-align: baseline; }
figure { margin: 0 0 1rem; }
figcaption { font-size: .85rem; color: var(--muted); }
svg { max-width: 100%; height: auto; }
ul.cannot { margin: .2rem 0 1rem; padding-left: 1.2rem; font-size: .9rem; color: var(--muted); }
table.samples { width: 100%; }
table.samples > tbody > tr > th { width: 16rem; font-weight: 600; }
ol.recs { margin: 0; padding: 0; list-style: none; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .2rem .6rem; }
ol.recs li { padding: .15rem .4rem; border-left: 3px solid transparent; border-radius: 3px; }
ol.recs li.hit { background: var(--hit); border-left-color: var(--hit-line); }
.rank { display: inline-block; min-width: 1.6em; color: var(--muted); font-variant-numeric: tabular-nums; }
.tick { color: var(--hit-line); font-weight: 700; margin-right: .25em; }
@media (max-width: 640px) { body { font-size: 14px; } main { padding: 1rem .6rem 3rem; } table.samples > tbody > tr > th { width: auto; } }
`;
