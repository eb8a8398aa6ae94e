import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { encode } from 'gpt-tokenizer';
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator, type ProviderSimulatorOptions } from './index.js';

const running: ProviderSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

async function start(options: ProviderSimulatorOptions = {}): Promise<Anthropic> {
  const simulator = createProviderSimulator(options);
  running.push(simulator);
  const { origin } = await simulator.listen();
  return new Anthropic({ baseURL: origin, apiKey: 'x', maxRetries: 0 });
}

const manual = 'The steady river crosses the valley and feeds every garden on its way. '.repeat(100);
const appendix = 'Each careful teacher answers the question with a clear and simple story. '.repeat(60);
const manualTokens = encode(manual).length;
const humanHeaderTokens = encode('\n\nHuman: ').length;
const question: MessageParam[] = [{ role: 'user', content: 'Summarize the manual.' }];

function cachedSystem(ttl?: '5m' | '1h'): TextBlockParam[] {
  return [{ type: 'text', text: manual, cache_control: ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl } }];
}

describe('Anthropic prompt caching', () => {
  it('writes the prefix up to the breakpoint once, then reads exactly that many tokens', async () => {
    const client = await start();
    const request = { model: 'claude-opus-4-1', max_tokens: 200, system: cachedSystem(), messages: question };
    const { input_tokens: total } = await client.messages.countTokens({ model: 'claude-opus-4-1', system: cachedSystem(), messages: question });
    expect(manualTokens).toBeGreaterThan(1024);

    const first = await client.messages.create(request);
    expect(first.usage).toMatchObject({
      input_tokens: total - manualTokens,
      cache_creation_input_tokens: manualTokens,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: manualTokens, ephemeral_1h_input_tokens: 0 },
    });
    const second = await client.messages.create(request);
    expect(second.usage).toMatchObject({
      input_tokens: total - manualTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: manualTokens,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    });
    const streamed = await client.messages.stream(request).finalMessage();
    expect(streamed.usage).toMatchObject({ input_tokens: total - manualTokens, cache_read_input_tokens: manualTokens, cache_creation_input_tokens: 0 });
  });

  it('splits writes by TTL and extends a cached prefix with a later breakpoint', async () => {
    const client = await start();
    const messages: MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: appendix, cache_control: { type: 'ephemeral' } }] }];
    const throughAppendix = manualTokens + humanHeaderTokens + encode(appendix).length;
    const first = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 50, system: cachedSystem('1h'), messages });
    expect(first.usage.cache_creation).toEqual({ ephemeral_1h_input_tokens: manualTokens, ephemeral_5m_input_tokens: throughAppendix - manualTokens });
    expect(first.usage.cache_creation_input_tokens).toBe(throughAppendix);

    const changedTail: MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: `${appendix}More.`, cache_control: { type: 'ephemeral' } }] }];
    const second = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 50, system: cachedSystem('1h'), messages: changedTail });
    expect(second.usage.cache_read_input_tokens).toBe(manualTokens);
    expect(second.usage.cache_creation).toEqual({ ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: humanHeaderTokens + encode(`${appendix}More.`).length });
  });

  it('finds an earlier turn’s breakpoint through the 20-block lookback', async () => {
    const client = await start();
    const turnOne: MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: manual, cache_control: { type: 'ephemeral' } }] }];
    await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 20, messages: turnOne });
    const turnTwo: MessageParam[] = [
      { role: 'user', content: [{ type: 'text', text: manual }] },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: [{ type: 'text', text: 'And the garden?', cache_control: { type: 'ephemeral' } }] },
    ];
    const second = await client.messages.create({ model: 'claude-opus-4-1', max_tokens: 20, messages: turnTwo });
    const throughFirstTurn = humanHeaderTokens + manualTokens;
    const throughSecondTurn = throughFirstTurn + encode('\n\nAssistant: ').length + encode('Noted.').length + humanHeaderTokens + encode('And the garden?').length;
    expect(second.usage.cache_read_input_tokens).toBe(throughFirstTurn);
    expect(second.usage.cache_creation_input_tokens).toBe(throughSecondTurn - throughFirstTurn);
  });

  it('caches nothing below the model’s minimum cacheable length', async () => {
    const client = await start();
    expect(manualTokens).toBeLessThan(2048);
    for (const model of ['claude-3-5-haiku-latest', 'claude-haiku-4-5']) {
      const request = { model, max_tokens: 20, system: cachedSystem(), messages: question };
      await client.messages.create(request);
      const second = await client.messages.create(request);
      const { input_tokens: total } = await client.messages.countTokens({ model, system: cachedSystem(), messages: question });
      expect(second.usage).toMatchObject({ input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    }
  });

  it('expires a 5-minute entry on the injected clock, and keeps caches per model', async () => {
    let clock = Date.UTC(2025, 0, 1);
    const client = await start({ now: () => clock, acceptAnyModel: 'sim-*' });
    const request = { model: 'claude-opus-4-1', max_tokens: 20, system: cachedSystem(), messages: question };
    await client.messages.create(request);
    clock += 4 * 60_000;
    expect((await client.messages.create(request)).usage.cache_read_input_tokens).toBe(manualTokens);
    clock += 5 * 60_000 - 1;
    expect((await client.messages.create(request)).usage.cache_read_input_tokens).toBe(manualTokens);
    clock += 5 * 60_000;
    const expired = await client.messages.create(request);
    expect(expired.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: manualTokens });
    const snapshot = await client.messages.create({ ...request, model: 'claude-opus-4-1-20250805' });
    expect(snapshot.usage).toMatchObject({ cache_read_input_tokens: manualTokens, cache_creation_input_tokens: 0 });
    const otherModel = await client.messages.create({ ...request, model: 'sim-claude' });
    expect(otherModel.usage).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: manualTokens });
  });
});
