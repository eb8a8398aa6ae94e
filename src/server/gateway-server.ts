import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import { TollgateError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EmbeddingCall } from '../core/embedding-call.js';
import type { ModelCall } from '../core/model-call.js';
import { countTokensRoute } from './anthropic/count-tokens-route.js';
import { messagesRoute } from './anthropic/messages-route.js';
import type { RequestAuthenticator } from './authenticate-request.js';
import { adminKeysRoute, hasMasterKey, type KeyAdministration } from './routes/admin-keys-routes.js';
import { budgetsStateRoute, metricsRoute, resilienceStateRoute, type AdminRouteOptions } from './routes/admin-routes.js';
import { chatCompletionsRoute } from './routes/chat-completions-route.js';
import { embeddingsRoute } from './routes/embeddings-route.js';
import { healthRoute, readinessRoute, type ReadinessCheck } from './routes/health-routes.js';
import { modelsRoute } from './routes/models-route.js';
import { writeErrorResponse } from './write-error.js';

export interface GatewayServerOptions {
  readonly pipeline: ModelCall;
  /** Serves `POST /v1/embeddings`; without it that route answers 404. */
  readonly embeddings?: EmbeddingCall;
  /** Virtual-key authentication for the model routes; without it requests are attributed by headers only. */
  readonly authenticate?: RequestAuthenticator | undefined;
  /** Serves `/admin/keys` (behind the master key); without it that route answers 404. */
  readonly keys?: { readonly administration: KeyAdministration; readonly masterKey: string | undefined } | undefined;
  /** Serves `GET /admin/resilience` and `GET /metrics`; without it those routes answer 404. */
  readonly admin?: AdminRouteOptions;
  readonly modelNames: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  readonly readiness: ReadinessCheck;
}

export interface GatewayServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then closes every socket. */
  drain(timeoutMs: number): Promise<{ unfinished: number }>;
  isDraining(): boolean;
  inFlight(): number;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** The HTTP edge: routing, in-flight tracking and graceful drain. No policy lives here. */
export function createGatewayServer(options: GatewayServerOptions): GatewayServer {
  let draining = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;
  const prefixRoutes: [string, Map<string, Handler>][] = [];
  const routes = new Map<string, Map<string, Handler>>([
    ['/v1/chat/completions', new Map([['POST', chatCompletionsRoute(options)]])],
    ['/v1/messages', new Map([['POST', messagesRoute(options)]])],
    ...(options.embeddings === undefined
      ? []
      : ([['/v1/embeddings', new Map([['POST', embeddingsRoute({ ...options, embeddings: options.embeddings })]])]] as const)),
    ['/v1/messages/count_tokens', new Map([['POST', countTokensRoute(options)]])],
    ['/v1/models', new Map([['GET', modelsRoute(options.modelNames, Math.floor(options.clock.now() / 1000))]])],
    ['/healthz', new Map([['GET', healthRoute()]])],
    ...(options.admin === undefined
      ? []
      : ([
          ['/admin/resilience', new Map([['GET', behindMasterKey(options.keys?.masterKey, resilienceStateRoute(options.admin))]])],
          ...(options.admin.budgetsState === undefined ? [] : [['/admin/budgets', new Map([['GET', behindMasterKey(options.keys?.masterKey, budgetsStateRoute(options.admin.budgetsState))]])] as const]),
          ['/metrics', new Map([['GET', metricsRoute(options.admin)]])],
        ] as const)),
    ['/readyz', new Map([['GET', readinessRoute(async () => (draining ? 'shutting down' : options.readiness()))]])],
  ]);
  if (options.keys !== undefined) {
    const keys = adminKeysRoute({ ...options.keys, clock: options.clock, maxBodyBytes: options.maxBodyBytes });
    routes.set('/admin/keys', new Map([['GET', keys], ['POST', keys]]));
    prefixRoutes.push(['/admin/keys/', new Map([['DELETE', keys]])]);
  }

  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (request, response) => {
    inFlight++;
    if (draining) response.setHeader('connection', 'close');
    response.once('close', () => {
      inFlight--;
      if (inFlight === 0) onIdle?.();
    });
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const methods = routes.get(path) ?? routes.get(path.replace(/\/+$/, '')) ?? prefixRoutes.find(([prefix]) => path.startsWith(prefix))?.[1];
    const handler = methods?.get(request.method ?? 'GET');
    if (handler === undefined) {
      request.resume();
      writeErrorResponse(
        response,
        methods === undefined
          ? new TollgateError({ code: 'TG_ERR_NOT_FOUND', message: `No route for ${request.method ?? ''} ${path}. Tollgate serves POST /v1/chat/completions, POST /v1/embeddings, POST /v1/messages, POST /v1/messages/count_tokens and GET /v1/models.` })
          : new TollgateError({ code: 'TG_ERR_METHOD_NOT_ALLOWED', message: `${path} accepts ${[...methods.keys()].join(', ')}, not ${request.method ?? ''}.` }),
      );
      return;
    }
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      options.logger.error('unhandled route failure', { path, error: error instanceof Error ? error.message : String(error) });
      writeErrorResponse(response, error);
    });
  });
  server.on('clientError', (error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy(error);
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          resolve({ port: address.port, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` });
        });
      });
    },
    async drain(timeoutMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          onIdle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const unfinished = inFlight;
      server.closeAllConnections();
      await closed;
      return { unfinished };
    },
    isDraining: () => draining,
    inFlight: () => inFlight,
  };
}

type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/**
 * Admin state behind the master key once one is configured (without one, as before, it is open:
 * the operator chose not to protect the admin surface).
 */
function behindMasterKey(masterKey: string | undefined, handler: RouteHandler): RouteHandler {
  if (masterKey === undefined) return handler;
  return function masterKeyOnly(request, response) {
    if (hasMasterKey(request, masterKey)) return handler(request, response);
    request.resume();
    writeErrorResponse(response, new TollgateError({ code: 'TG_ERR_ADMIN_AUTH', message: 'The admin API needs the master key: Authorization: Bearer <auth.master_key>.' }));
  };
}
