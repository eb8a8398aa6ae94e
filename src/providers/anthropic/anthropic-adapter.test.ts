import { describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import type { ChatRequestBody } from '../../core/chat-request.js';
import type { ModelRequest } from '../../core/model-call.js';
import { usageOf } from '../../core/usage.js';
import {
  fixtureApiKey,
  fixtureClock,
  lastSentBody,
  modelRequest,
  readFixture,
  useAnthropicReplay,
} from './__fixtures__/anthropic-replay.js';
import { anthropicProvider } from './anthropic-provider.js';

// generate() against Anthropic's documented Message bodies (see __fixtures__/SOURCES.md).

const weatherQuestion: ChatRequestBody = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'What is the weather like in San Francisco?' }],
};

describe('Anthropic adapter: generate()', () => {
  const replay = useAnthropicReplay();

  async function replayJson(fixture: string): Promise<Buffer> {
    const bytes = await readFixture(fixture);
    replay.server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body: bytes });
    return bytes;
  }

  it('POSTs the translated body to /v1/messages with x-api-key and anthropic-version 2023-06-01', async () => {
    await replayJson('message-text.json');

    await replay.fixtureAdapter.adapter.generate(modelRequest({ ...weatherQuestion, messages: [{ role: 'system', content: 'Be brief.' }, ...weatherQuestion.messages] }));

    const sent = replay.server.received.at(-1);
    expect(sent?.method).toBe('POST');
    // The replay server's base URL ends in /v1; the adapter does not double it.
    expect(sent?.url).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe(fixtureApiKey);
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(lastSentBody(replay.server)).toStrictEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather like in San Francisco?' }],
      system: 'Be brief.',
    });
  });

  it('answers the documented text Message as an OpenAI chat.completion, with disjoint usage and no raw bytes', async () => {
    await replayJson('message-text.json');

    const response = await replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion));

    expect(response.body).toStrictEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'claude-opus-5',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop', logprobs: null, stop_reason: 'end_turn', stop_sequence: null },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
    });
    expect(response.rawBody).toBeUndefined();
    expect(response.usage).toStrictEqual(usageOf({ inputTokens: 12, outputTokens: 6 }));
    expect(response.providerUsage).toStrictEqual({ input_tokens: 12, output_tokens: 6 });
    expect(response.upstreamModel).toBe('claude-opus-5');
  });

  it('answers the documented tool_use Message with tool_calls, and leaves usage unknown when none came', async () => {
    await replayJson('message-tool-use.json');

    const response = await replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion));

    const choice = response.body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.['stop_reason']).toBe('tool_use');
    expect(choice?.message).toStrictEqual({
      role: 'assistant',
      content: "I'll check the current weather in San Francisco for you.",
      tool_calls: [
        { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
      ],
    });
    // This documented body has no usage: unknown, never a made-up 0.
    expect(response.body).not.toHaveProperty('usage');
    expect(response.usage).toStrictEqual(usageOf({}));
    expect(response.providerUsage).toBeUndefined();
  });

  it('answers the documented pre-warm Message (no content, max_tokens) with cache writes in the usage', async () => {
    const bytes = await replayJson('message-prewarm-cache-write.json');
    const recorded = JSON.parse(bytes.toString('utf8')) as { usage: unknown };

    const response = await replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion));

    expect(response.body.choices[0]?.message.content).toBeNull();
    expect(response.body.choices[0]?.finish_reason).toBe('length');
    // prompt = 8 uncached + 0 read + 5,120 written
    expect(response.body.usage).toStrictEqual({ prompt_tokens: 5128, completion_tokens: 0, total_tokens: 5128, prompt_tokens_details: { cached_tokens: 0 } });
    expect(response.usage).toStrictEqual(usageOf({ inputTokens: 8, cacheReadTokens: 0, cacheWrite5mTokens: 5120, cacheWrite1hTokens: 0, outputTokens: 0 }));
    expect(response.providerUsage).toStrictEqual(recorded.usage);
  });

  it('reports what it filled in or dropped in context.warnings, once per request however many attempts', async () => {
    await replayJson('message-text.json');
    const request: ModelRequest = modelRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }], seed: 1 });

    await replay.fixtureAdapter.adapter.generate(request);
    await replay.fixtureAdapter.adapter.generate(request);

    expect(lastSentBody(replay.server)['max_tokens']).toBe(8192);
    expect(request.context.warnings).toStrictEqual([
      'Anthropic requires max_tokens and the request set none; sent max_tokens 8192 (the default for claude-sonnet-4-5)',
      'anthropic-main (Anthropic) does not support seed; not sent',
    ]);
  });

  it.each([
    ['a body that is not JSON', 'Hello!'],
    ['JSON that is not a Message', '{"type":"message"}'],
  ])('turns a 200 with %s into TG_ERR_UPSTREAM_PROTOCOL', async (_label, body) => {
    replay.server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) });

    await expect(replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion))).rejects.toMatchObject({ code: 'TG_ERR_UPSTREAM_PROTOCOL', isRetryable: true });
  });

  it('rejects a request it cannot translate before sending anything', async () => {
    const before = replay.server.received.length;

    await expect(replay.fixtureAdapter.adapter.generate(modelRequest({ ...weatherQuestion, n: 3 }))).rejects.toMatchObject({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', param: 'n' });
    await expect(replay.fixtureAdapter.adapter.stream(modelRequest({ ...weatherQuestion, n: 3 }))).rejects.toMatchObject({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', param: 'n' });
    expect(replay.server.received.length).toBe(before);
  });
});

describe('anthropicProvider', () => {
  const replay = useAnthropicReplay();
  const buildOptions = (baseUrl: string | undefined, dispatcher: Agent, settings: Record<string, string> = {}) => ({
    providerId: 'claude',
    baseUrl,
    apiKey: 'sk-ant-provider',
    headers: { 'anthropic-beta': 'context-1m-2025-08-07' },
    timeoutMs: 5_000,
    dispatcher,
    clock: fixtureClock,
    settings,
  });

  it('is the anthropic kind, priced as anthropic, with a key required and Anthropic\'s URL by default', () => {
    expect(anthropicProvider).toMatchObject({ kind: 'anthropic', defaultBaseUrl: 'https://api.anthropic.com', pricingProviderId: 'anthropic', requiresApiKey: true });
  });

  it('builds an adapter that uses the configured URL, key, extra headers and clock', async () => {
    const dispatcher = new Agent();
    try {
      replay.server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body: await readFixture('message-text.json') });
      const adapter = anthropicProvider.create(buildOptions(new URL(replay.server.baseUrl).origin, dispatcher));

      const response = await adapter.generate(modelRequest(weatherQuestion));

      expect(response.body.created).toBe(1_760_000_000);
      expect(replay.server.received.at(-1)?.url).toBe('/v1/messages');
      expect(replay.server.received.at(-1)?.headers['x-api-key']).toBe('sk-ant-provider');
      expect(replay.server.received.at(-1)?.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    } finally {
      await dispatcher.close();
    }
  });

  it('rejects settings it does not know when it is built, not on a request', async () => {
    const dispatcher = new Agent();
    try {
      expect(() => anthropicProvider.create(buildOptions(undefined, dispatcher, { api_version: '2024-01-01' }))).toThrow(/takes no settings; remove: api_version/);
    } finally {
      await dispatcher.close();
    }
  });
});
