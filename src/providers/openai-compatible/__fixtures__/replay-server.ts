import { afterAll, beforeAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import type { ChatRequestBody } from '../../../core/chat-request.js';
import type { ModelCall, ModelRequest } from '../../../core/model-call.js';
import { makeModelRequest } from '../../../testing/model-request-fixture.js';
import { createOpenAICompatibleAdapter } from '../openai-compatible-adapter.js';

/** Test support only (excluded from the build with the rest of `__fixtures__/`). */

/** What the replay server received. */
export interface ReceivedRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The next answer: a status, headers and a fixture's exact bytes. */
export interface Replay {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** `end` (default) finishes the response; `hold` writes `body` and keeps it open until `cutOpenResponses()`; `silent` never answers. */
  readonly ending?: 'end' | 'hold' | 'silent';
  /** Called once the request has been read completely, before any answer. */
  readonly onRequest?: () => void;
}

export interface ReplayServer {
  readonly baseUrl: string;
  readonly received: ReceivedRequest[];
  /** Sets the answer for every following request. */
  replay(next: Replay): void;
  /** Destroys the sockets of held responses: the client sees the stream break off. */
  cutOpenResponses(): void;
  close(): Promise<void>;
}

export async function startReplayServer(): Promise<ReplayServer> {
  const received: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  let next: Replay = { status: 500, body: Buffer.from('no replay set') };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const replay = next;
      received.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks) });
      replay.onRequest?.();
      const ending = replay.ending ?? 'end';
      if (ending === 'silent') return;
      response.writeHead(replay.status, { ...replay.headers });
      if (ending === 'hold') {
        response.write(replay.body);
        held.push(response);
      } else {
        response.end(replay.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    received,
    replay(replay) {
      next = replay;
    },
    cutOpenResponses() {
      for (const response of held.splice(0)) response.socket?.destroy();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** A port that was free a moment ago and has nothing listening now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function readFixture(name: string): Promise<Buffer> {
  return readFile(new URL(`./${name}`, import.meta.url));
}

/** The data of each SSE event in a recorded stream, split by hand so the adapter's parser is not the oracle. */
export function sseEventData(stream: Buffer): string[] {
  return stream
    .toString('utf8')
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      if (!event.startsWith('data: ')) throw new Error(`unexpected SSE event: ${event.slice(0, 40)}`);
      return event.slice('data: '.length);
    });
}

export interface FixtureAdapter {
  readonly adapter: ModelCall;
  close(): Promise<void>;
}

export function createFixtureAdapter(baseUrl: string): FixtureAdapter {
  const dispatcher = new Agent();
  const adapter = createOpenAICompatibleAdapter({ providerId: 'openai', baseUrl, apiKey: 'sk-test', dispatcher, timeoutMs: 5_000 });
  return { adapter, close: () => dispatcher.close() };
}

export interface ModelRequestOptions {
  readonly rawBody?: Uint8Array;
  readonly signal?: AbortSignal;
}

export function modelRequest(body: ChatRequestBody, options: ModelRequestOptions = {}): ModelRequest {
  return makeModelRequest(body, options);
}

/**
 * Starts a replay server and an adapter pointed at it (built by `createAdapter`, the OpenAI one by
 * default) before the suite's tests and closes both after; read them through the returned object.
 */
export function useReplayAdapter(
  createAdapter: (baseUrl: string) => FixtureAdapter = createFixtureAdapter,
): { readonly server: ReplayServer; readonly fixtureAdapter: FixtureAdapter } {
  let server: ReplayServer | undefined;
  let fixtureAdapter: FixtureAdapter | undefined;
  beforeAll(async () => {
    server = await startReplayServer();
    fixtureAdapter = createAdapter(server.baseUrl);
  });
  afterAll(async () => {
    await fixtureAdapter?.close();
    await server?.close();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('the replay server starts in beforeAll');
      return server;
    },
    get fixtureAdapter() {
      if (fixtureAdapter === undefined) throw new Error('the replay adapter starts in beforeAll');
      return fixtureAdapter;
    },
  };
}
