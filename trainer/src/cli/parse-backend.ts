import { GraphrecError } from '../../../artifacts/src/errors.ts';
import { BACKENDS, type BackendName } from '../models/backend.ts';

/**
 * Reads `--backend`.
 * @throws GraphrecError `cli/bad-arguments` naming the allowed backends.
 */
export function parseBackend(value: string | undefined): BackendName | undefined {
  if (value === undefined) return undefined;
  if (!(BACKENDS as readonly string[]).includes(value)) throw new GraphrecError('cli/bad-arguments', `--backend must be one of ${BACKENDS.join(', ')}; got '${value}'`);
  return value as BackendName;
}
