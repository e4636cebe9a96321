import { createServer, type Server } from 'node:http';

/** A stand-in for a shop: serves HTML pages from memory on its own 127.0.0.1 origin. */
export interface HostServer {
  /** `http://127.0.0.1:PORT`, the origin the Worker's ALLOWED_ORIGINS must name. */
  origin: string;
  /** Serves `html` at `path` (replacing what was there); returns the page's URL. */
  page(path: string, html: string): string;
  close(): Promise<void>;
}

/** Starts the shop server on a free port. */
export async function startHostServer(): Promise<HostServer> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get(new URL(req.url ?? '/', 'http://host').pathname);
    if (html === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    page(path, html) {
      pages.set(path, html);
      return origin + path;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
