/**
 * The demo store's stylesheet, inlined in every page (one request less, and
 * the pages are tiny). The widget rows are themed through its
 * `--graphrec-*` custom properties, the only styles that reach its cards.
 */
export const DEMO_CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#b3261e;--bg:#fbfaf8;--card:#fff;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.45}
body{margin:0}
a{color:inherit}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding:12px 24px;background:#1f2328;color:#fff}
header.top .brand{font-weight:700;font-size:20px;text-decoration:none}
header.top nav{display:flex;gap:16px}
header.top nav a{text-decoration:none;opacity:.85}
header.top nav a:hover,header.top nav a[aria-current=page]{opacity:1;text-decoration:underline}
header.top .version{margin-left:auto;font-size:13px;opacity:.75}
main{max-width:1180px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:26px;margin:8px 0 4px}
h2{font-size:19px;margin:28px 0 10px}
.lead{color:var(--muted);margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:14px;margin:0;padding:0;list-style:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden}
.card a{display:flex;flex-direction:column;gap:4px;height:100%;padding:10px;text-decoration:none;box-sizing:border-box}
.card a:hover .title{color:var(--accent);text-decoration:underline}
.card a:focus-visible{outline:3px solid var(--accent);outline-offset:-3px}
.card img{width:100%;height:auto;aspect-ratio:1/1;object-fit:contain;background:#f6f8fa;border-radius:6px}
.card .title{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;overflow:hidden;overflow-wrap:anywhere}
.card .meta{font-size:13px;color:var(--muted)}
.price{font-weight:650}
.product{display:grid;grid-template-columns:minmax(200px,340px) 1fr;gap:28px;align-items:start}
.product img{width:100%;height:auto;aspect-ratio:1/1;object-fit:contain;background:#f6f8fa;border:1px solid var(--line);border-radius:12px}
.product .price{font-size:24px;margin:8px 0}
.product dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;color:var(--muted)}
.product dd{margin:0;color:var(--ink);overflow-wrap:anywhere}
@media (max-width:640px){.product{grid-template-columns:1fr}}
graphrec-recs{--graphrec-accent:#b3261e;--graphrec-card-width:170px;margin-bottom:8px}
form.embed{display:grid;gap:14px;max-width:720px;padding:18px;background:var(--card);border:1px solid var(--line);border-radius:10px}
form.embed label{display:grid;gap:4px;font-weight:600}
form.embed .hint{font-weight:400;font-size:13px;color:var(--muted)}
form.embed input,form.embed select{font:inherit;padding:8px;border:1px solid var(--line);border-radius:6px}
form.embed button{justify-self:start;font:inherit;font-weight:600;padding:8px 18px;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
form.embed button:disabled{opacity:.6;cursor:progress}
.status{min-height:1.5em;margin:16px 0}
.status.warn{padding:10px 14px;border-left:4px solid #bf8700;background:#fff8c5}
.status.error{padding:10px 14px;border-left:4px solid var(--accent);background:#ffebe9}
.notice{max-width:720px;padding:18px 22px;background:var(--card);border:1px solid var(--line);border-radius:10px}
pre{padding:10px 14px;background:#f6f8fa;border-radius:6px;overflow-x:auto}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em}
`;
