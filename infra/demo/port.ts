import { createServer } from 'node:net';
import { GraphrecError } from '../../artifacts/src/errors.ts';

/** Resolves whether `port` (0: any) can be bound on 127.0.0.1, and which port that was. */
function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(null) : reject(err)));
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The port to serve on: `requested` when given (an error when it is taken),
 * else `preferred`, else any free one, with a note saying why.
 * @throws GraphrecError `demo/port-busy` when the requested port is taken.
 */
export async function choosePort(requested: number | undefined, preferred: number): Promise<{ port: number; note?: string }> {
  if (requested !== undefined) {
    if ((await tryListen(requested)) === null) throw new GraphrecError('demo/port-busy', `port ${requested} on 127.0.0.1 is in use (another demo or wrangler dev?); stop it or pass another --port`);
    return { port: requested };
  }
  if ((await tryListen(preferred)) !== null) return { port: preferred };
  return { port: await freePort(), note: `${preferred} is busy` };
}

/** A port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === null) throw new GraphrecError('demo/no-port', 'no free TCP port on 127.0.0.1');
  return port;
}
