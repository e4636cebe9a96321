import { html, type Html } from './html.ts';
import { layout } from './layout.ts';

/**
 * The page shown while nothing is published: what is missing and the two
 * ways to publish. The Worker follows `CURRENT`, so no restart is needed.
 * @param detail the store's own message (names the missing key).
 * @param ttlSeconds how often the Worker looks for a new version.
 */
export function noVersionPage(detail: string, ttlSeconds: number): Html {
  const main = html`<div class="notice">
<h1>No recommendations are published yet</h1>
<p>This demo store shows the artifacts that <code>graphrec publish</code> writes to the Worker's R2 bucket, and there are none yet.</p>
<p class="lead">The Worker says: <code>${detail}</code></p>
<p>Build and publish a catalogue, from the repository's root:</p>
<pre><code>npm run demo</code></pre>
<p>or publish an export you already have to the local bucket:</p>
<pre><code>npm run -s graphrec -- publish EXPORT_DIR --to local</code></pre>
<p>The Worker looks for a new version every ${ttlSeconds} s: reload this page once the publish has finished.</p>
</div>`;
  return layout({ title: 'Nothing published yet', section: 'none', main });
}

/** The page for a version that cannot be read (a missing or corrupt object): the code and message, never a stack trace. */
export function unavailablePage(code: string, message: string): Html {
  const main = html`<div class="notice">
<h1>The store is unavailable</h1>
<p>The published artifacts could not be read: <code>${code}</code> ${message}</p>
<p>Publishing the version again (or rolling <code>CURRENT</code> back) fixes it; <a href="/v1/health">/v1/health</a> shows the last error.</p>
</div>`;
  return layout({ title: 'Unavailable', section: 'none', main });
}
