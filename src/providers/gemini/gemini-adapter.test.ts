import { describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import { usageOf } from '../../core/usage.js';
import { makeModelRequest } from '../../testing/model-request-fixture.js';
import { startReplayServer } from '../openai-compatible/__fixtures__/replay-server.js';
import { geminiProvider } from './gemini-provider.js';
import { readGeminiFixture, readGeminiJson, testApiKey, testClock, useGeminiReplay } from './__fixtures__/gemini-replay.js';

// generate() against recorded Gemini responses replayed by a local node:http server.

const question: ChatRequestBody = {
  model: 'gemini-2.5-flash',
  messages: [
    { role: 'system', content: 'Answer in one word.' },
    { role: 'user', content: 'Where is Google headquartered?' },
  ],
  temperature: 0,
};

const jsonHeaders = { 'content-type': 'application/json; charset=UTF-8' };

describe('Gemini adapter: generate()', () => {
  const replay = useGeminiReplay();

  it('POSTs the translated request to models/<model>:generateContent with the key in x-goog-api-key', async () => {
    replay.server.replay({ status: 200, headers: jsonHeaders, body: await readGeminiFixture('generate-content-thinking.json') });

    await replay.adapter.generate(makeModelRequest(question));

    const received = replay.server.received.at(-1);
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/v1/models/gemini-2.5-flash:generateContent');
    expect(received?.headers['x-goog-api-key']).toBe(testApiKey);
    expect(received?.headers['authorization']).toBeUndefined();
    expect(received?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received?.body.toString('utf8') ?? '{}')).toStrictEqual({
      contents: [{ role: 'user', parts: [{ text: 'Where is Google headquartered?' }] }],
      systemInstruction: { parts: [{ text: 'Answer in one word.' }] },
      generationConfig: { temperature: 0 },
    });
  });

  it('returns the OpenAI body, the normalised usage and Gemini usageMetadata verbatim, never raw bytes', async () => {
    replay.server.replay({ status: 200, headers: jsonHeaders, body: await readGeminiFixture('generate-content-thinking.json') });
    const recorded = (await readGeminiJson('generate-content-thinking.json')) as { usageMetadata: unknown };

    const response = await replay.adapter.generate(makeModelRequest(question));

    expect(response.rawBody).toBeUndefined();
    expect(response.upstreamModel).toBe('gemini-2.5-flash');
    expect(response.providerUsage).toStrictEqual(recorded.usageMetadata);
    expect(response.usage).toStrictEqual(usageOf({ inputTokens: 14, cacheReadTokens: 0, outputTokens: 2, reasoningTokens: 24 }));
    expect(response.body).toMatchObject({
      id: '2pmHaJqQEoqC-8YP6eStyAY',
      object: 'chat.completion',
      created: Math.floor(testClock.now() / 1000),
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Mountain View' }, finish_reason: 'stop' }],
    });
  });

  it('names the requested model when Gemini sends no modelVersion, and strips a models/ prefix from the path', async () => {
    replay.server.replay({ status: 200, headers: jsonHeaders, body: await readGeminiFixture('generate-content-parallel-function-calls.json') });

    const response = await replay.adapter.generate(makeModelRequest({ ...question, model: 'models/gemini-2.0-flash' }));

    expect(replay.server.received.at(-1)?.url).toBe('/v1/models/gemini-2.0-flash:generateContent');
    expect(response.upstreamModel).toBe('models/gemini-2.0-flash');
    expect(response.body.id).toMatch(/^chatcmpl-test-\d+$/);
    expect(response.usage).toStrictEqual(usageOf({}));
    expect(response.providerUsage).toBeUndefined();
  });

  it('adds what Gemini cannot honour to context.warnings, prefixed with the provider id', async () => {
    replay.server.replay({ status: 200, headers: jsonHeaders, body: await readGeminiFixture('generate-content-text.json') });
    const request = makeModelRequest({ ...question, logprobs: true, logit_bias: { '1': 2 } });

    await replay.adapter.generate(request);

    expect(request.context.warnings).toStrictEqual(['gemini: logprobs, logit_bias are not supported by Gemini; not sent']);
    const sent = JSON.parse(replay.server.received.at(-1)?.body.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(Object.keys(sent)).not.toContain('logprobs');
  });

  it('rejects a request it cannot translate before sending anything', async () => {
    const before = replay.server.received.length;
    const request = makeModelRequest({ ...question, messages: [{ role: 'user', content: [{ type: 'video_url', video_url: 'x' }] }] });

    await expect(replay.adapter.generate(request)).rejects.toMatchObject({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', status: 400 });
    await expect(replay.adapter.stream(request)).rejects.toBeInstanceOf(TollgateError);
    expect(replay.server.received.length).toBe(before);
  });
});

describe('geminiProvider', () => {
  it('is the gemini kind, priced as google, needing an API key', () => {
    expect(geminiProvider).toMatchObject({
      kind: 'gemini',
      defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
      pricingProviderId: 'google',
      requiresApiKey: true,
    });
  });

  it('builds an adapter that sends to the configured base URL', async () => {
    const server = await startReplayServer();
    const dispatcher = new Agent();
    try {
      server.replay({ status: 200, headers: jsonHeaders, body: await readGeminiFixture('generate-content-text.json') });
      const call = geminiProvider.create({
        providerId: 'google-ai',
        baseUrl: `${server.baseUrl}beta/`,
        apiKey: 'configured-key',
        headers: { 'x-extra': 'yes' },
        timeoutMs: 5_000,
        dispatcher,
        clock: testClock,
        settings: {},
      });
      const response = await call.generate(makeModelRequest(question));
      expect(server.received[0]?.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
      expect(server.received[0]?.headers['x-goog-api-key']).toBe('configured-key');
      expect(server.received[0]?.headers['x-extra']).toBe('yes');
      expect(response.body.choices[0]?.message.content).toContain('Mountain View');
    } finally {
      await dispatcher.close();
      await server.close();
    }
  });
});
