import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderSimulator, defaultSimulatorModels, type ProviderSimulator, type ProviderSimulatorOptions } from './index.js';

const hello = [{ role: 'user' as const, content: 'Hello' }];
const running: ProviderSimulator[] = [];

async function start(options: ProviderSimulatorOptions = {}): Promise<{ simulator: ProviderSimulator; client: OpenAI; root: string }> {
  const simulator = createProviderSimulator(options);
  running.push(simulator);
  const { url } = await simulator.listen();
  return { simulator, client: new OpenAI({ baseURL: url, apiKey: 'sk-sim', maxRetries: 0 }), root: url.replace(/\/v1$/, '') };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

function fault(header: string): { headers: Record<string, string> } {
  return { headers: { 'x-simulator-fault': header } };
}

describe('per-request fault header', () => {
  it('answers 429 with retry-after, retry-after-ms and x-ratelimit headers', async () => {
    const { client } = await start();
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: hello }, fault('status=429;retry_after=2')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.headers.get('retry-after')).toBe('2');
    expect(rateLimit.headers.get('retry-after-ms')).toBe('2000');
    expect(rateLimit.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.type).toBe('requests');
  });

  it('cuts a stream after N chunks so SDK iteration throws instead of finishing', async () => {
    const { client } = await start();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o', messages: hello, stream: true, stream_options: { include_usage: true } },
      fault('cut_after_chunks=3'),
    );
    const received: unknown[] = [];
    const outcome = await (async () => {
      for await (const chunk of stream) received.push(chunk);
      return 'finished';
    })().catch((caught: unknown) => caught);
    expect(outcome).toBeInstanceOf(Error);
    expect(received).toHaveLength(3);
  });

  it('cuts a non-streaming body mid-way', async () => {
    const { client } = await start();
    const outcome = await client.chat.completions.create({ model: 'gpt-4o', messages: hello }, fault('cut_after_chunks=1')).catch((caught: unknown) => caught);
    expect(outcome).toBeInstanceOf(Error);
  });

  it('resets the connection before any response', async () => {
    const { client } = await start();
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: hello }, fault('connection=reset')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('delays the first byte through the injected sleep', async () => {
    const sleeps: number[] = [];
    const { client } = await start({ sleep: async (milliseconds) => void sleeps.push(milliseconds) });
    await client.chat.completions.create({ model: 'gpt-4o', messages: hello }, fault('delay_ms=500'));
    expect(sleeps).toEqual([500]);
  });

  it('rejects an unreadable fault header with 400', async () => {
    const { client } = await start();
    const error = await client.chat.completions.create({ model: 'gpt-4o', messages: hello }, fault('status=teapot')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('fault rules', () => {
  it('applies a construction-time rule to the next N matching requests only', async () => {
    const { client, simulator } = await start({ faults: [{ model: 'gpt-4o-mini', times: 1, fault: { status: 503 } }] });
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 503, type: 'server_error' });
    expect((error as Error).message).toContain('overloaded');
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: hello })).resolves.toBeDefined();
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello })).resolves.toBeDefined();
    expect(simulator.stats().faultsInjected).toBe(1);
  });

  it('replaces, lists and clears rules through the control API', async () => {
    const { client, root } = await start();
    const posted = await fetch(`${root}/__simulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ rules: [{ model: 'o1', fault: { status: 500 } }] }),
    });
    expect(posted.status).toBe(200);
    const error = await client.chat.completions.create({ model: 'o1', messages: hello }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 500, type: 'server_error' });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: hello })).resolves.toBeDefined();
    expect(await (await fetch(`${root}/__simulator/faults`)).json()).toEqual({ rules: [{ model: 'o1', fault: { status: 500 } }] });
    expect((await fetch(`${root}/__simulator/faults`, { method: 'DELETE' })).status).toBe(200);
    await expect(client.chat.completions.create({ model: 'o1', messages: hello })).resolves.toBeDefined();
    const stats = (await (await fetch(`${root}/__simulator/stats`)).json()) as { requestsByModel: Record<string, number>; faultsInjected: number };
    expect(stats).toMatchObject({ requestsByModel: { o1: 2, 'gpt-4o': 1 }, faultsInjected: 1 });
    const rejected = await fetch(`${root}/__simulator/faults`, { method: 'POST', body: JSON.stringify([{ fault: { status: 'x' } }]) });
    expect(rejected.status).toBe(400);
  });

  it('applies probabilistic rules from the seeded random, reproducibly', async () => {
    async function failurePattern(): Promise<string> {
      const { client, simulator } = await start({ randomSeed: 7 });
      simulator.setFaults([{ probability: 0.5, fault: { status: 500 } }]);
      let pattern = '';
      for (let attempt = 0; attempt < 24; attempt++) {
        const outcome = await client.chat.completions.create({ model: 'gpt-4o', messages: hello }).then(() => '.', () => 'x');
        pattern += outcome;
      }
      return pattern;
    }
    const first = await failurePattern();
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await failurePattern()).toBe(first);
  });
});

describe('latency', () => {
  it('waits time-to-first-token, then paces stream chunks at tokens per second', async () => {
    const sleeps: number[] = [];
    const models = { ...defaultSimulatorModels, 'gpt-4o': { kind: 'chat' as const, timeToFirstTokenMs: 200, tokensPerSecond: 100 } };
    const { client } = await start({ models, tokensPerChunk: 2, sleep: async (milliseconds) => void sleeps.push(milliseconds) });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: hello, stream: true, max_tokens: 6 });
    let contentChunks = 0;
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) contentChunks += 1;
    expect(contentChunks).toBe(3);
    expect(sleeps).toEqual([200, 20, 20, 20]);

    sleeps.length = 0;
    await client.chat.completions.create({ model: 'gpt-4o', messages: hello, max_tokens: 6 });
    expect(sleeps).toEqual([260]);
  });
});
