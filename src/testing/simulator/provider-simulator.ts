/**
 * The provider simulator: an HTTP server for tests, demos and the latency benchmark that
 * speaks three wire formats (OpenAI chat completions, Anthropic Messages, Google Gemini),
 * counts tokens, and injects faults on demand. See index.ts for the public surface.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAnthropicErrors } from './anthropic-error.js';
import { createAnthropicPromptCache } from './anthropic-prompt-cache.js';
import { createAnthropicPromptTokenizer } from './anthropic-prompt.js';
import { createCachedEncoder } from './cached-encoder.js';
import { parseJsonBody } from './chat-request.js';
import { createFaultSchedule, type FaultRule, parseFaultRules } from './fault-schedule.js';
import { createGeminiPromptTokenizer } from './gemini-prompt.js';
import { invalidApiKeyError, simulatorError } from './openai-error.js';
import { createPromptCacheTracker } from './prompt-cache-tracker.js';
import { createPromptTokenizer } from './prompt-tokenizer.js';
import { createResponseTemplateCache } from './response-template-cache.js';
import { createSeededRandom, hashInteger } from './seeded-random.js';
import { handleChatCompletion, handleEmbeddings, routeProviderApi, type SimulatorRuntime } from './simulator-handlers.js';
import { createModelResolver, defaultSimulatorModels, type SimulatorModelTable } from './simulator-models.js';
import { BodyTooLargeError, hasBearerToken, readBody, sendError, sendJson } from './simulator-http.js';
import { createTextGenerator } from './text-generator.js';

export interface ProviderSimulatorOptions {
  /** The model table; replaces the defaults (spread `defaultSimulatorModels` to extend them). */
  readonly models?: SimulatorModelTable;
  /** Also answer for names outside the table: `true` for any name, or a glob such as `"sim-*"`. */
  readonly acceptAnyModel?: boolean | string;
  /** Fault rules active from the start (the control API can replace them). */
  readonly faults?: readonly FaultRule[];
  /** Milliseconds since the epoch; `created` fields derive from it. Default `Date.now`. */
  readonly now?: () => number;
  /** Waits used for latency simulation. Default: a real timer. */
  readonly sleep?: (milliseconds: number) => Promise<void>;
  /** Seeds response ids and probabilistic faults. Default 1. */
  readonly randomSeed?: number;
  /** Output tokens per streamed content chunk. Default 3. */
  readonly tokensPerChunk?: number;
  /** Prefixes remembered per API for prompt caching (see prompt-cache-tracker.ts, anthropic-prompt-cache.ts). Default 65536. */
  readonly promptCacheCapacity?: number;
  /** Receives one line per notable event (faults, control API calls). Default: silent. */
  readonly log?: (line: string) => void;
}

export interface SimulatorStats {
  readonly totalRequests: number;
  /** Model requests (chat, embeddings, messages, count_tokens, generateContent, countTokens) per requested model name (valid bodies only). */
  readonly requestsByModel: Readonly<Record<string, number>>;
  readonly faultsInjected: number;
}

export interface ListeningAddress {
  readonly port: number;
  readonly host: string;
  /** Base URL for an OpenAI client, ending in `/v1`. */
  readonly url: string;
  /** `http://host:port`, the base URL for an Anthropic or Gemini client (their paths include the version). */
  readonly origin: string;
}

export interface ProviderSimulator {
  readonly server: Server;
  listen(port?: number, host?: string): Promise<ListeningAddress>;
  /** Stops accepting connections; in-flight responses get `graceMilliseconds` (default 1000) to finish. */
  close(graceMilliseconds?: number): Promise<void>;
  setFaults(rules: readonly FaultRule[]): void;
  stats(): SimulatorStats;
}

