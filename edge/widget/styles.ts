/**
 * The widget's stylesheet, scoped to its shadow root. Theming goes through
 * the `--graphrec-*` custom properties (they are the only styles that cross
 * the shadow boundary; see edge/widget/README.md) and the `::part()` names
 * `list`, `card`, `link`, `image`, `title`, `price`, `reason`.
 *
 * `.w` resets everything with `all: initial`: inherited properties (font,
 * color, letter-spacing, text-transform, line-height…) would otherwise flow
 * in from the shop's page through the host element. Sizes are px and em, not
 * rem, so the shop's root font size does not scale the cards either.
 * The collapsed states use `!important` because, for important declarations,
 * the shadow tree's `:host` rule beats the page's own rules for the element.
 */
export const CSS = `
:host{display:block}
:host([state=empty]),:host([state=error]){display:none!important}
*,*::before,*::after{box-sizing:border-box}
.w{all:initial;display:block;font-family:var(--graphrec-font,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif);font-size:var(--graphrec-font-size,14px);line-height:1.4;color:var(--graphrec-text,#1f2328);background:var(--graphrec-bg,transparent)}
.l{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(var(--graphrec-card-width,160px),1fr);gap:var(--graphrec-gap,12px);margin:0;padding:4px;list-style:none;overflow-x:auto;scroll-snap-type:x proximity;overscroll-behavior-x:contain}
.c{display:block;min-width:0;margin:0;padding:0;scroll-snap-align:start;background:var(--graphrec-card-bg,#fff);border:var(--graphrec-card-border,1px solid #d1d9e0);border-radius:var(--graphrec-card-radius,8px);overflow:hidden}
.a{display:flex;flex-direction:column;gap:.4em;height:100%;padding:.6em;color:inherit;text-decoration:none;border-radius:inherit;outline:none}
.a:hover .t{color:var(--graphrec-accent,#0969da);text-decoration:underline}
.a:focus-visible{outline:3px solid var(--graphrec-accent,#0969da);outline-offset:-3px}
.i{display:block;width:100%;height:auto;aspect-ratio:var(--graphrec-image-ratio,1/1);object-fit:var(--graphrec-image-fit,contain);background:var(--graphrec-image-bg,#f6f8fa);border:0;border-radius:4px}
.t{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:var(--graphrec-title-lines,2);overflow:hidden;overflow-wrap:anywhere}
.p{margin-top:auto;font-weight:600;color:var(--graphrec-price,inherit)}
.r{display:block;height:1.4em;font-size:.8em;line-height:1.4;color:var(--graphrec-muted,#59636e);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.t+.r{margin-top:auto}
.s .i,.s .t,.s .p,.s .r{background:var(--graphrec-skeleton,#eaeef2);animation:graphrec-pulse 1.2s ease-in-out infinite}
.s .t,.s .p,.s .r{height:1.4em;padding:.2em 0;background-clip:content-box;border-radius:4px}
.s .t+.t{width:60%;margin-top:-.4em}
.s .p{width:40%}
.s .r{width:70%}
@keyframes graphrec-pulse{50%{opacity:.45}}
@media (prefers-reduced-motion:reduce){.s .i,.s .t,.s .p,.s .r{animation:none}}
`;
