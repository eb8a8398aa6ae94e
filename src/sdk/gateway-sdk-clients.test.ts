import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import Anthropic from '@anthropic-ai/sdk';
import { generateText, streamText, tool, stepCountIs } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

/**
 * The official Anthropic SDK and the Vercel AI SDK, unchanged, against a running gateway whose
 * logical models route to three different simulated providers: `gpt-4o-mini` (OpenAI wire),
 * `claude` (Anthropic wire) and `gemini-flash` (Gemini wire).
 */
const routedModels = [
  ['gpt-4o-mini', 'openai'],
  ['claude', 'anthropic'],
  ['gemini-flash', 'gemini'],
] as const;

describe('drop-in clients across providers', () => {
  let harness: GatewayHarness;
  let anthropic: Anthropic;
  beforeAll(async () => {
    harness = await startGatewayHarness();
    anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'client-key', maxRetries: 0 });
  });
  afterAll(async () => harness.close());

  async function ledgerRowFor(requestId: string | null) {
    const rows = (await harness.ledgerRows()).filter((row) => row.requestId === requestId);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  for (const [model, provider] of routedModels) {
    it(`@anthropic-ai/sdk messages.create → ${model} (${provider})`, async () => {
      const { data, response } = await anthropic.messages
        .create({ model, max_tokens: 1024, messages: [{ role: 'user', content: 'Say hello in five words.' }] })
        .withResponse();
      expect(data.type).toBe('message');
      const text = data.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      expect(text.length).toBeGreaterThan(0);
      const row = await ledgerRowFor(response.headers.get('x-tollgate-request-id'));
      expect(row).toMatchObject({ providerId: provider, endpoint: '/v1/messages', status: 'ok' });
      expect(row.costNanos).toBeGreaterThan(0);
      expect(data.usage.input_tokens).toBe(row.inputTokens);
    });

    it(`@anthropic-ai/sdk messages.stream → ${model} (${provider})`, async () => {
      const stream = anthropic.messages.stream({ model, max_tokens: 1024, messages: [{ role: 'user', content: 'Count to three.' }] });
      let streamed = '';
      stream.on('text', (delta) => (streamed += delta));
      const message = await stream.finalMessage();
      const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      expect(text).toBe(streamed);
      expect(text.length).toBeGreaterThan(0);
      expect(message.usage.output_tokens).toBeGreaterThan(0);
      expect(message.stop_reason).toMatch(/end_turn|max_tokens/);
    });

    it(`Vercel ai + @ai-sdk/openai openai.chat(${model}) → ${provider}: generateText, streamText, tools`, async () => {
      const openai = createOpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'client-key' });
      const generated = await generateText({ model: openai.chat(model), prompt: 'Write one sentence about rivers.', maxRetries: 0 });
      expect(generated.text.length).toBeGreaterThan(0);
      expect(generated.usage.inputTokens).toBeGreaterThan(0);

      const streamed = streamText({ model: openai.chat(model), prompt: 'Write one sentence about lakes.', maxRetries: 0 });
      let text = '';
      for await (const delta of streamed.textStream) text += delta;
      expect(text.length).toBeGreaterThan(0);
      expect((await streamed.usage).outputTokens).toBeGreaterThan(0);

      const withTools = await generateText({
        model: openai.chat(model),
        prompt: 'What is the weather in Paris?',
        tools: { get_weather: tool({ description: 'Current weather', inputSchema: z.object({ city: z.string() }) }) },
        toolChoice: 'required',
        stopWhen: stepCountIs(1),
        maxRetries: 0,
      });
      expect(withTools.toolCalls[0]?.toolName).toBe('get_weather');
      expect(withTools.toolCalls[0]?.input).toHaveProperty('city');
    });

    it(`Vercel ai + @ai-sdk/anthropic anthropic(${model}) → ${provider}: generateText and streamText`, async () => {
      const viaAnthropic = createAnthropic({ baseURL: `${harness.url}/v1`, apiKey: 'client-key' });
      const generated = await generateText({ model: viaAnthropic(model), prompt: 'Write one sentence about hills.', maxRetries: 0 });
      expect(generated.text.length).toBeGreaterThan(0);
      expect(generated.usage.inputTokens).toBeGreaterThan(0);
      const streamed = streamText({ model: viaAnthropic(model), prompt: 'Write one sentence about valleys.', maxRetries: 0 });
      let text = '';
      for await (const delta of streamed.textStream) text += delta;
      expect(text.length).toBeGreaterThan(0);
    });
  }
});
