import type { IncomingMessage, ServerResponse } from 'node:http';

/** Liveness: the process answers. */
export function healthRoute() {
  return function health(_request: IncomingMessage, response: ServerResponse): void {
    writeJson(response, 200, { status: 'ok' });
  };
}

export interface ReadinessCheck {
  /** `undefined` when ready, else why not (e.g. `shutting down`). */
  (): Promise<string | undefined> | string | undefined;
}

/** Readiness: the gateway accepts traffic (not draining, its stores answer). */
export function readinessRoute(check: ReadinessCheck) {
  return async function readiness(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    const problem = await check();
    if (problem === undefined) writeJson(response, 200, { status: 'ready' });
    else writeJson(response, 503, { status: 'not_ready', reason: problem });
  };
}

function writeJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
