import { createServer, type Server } from 'node:http';
import { Pool } from 'undici';

/**
 * The benchmark's floor: a bare pass-through proxy (`node:http` in, an undici Pool out, no
 * parsing, no policy). Whatever Tollgate adds is measured against this.
 */
export function createPassThroughProxy(upstreamOrigin: string): { server: Server; close(): Promise<void> } {
  const pool = new Pool(upstreamOrigin, { connections: 256, keepAliveTimeout: 30_000 });
  const server = createServer((request, response) => {
    pool
      .request({
        path: request.url ?? '/',
        method: (request.method ?? 'GET') as 'GET',
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json', authorization: request.headers.authorization ?? '' },
        body: request.method === 'GET' ? null : request,
      })
      .then(
        async (upstream) => {
          response.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
          for await (const chunk of upstream.body) response.write(chunk);
          response.end();
        },
        (error: unknown) => {
          response.writeHead(502);
          response.end(String(error));
        },
      );
  });
  server.keepAliveTimeout = 65_000;
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.close();
    },
  };
}