export function createProviderSimulator(options: ProviderSimulatorOptions = {}): ProviderSimulator {
  const models = options.models ?? defaultSimulatorModels;
  const tokensPerChunk = options.tokensPerChunk ?? 3;
  if (!Number.isInteger(tokensPerChunk) || tokensPerChunk < 1) throw new RangeError('tokensPerChunk must be a positive integer');
  const seed = options.randomSeed ?? 1;
  const log = options.log ?? (() => {});
  const encodeCached = createCachedEncoder(32_000_000);
  const faultSchedule = createFaultSchedule(options.faults ?? [], createSeededRandom(hashInteger(seed, 0xfa017)));
  const counters = { totalRequests: 0, faultsInjected: 0, requestsByModel: new Map<string, number>() };
  const now = options.now ?? Date.now;
  const idRandom = createSeededRandom(seed);
  const runtime: SimulatorRuntime = {
    resolveModel: createModelResolver({ models, acceptAnyModel: options.acceptAnyModel }),
    tokenizePrompt: createPromptTokenizer(encodeCached),
    encodeCached,
    promptCache: createPromptCacheTracker({ capacity: options.promptCacheCapacity }),
    textGenerator: createTextGenerator(),
    templates: createResponseTemplateCache(),
    faultSchedule,
    idRandom,
    now,
    sleep: options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds))),
    tokensPerChunk,
    log,
    anthropicErrors: createAnthropicErrors(idRandom, now),
    tokenizeAnthropicPrompt: createAnthropicPromptTokenizer(encodeCached),
    anthropicPromptCache: createAnthropicPromptCache({ now, capacity: options.promptCacheCapacity }),
    tokenizeGeminiPrompt: createGeminiPromptTokenizer(encodeCached),
    geminiPromptCache: createPromptCacheTracker({ capacity: options.promptCacheCapacity }),
    countModel(model) {
      counters.requestsByModel.set(model, (counters.requestsByModel.get(model) ?? 0) + 1);
    },
    countFault() {
      counters.faultsInjected += 1;
    },
  };
  const openAiModels = Object.entries(models).filter(([, profile]) => (profile.api ?? 'openai') === 'openai');
  const modelListBody = JSON.stringify({
    object: 'list',
    data: openAiModels.map(([id, profile]) => ({ id, object: 'model', created: profile.createdAt ?? 1700000000, owned_by: 'system' })),
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (path.startsWith('/__simulator/')) return routeControl(method, path, request, response);
    counters.totalRequests += 1;
    const routeKey = `${method} ${path}`;
    const known = routeKey === 'POST /v1/chat/completions' || routeKey === 'POST /v1/embeddings' || (method === 'GET' && path.startsWith('/v1/models'));
    if (!known) {
      if (await routeProviderApi(runtime, method, url, path, request, response)) return;
      return sendError(response, simulatorError(404, `Invalid URL (${method} ${path})`));
    }
    if (!hasBearerToken(request)) return sendError(response, invalidApiKeyError());
    if (method === 'GET') return routeModels(path, response);
    const bodyText = await readBody(request);
    const parsed = parseJsonBody(bodyText);
    if (!parsed.ok) return sendError(response, parsed.error);
    const handler = routeKey === 'POST /v1/embeddings' ? handleEmbeddings : handleChatCompletion;
    return handler(runtime, { body: parsed.value, bodyText, request, response });
  }

  function routeModels(path: string, response: ServerResponse): void {
    if (path === '/v1/models') return sendJson(response, 200, modelListBody);
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    const profile = Object.hasOwn(models, id) ? models[id] : undefined;
    if (profile === undefined || (profile.api ?? 'openai') !== 'openai') return sendError(response, simulatorError(404, `The model '${id}' does not exist`, { param: 'model', code: 'model_not_found' }));
    sendJson(response, 200, JSON.stringify({ id, object: 'model', created: profile.createdAt ?? 1700000000, owned_by: 'system' }));
  }

  async function routeControl(method: string, path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (path === '/__simulator/stats' && method === 'GET') return sendJson(response, 200, JSON.stringify(stats()));
    if (path === '/__simulator/faults' && method === 'GET') return sendJson(response, 200, JSON.stringify({ rules: faultSchedule.rules() }));
    if (path === '/__simulator/faults' && method === 'DELETE') {
      faultSchedule.replace([]);
      log('[simulator] fault rules cleared');
      return sendJson(response, 200, JSON.stringify({ rules: [] }));
    }
    if (path === '/__simulator/faults' && method === 'POST') {
      const body = parseJsonBodyOrArray(await readBody(request));
      const rules = body === undefined ? undefined : parseFaultRules(body);
      if (rules === undefined) return sendError(response, simulatorError(400, 'Fault rules must be JSON.'));
      if (!rules.ok) return sendError(response, rules.error);
      faultSchedule.replace(rules.value);
      log(`[simulator] fault rules replaced (${rules.value.length})`);
      return sendJson(response, 200, JSON.stringify({ rules: faultSchedule.rules() }));
    }
    sendError(response, simulatorError(404, `Invalid URL (${method} ${path})`));
  }

  function stats(): SimulatorStats {
    return {
      totalRequests: counters.totalRequests,
      requestsByModel: Object.fromEntries(counters.requestsByModel),
      faultsInjected: counters.faultsInjected,
    };
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, function providerSimulatorRequest(request, response) {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof BodyTooLargeError) return sendError(response, simulatorError(413, error.message));
      log(`[simulator] internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      sendError(response, simulatorError(500, 'The simulator failed while processing your request.', { type: 'server_error' }));
    });
  });
  server.headersTimeout = 66_000;

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          const origin = `http://${urlHost}:${address.port}`;
          resolve({ port: address.port, host: address.address, url: `${origin}/v1`, origin });
        });
      });
    },
    close(graceMilliseconds = 1000) {
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        // Stop accepting, drop idle keep-alive sockets, let in-flight responses finish briefly.
        const forceTimer = setTimeout(() => server.closeAllConnections(), graceMilliseconds);
        forceTimer.unref();
        server.close((error) => {
          clearTimeout(forceTimer);
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeIdleConnections();
      });
    },
    setFaults: (rules) => faultSchedule.replace(rules),
    stats,
  };
}

function parseJsonBodyOrArray(bodyText: string): unknown {
  try {
    return JSON.parse(bodyText) as unknown;
  } catch {
    return undefined;
  }
}

