import type { IncomingMessage, ServerResponse } from 'node:http';

/** `GET /v1/models`: the logical model names clients may ask for, OpenAI list-shaped. */
export function modelsRoute(modelNames: readonly string[], createdSeconds: number) {
  const payload = JSON.stringify({
    object: 'list',
    data: modelNames.map((id) => ({ id, object: 'model', created: createdSeconds, owned_by: 'tollgate' })),
  });
  return function models(_request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    response.end(payload);
  };
}
