import { readFile } from 'node:fs/promises';
import { Agent } from 'undici';
import type { ChatRequestBody } from '../../../core/chat-request.js';
import type { Clock } from '../../../core/clock.js';
import type { ModelCall, ModelRequest, ModelStream } from '../../../core/model-call.js';
import type { StreamPart } from '../../../core/stream-part.js';
import { makeModelRequest, type ModelRequestFixtureOptions } from '../../../testing/model-request-fixture.js';
import { closedPort, useReplayAdapter, type ReplayServer } from '../../openai-compatible/__fixtures__/replay-server.js';
import { createAnthropicAdapter } from '../anthropic-adapter.js';

/** Test support only (excluded from the build with the rest of `__fixtures__/`). */

export { closedPort };

/** Wall clock of every fixture adapter: 1,760,000,000.999 s, so `created` is 1760000000. */
export const fixtureClock: Clock = Object.freeze({ now: () => 1_760_000_000_999, monotonic: () => 0 });

export const fixtureApiKey = 'sk-ant-api03-test-key-never-echoed';

export function readFixture(name: string): Promise<Buffer> {
  return readFile(new URL(`./${name}`, import.meta.url));
}

export async function readJsonFixture<T>(name: string): Promise<T> {
  return JSON.parse((await readFixture(name)).toString('utf8')) as T;
}

export interface FixtureAdapter {
  readonly adapter: ModelCall;
  close(): Promise<void>;
}

/** `baseUrl` may end in `/v1` (the replay server's does): the adapter does not double it. */
export function createFixtureAdapter(baseUrl: string, headers: Readonly<Record<string, string>> = {}): FixtureAdapter {
  const dispatcher = new Agent();
  const adapter = createAnthropicAdapter({
    providerId: 'anthropic-main',
    baseUrl,
    apiKey: fixtureApiKey,
    headers,
    dispatcher,
    clock: fixtureClock,
    timeoutMs: 5_000,
  });
  return { adapter, close: () => dispatcher.close() };
}

export function modelRequest(body: ChatRequestBody, options: ModelRequestFixtureOptions = {}): ModelRequest {
  return makeModelRequest(body, options);
}

export async function collect(stream: ModelStream): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export function partsOfType<T extends StreamPart['type']>(parts: StreamPart[], type: T): Extract<StreamPart, { type: T }>[] {
  return parts.filter((part): part is Extract<StreamPart, { type: T }> => part.type === type);
}

/** The JSON body of the last request the replay server received. */
export function lastSentBody(server: ReplayServer): Record<string, unknown> {
  return JSON.parse(server.received.at(-1)?.body.toString('utf8') ?? '{}') as Record<string, unknown>;
}

/** A replay server and an Anthropic adapter pointed at it, for the tests of one suite. */
export function useAnthropicReplay(): { readonly server: ReplayServer; readonly fixtureAdapter: FixtureAdapter } {
  return useReplayAdapter((baseUrl) => createFixtureAdapter(baseUrl));
}
