import { GraphrecError } from '../../../artifacts/src/errors.ts';
import type { ModelKind } from '../../../artifacts/src/manifest/schema.ts';

/** What a dispatch says about itself: the webhook body, or the values a template's placeholders take. */
export interface DispatchFacts {
  model: ModelKind;
  reason: string;
  liveVersion: string | null;
  liveAgeHours: number | null;
  /** ISO time of the tick. */
  at: string;
  lastRun: { runId: string; status: string } | null;
}

/** Placeholders a body template may use, `{{name}}` inside any string of it. */
export const PLACEHOLDERS = ['model', 'reason', 'liveVersion', 'liveAgeHours', 'at', 'lastRunId', 'lastRunStatus'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

function strings(value: unknown, visit: (s: string) => string): unknown {
  if (typeof value === 'string') return visit(value);
  if (Array.isArray(value)) return value.map((v) => strings(v, visit));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strings(v, visit)]));
  return value;
}

/**
 * Parses `RETRAIN_WEBHOOK_BODY`: a JSON object whose strings may hold
 * placeholders ({@link PLACEHOLDERS}); empty text means the default body.
 * @throws GraphrecError `config/invalid` on bad JSON, a non-object, or an unknown placeholder.
 * @example
 * parseBodyTemplate('{"ref":"main","inputs":{"model":"{{model}}","reason":"{{reason}}"}}')
 */
export function parseBodyTemplate(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  let template: unknown;
  try {
    template = JSON.parse(text);
  } catch (err) {
    throw new GraphrecError('config/invalid', `Worker var RETRAIN_WEBHOOK_BODY is not valid JSON: ${(err as Error).message}`);
  }
  if (!template || typeof template !== 'object' || Array.isArray(template)) {
    throw new GraphrecError('config/invalid', 'Worker var RETRAIN_WEBHOOK_BODY must be a JSON object');
  }
  strings(template, (s) => {
    for (const [, name] of s.matchAll(PLACEHOLDER)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name!)) {
        throw new GraphrecError('config/invalid', `Worker var RETRAIN_WEBHOOK_BODY uses unknown placeholder {{${name}}}; allowed: ${PLACEHOLDERS.join(', ')}`);
      }
    }
    return s;
  });
  return template as Record<string, unknown>;
}

/**
 * The webhook's JSON body: the facts as they are (`{ event, model, reason, … }`),
 * or the template with its placeholders filled in as strings (GitHub's
 * workflow_dispatch takes string inputs only; a missing value becomes '').
 */
export function renderBody(template: Record<string, unknown> | undefined, facts: DispatchFacts): unknown {
  if (!template) return { event: 'graphrec.retrain', ...facts };
  const values: Record<Placeholder, string> = {
    model: facts.model,
    reason: facts.reason,
    liveVersion: facts.liveVersion ?? '',
    liveAgeHours: facts.liveAgeHours === null ? '' : facts.liveAgeHours.toFixed(2),
    at: facts.at,
    lastRunId: facts.lastRun?.runId ?? '',
    lastRunStatus: facts.lastRun?.status ?? '',
  };
  return strings(template, (s) => s.replace(PLACEHOLDER, (_, name: string) => values[name as Placeholder]));
}
