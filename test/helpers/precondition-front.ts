import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP front for s3rver that enforces `If-None-Match: *` and `If-Match:
 * <etag>` on PUT, as S3 (since 2024) and R2 do natively. s3rver 3.7.1 honours
 * those headers on GET only: on PUT it ignores them and every writer wins
 * (checked by a scratch test before this was written), which would make any
 * lock test pass vacuously.
 *
 * Every request for a key runs under that key's mutex; a conditional PUT
 * first asks s3rver for the key's ETag (an anonymous HEAD, which s3rver
 * allows) and answers 412 PreconditionFailed, as S3 does, when the condition
 * fails. So check-and-write is atomic with respect to every other request
 * through the front. Reads are serialised too because s3rver's file store
 * rewrites an object in place: a GET racing a PUT could read it half written,
 * which S3 and R2 (atomic replacement) never show. Everything else is forwarded byte for byte,
 * Host header included, so SigV4 signatures still verify at s3rver.
 */
export async function startPreconditionFront(upstream: { host: string; port: number }): Promise<{ port: number; close(): Promise<void> }> {
  const locks = new Map<string, Promise<void>>();
  const withKeyLock = async (key: string, fn: () => Promise<void>): Promise<void> => {
    const before = locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = before.then(() => mine);
    locks.set(key, chained);
    await before;
    try {
      await fn();
    } finally {
      release();
      if (locks.get(key) === chained) locks.delete(key);
    }
  };

  const forward = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    new Promise((resolve) => {
      // A fresh connection per request (agent: false): no keep-alive socket whose stray bytes could confuse the next response.
      const up = request({ ...upstream, agent: false, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('end', resolve);
        upRes.on('error', resolve);
      });
      up.on('error', (err) => {
        if (res.headersSent) res.destroy(err);
        else res.writeHead(502).end(String(err));
        resolve();
      });
      req.pipe(up);
    });

  const currentEtag = (path: string): Promise<string | null> =>
    new Promise((resolve, reject) => {
      const head = request({ ...upstream, agent: false, method: 'HEAD', path }, (r) => {
        r.resume();
        resolve(r.statusCode === 200 ? String(r.headers.etag) : null);
      });
      head.on('error', reject);
      head.end();
    });

  const preconditionFailed = (res: ServerResponse, condition: string, req: IncomingMessage): void => {
    req.resume();
    const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>${condition}</Condition></Error>`;
    res.writeHead(412, { 'content-type': 'application/xml' }).end(xml);
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    void withKeyLock(path, async () => {
      const ifNoneMatch = req.headers['if-none-match'];
      const ifMatch = req.headers['if-match'];
      if (req.method !== 'PUT' || (ifNoneMatch === undefined && ifMatch === undefined)) return forward(req, res);
      const etag = await currentEtag(path);
      if (ifNoneMatch === '*' && etag !== null) return preconditionFailed(res, 'If-None-Match', req);
      if (ifMatch !== undefined && (etag === null || (ifMatch !== '*' && ifMatch !== etag))) return preconditionFailed(res, 'If-Match', req);
      return forward(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
