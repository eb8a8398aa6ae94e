import { readFile } from 'node:fs/promises';
import { Agent } from 'undici';
import type { Clock } from '../../../core/clock.js';
import type { ModelCall } from '../../../core/model-call.js';
import type { StreamPart } from '../../../core/stream-part.js';
import { useReplayAdapter, type ReplayServer } from '../../openai-compatible/__fixtures__/replay-server.js';
import { createGeminiAdapter } from '../gemini-adapter.js';

/** Test support only (excluded from the build with the rest of `__fixtures__/`). */

export const testApiKey = 'test-gemini-key-not-real';

/** 2025-06-15T15:20:00Z; `created` is this in seconds. */
export const testClock: Clock = { now: () => 1_750_000_800_000, monotonic: () => 0 };
export const testCreated = 1_750_000_800;

export function readGeminiFixture(name: string): Promise<Buffer> {
  return readFile(new URL(`./${name}`, import.meta.url));
}

export async function readGeminiJson(name: string): Promise<unknown> {
  return JSON.parse((await readGeminiFixture(name)).toString('utf8')) as unknown;
}

/** A Gemini adapter with deterministic ids (`chatcmpl-test-1`, `-2`, …) against `baseUrl`. */
export function createTestGeminiAdapter(baseUrl: string): { readonly adapter: ModelCall; close(): Promise<void> } {
  const dispatcher = new Agent();
  let ids = 0;
  const adapter = createGeminiAdapter({
    providerId: 'gemini',
    baseUrl,
    apiKey: testApiKey,
    dispatcher,
    clock: testClock,
    timeoutMs: 5_000,
    generateId: () => `chatcmpl-test-${++ids}`,
  });
  return { adapter, close: () => dispatcher.close() };
}

/** A replay server and a Gemini adapter pointed at it, for the suite; read them inside tests. */
export function useGeminiReplay(): { readonly server: ReplayServer; readonly adapter: ModelCall } {
  const replay = useReplayAdapter(createTestGeminiAdapter);
  return {
    get server() {
      return replay.server;
    },
    get adapter() {
      return replay.fixtureAdapter.adapter;
    },
  };
}

export async function collectParts(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export function partsOfType<T extends StreamPart['type']>(parts: readonly StreamPart[], type: T): Extract<StreamPart, { type: T }>[] {
  return parts.filter((part): part is Extract<StreamPart, { type: T }> => part.type === type);
}
