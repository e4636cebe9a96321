/**
 * @module
 * The storefront widget: `<script src="https://API/widget.js" async></script>`
 * then `<graphrec-recs product="ASIN" k="8"></graphrec-recs>` or
 * `<graphrec-recs history="A,B,C"></graphrec-recs>`. Bundled by
 * `infra/scripts/build-widget.mjs` and served by the Worker at `/widget.js`.
 */
import { defineGraphrecRecs } from './element.ts';

// document.currentScript is only set while this script is first evaluated, so the API root is captured now.
const script = document.currentScript;
defineGraphrecRecs(script instanceof HTMLScriptElement && script.src ? new URL('./', script.src).href : undefined);
