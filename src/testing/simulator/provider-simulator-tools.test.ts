import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator } from './index.js';

let simulator: ProviderSimulator;
let client: OpenAI;

beforeAll(async () => {
  simulator = createProviderSimulator();
  const { url } = await simulator.listen();
  client = new OpenAI({ baseURL: url, apiKey: 'sk-sim', maxRetries: 0 });
});
afterAll(() => simulator.close());

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        location: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['location', 'unit'],
    },
  },
};
const timeTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] } },
};
const question: ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];

describe('tool calls', () => {
  it('calls the first tool with arguments that satisfy its schema', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: question, tools: [weatherTool, timeTool] });
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    const parsedArguments = JSON.parse(call.function.arguments) as Record<string, unknown>;
    expect(typeof parsedArguments.location).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(parsedArguments.unit);
    expect(Number.isInteger(parsedArguments.days)).toBe(true);
    expect(parsedArguments.days).toBeGreaterThanOrEqual(1);
    expect(parsedArguments.days).toBeLessThanOrEqual(7);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('honours a forced function and answers text for tool_choice "none"', async () => {
    const forced = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: question,
      tools: [weatherTool, timeTool],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const call = forced.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_time');
    const none = await client.chat.completions.create({ model: 'gpt-4o', messages: question, tools: [weatherTool], tool_choice: 'none' });
    expect(none.choices[0]?.finish_reason).toBe('stop');
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
    expect(none.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('answers with text once the last message is a tool result', async () => {
    const messages: ChatCompletionMessageParam[] = [
      ...question,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":18}' },
    ];
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages, tools: [weatherTool] });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('streams the call as an opening delta plus several argument deltas', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: question,
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    });
    const argumentPieces: string[] = [];
    let opening: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall | undefined;
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      for (const toolCall of choice?.delta.tool_calls ?? []) {
        if (toolCall.id !== undefined) opening = toolCall;
        else argumentPieces.push(toolCall.function?.arguments ?? '');
      }
    }
    expect(opening).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(argumentPieces.length).toBeGreaterThan(2);
    const parsedArguments = JSON.parse(argumentPieces.join('')) as Record<string, unknown>;
    expect(Object.keys(parsedArguments)).toEqual(expect.arrayContaining(['location', 'unit']));
    expect(finishReason).toBe('tool_calls');
  });

  it('matches streaming and non-streaming arguments for the same seed', async () => {
    const request = { model: 'gpt-4o', messages: question, tools: [weatherTool], seed: 7 };
    const plain = await client.chat.completions.create(request);
    const runner = client.chat.completions.stream(request);
    const final = await runner.finalChatCompletion();
    const plainCall = plain.choices[0]?.message.tool_calls?.[0];
    const streamedCall = final.choices[0]?.message.tool_calls?.[0];
    expect(streamedCall?.type === 'function' ? streamedCall.function.arguments : 'x').toBe(plainCall?.type === 'function' ? plainCall.function.arguments : 'y');
  });
});

describe('structured output', () => {
  it('returns a JSON object for response_format json_object', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: question, response_format: { type: 'json_object' } });
    const parsed: unknown = JSON.parse(completion.choices[0]?.message.content ?? '');
    expect(typeof parsed).toBe('object');
    expect(Array.isArray(parsed)).toBe(false);
  });

  it('returns a value satisfying the json_schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        rating: { type: 'number', minimum: 0, maximum: 5 },
        tags: { type: 'array', items: { type: 'string' } },
        status: { type: 'string', enum: ['draft', 'final'] },
        published: { type: 'boolean' },
        author: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] },
      },
      required: ['title', 'rating', 'tags', 'status', 'published', 'author'],
      additionalProperties: false,
    };
    const completion = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: question,
      response_format: { type: 'json_schema', json_schema: { name: 'review', schema, strict: true } },
    });
    const value = JSON.parse(completion.choices[0]?.message.content ?? '') as Record<string, unknown>;
    expect(typeof value.title).toBe('string');
    expect(value.rating).toBeGreaterThanOrEqual(0);
    expect(value.rating).toBeLessThanOrEqual(5);
    expect(Array.isArray(value.tags) && value.tags.every((tag) => typeof tag === 'string')).toBe(true);
    expect(['draft', 'final']).toContain(value.status);
    expect(typeof value.published).toBe('boolean');
    expect(value.author).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect(Number.isInteger((value.author as { age: number }).age)).toBe(true);
  });
});
