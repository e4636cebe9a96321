/**
 * The one error type of graphrec. `code` is a stable, namespaced identifier
 * (`'data/malformed-line'`, `'codec/bad-magic'`) that callers map to exit codes
 * or HTTP statuses; `message` is for people and names the offending argument.
 */
export class GraphrecError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'GraphrecError';
    this.code = code;
    this.details = details;
  }
}

/** True when `err` is a {@link GraphrecError}, optionally with the given code. */
export function isGraphrecError(err: unknown, code?: string): err is GraphrecError {
  return err instanceof GraphrecError && (code === undefined || err.code === code);
}
