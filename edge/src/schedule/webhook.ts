/** Where and how a retrain is dispatched (from the `RETRAIN_WEBHOOK_*` vars and secret). */
export interface Webhook {
  url: string;
  /** The bearer token; goes only into the Authorization header, and is blanked out of anything recorded. */
  token: string;
  timeoutMs: number;
}

/** How a webhook call went: `ok` for any 2xx (GitHub's dispatch answers 204). */
export interface WebhookResult {
  ok: boolean;
  /** HTTP status, absent when no answer came (network error, timeout). */
  status?: number;
  /** For a failure: what went wrong, token removed, at most ~300 characters. */
  detail?: string;
}

/** `text` with every occurrence of `secret` replaced, so no record or log line carries it. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/**
 * POSTs `body` as JSON with `Authorization: Bearer <token>`, giving up after
 * `timeoutMs`. Never throws: every outcome is a {@link WebhookResult}.
 * @param fetcher the runtime's `fetch` (a test may pass another).
 */
export async function callWebhook(hook: Webhook, body: unknown, fetcher: typeof fetch = fetch): Promise<WebhookResult> {
  try {
    const response = await fetcher(hook.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${hook.token}`,
        'content-type': 'application/json',
        // GitHub's REST API refuses requests without a User-Agent and recommends this Accept.
        accept: 'application/vnd.github+json, application/json',
        'user-agent': 'graphrec-retrain-cron',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(hook.timeoutMs),
    });
    if (response.ok) {
      await response.body?.cancel();
      return { ok: true, status: response.status };
    }
    const text = (await response.text().catch(() => '')).slice(0, 300);
    return { ok: false, status: response.status, detail: redact(`webhook answered ${response.status}${text ? `: ${text}` : ''}`, hook.token) };
  } catch (err) {
    const e = err as Error;
    const what = e.name === 'TimeoutError' ? `no answer within ${hook.timeoutMs} ms` : `${e.name}: ${e.message}`;
    return { ok: false, detail: redact(`webhook call failed: ${what}`, hook.token).slice(0, 300) };
  }
}
