import { encode } from 'gpt-tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderSimulator, type ProviderSimulator } from './index.js';

interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
}
interface Candidate {
  content: { parts?: Part[]; role: string };
  finishReason?: string;
  index: number;
}
interface UsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  promptTokensDetails?: { modality: string; tokenCount: number }[];
  cacheTokensDetails?: { modality: string; tokenCount: number }[];
}
interface GenerateContentResponse {
  candidates: Candidate[];
  usageMetadata: UsageMetadata;
  modelVersion: string;
  responseId: string;
}

let simulator: ProviderSimulator;
let origin: string;

beforeAll(async () => {
  simulator = createProviderSimulator({ acceptAnyModel: 'sim-*' });
  ({ origin } = await simulator.listen());
});
afterAll(() => simulator.close());

const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] };

function post(model: string, method: string, body: object, query = ''): Promise<Response> {
  return fetch(`${origin}/v1beta/models/${model}:${method}${query}`, {
    method: 'POST',
    headers: { 'x-goog-api-key': 'test-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function generate(model: string, body: object): Promise<GenerateContentResponse> {
  const response = await post(model, 'generateContent', body);
  expect(response.status).toBe(200);
  return (await response.json()) as GenerateContentResponse;
}

function textOf(candidate: Candidate | undefined, thoughts = false): string {
  return (candidate?.content.parts ?? []).filter((part) => (part.thought === true) === thoughts).map((part) => part.text ?? '').join('');
}

describe('generateContent', () => {
  it('answers a GenerateContentResponse with consistent usage', async () => {
    const result = await generate('gemini-2.0-flash', { ...hello, systemInstruction: { parts: [{ text: 'Be brief.' }] } });
    expect(result.modelVersion).toBe('gemini-2.0-flash');
    expect(result.responseId).toMatch(/^[A-Za-z0-9]{23}$/);
    const [candidate] = result.candidates;
    expect(candidate).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    const text = textOf(candidate);
    expect(text).toMatch(/^[A-Z][a-z].*\.$/);
    const promptTokens = encode('Be brief.').length + encode('Hello').length;
    expect(result.usageMetadata).toEqual({
      promptTokenCount: promptTokens,
      candidatesTokenCount: encode(text).length,
      totalTokenCount: promptTokens + encode(text).length,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    });
    const counted = await post('gemini-2.0-flash', 'countTokens', { ...hello, systemInstruction: { parts: [{ text: 'Be brief.' }] } });
    expect(await counted.json()).toEqual({ totalTokens: promptTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }] });
  });

  it('honours maxOutputTokens, stopSequences, candidateCount and seed, in camelCase or snake_case', async () => {
    const capped = await generate('gemini-2.0-flash', { ...hello, generationConfig: { maxOutputTokens: 4 } });
    expect(capped.candidates[0]?.finishReason).toBe('MAX_TOKENS');
    expect(capped.usageMetadata.candidatesTokenCount).toBe(4);
    const snake = await generate('gemini-2.0-flash', { ...hello, generation_config: { max_output_tokens: 4 } });
    expect(textOf(snake.candidates[0])).toBe(textOf(capped.candidates[0]));
    const stopped = await generate('gemini-2.0-flash', { ...hello, generationConfig: { stopSequences: ['.'] } });
    expect(stopped.candidates[0]?.finishReason).toBe('STOP');
    expect(textOf(stopped.candidates[0])).not.toContain('.');
    const two = await generate('gemini-2.0-flash', { ...hello, generationConfig: { candidateCount: 2 } });
    expect(two.candidates.map((candidate) => candidate.index)).toEqual([0, 1]);
    expect(two.usageMetadata.candidatesTokenCount).toBe(encode(textOf(two.candidates[0])).length + encode(textOf(two.candidates[1])).length);
    const seeded = await generate('gemini-2.0-flash', { ...hello, generationConfig: { seed: 7 } });
    const reseeded = await generate('gemini-2.0-flash', { ...hello, generationConfig: { seed: 8 } });
    expect(textOf(seeded.candidates[0])).not.toBe(textOf(reseeded.candidates[0]));
    expect(textOf((await generate('gemini-2.0-flash', { ...hello, generationConfig: { seed: 7 } })).candidates[0])).toBe(textOf(seeded.candidates[0]));
  });

  it('answers JSON for responseMimeType application/json with an OpenAPI responseSchema or responseJsonSchema', async () => {
    const responseSchema = { type: 'OBJECT', properties: { city: { type: 'STRING' }, rating: { type: 'INTEGER', minimum: 1, maximum: 5 } }, required: ['city', 'rating'] };
    const result = await generate('gemini-2.5-flash-lite', { ...hello, generationConfig: { responseMimeType: 'application/json', responseSchema } });
    const parsed = JSON.parse(textOf(result.candidates[0])) as { city: unknown; rating: number };
    expect(typeof parsed.city).toBe('string');
    expect(Number.isInteger(parsed.rating) && parsed.rating >= 1 && parsed.rating <= 5).toBe(true);
    const jsonSchema = { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } }, required: ['tags'] };
    const viaJsonSchema = await generate('gemini-2.5-flash-lite', { ...hello, generationConfig: { responseMimeType: 'application/json', responseJsonSchema: jsonSchema } });
    expect(Array.isArray((JSON.parse(textOf(viaJsonSchema.candidates[0])) as { tags: unknown }).tags)).toBe(true);
  });
});

describe('streamGenerateContent', () => {
  it('streams SSE chunks without [DONE]; text reassembles and the last chunk has finishReason and final usage', async () => {
    const response = await post('gemini-2.0-flash', 'streamGenerateContent', hello, '?alt=sse');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body).not.toContain('[DONE]');
    const events = body.split('\r\n\r\n').filter((event) => event !== '');
    expect(events.length).toBeGreaterThan(1);
    const chunks = events.map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return JSON.parse(event.slice('data: '.length)) as GenerateContentResponse;
    });
    const last = chunks[chunks.length - 1];
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates[0]?.finishReason === undefined)).toBe(true);
    expect(last?.candidates[0]?.finishReason).toBe('STOP');
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    const streamedText = chunks.map((chunk) => textOf(chunk.candidates[0])).join('');
    const whole = await generate('gemini-2.0-flash', hello);
    expect(streamedText).toBe(textOf(whole.candidates[0]));
    expect(last?.usageMetadata).toEqual(whole.usageMetadata);
  });

  it('answers a JSON array of the same chunks without alt=sse', async () => {
    const response = await post('gemini-2.0-flash', 'streamGenerateContent', hello);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const chunks = (await response.json()) as GenerateContentResponse[];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => textOf(chunk.candidates[0])).join('')).toBe(textOf((await generate('gemini-2.0-flash', hello)).candidates[0]));
  });
});

describe('function calling', () => {
  const tools = [
    {
      functionDeclarations: [
        { name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' }, days: { type: 'INTEGER', minimum: 1, maximum: 7 } }, required: ['city', 'days'] } },
        { name: 'get_time', parameters: { type: 'OBJECT', properties: { zone: { type: 'STRING' } }, required: ['zone'] } },
      ],
    },
  ];

  it('calls the first function with schema-valid args; ANY honours allowedFunctionNames; NONE answers text', async () => {
    const result = await generate('gemini-2.0-flash', { ...hello, tools });
    const [part] = result.candidates[0]?.content.parts ?? [];
    expect(part?.functionCall?.name).toBe('get_weather');
    expect(typeof part?.functionCall?.args.city).toBe('string');
    expect(Number.isInteger(part?.functionCall?.args.days)).toBe(true);
    expect(result.candidates[0]?.finishReason).toBe('STOP');
    expect(result.usageMetadata.candidatesTokenCount).toBe(encode('get_weather').length + encode(JSON.stringify(part?.functionCall?.args)).length);
    const forced = await generate('gemini-2.0-flash', { ...hello, tools, toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } });
    expect(forced.candidates[0]?.content.parts?.[0]?.functionCall?.name).toBe('get_time');
    const none = await generate('gemini-2.0-flash', { ...hello, tools, tool_config: { function_calling_config: { mode: 'NONE' } } });
    expect(none.candidates[0]?.content.parts?.[0]?.text).toBeDefined();
  });

  it('answers text after a functionResponse, and signs calls of a thinking model', async () => {
    const contents = [
      ...hello.contents,
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris', days: 1 } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temperature: 18 } } }] },
    ];
    const answered = await generate('gemini-2.0-flash', { contents, tools });
    expect(textOf(answered.candidates[0]).length).toBeGreaterThan(0);
    const thinking = await generate('gemini-2.5-flash', { ...hello, tools });
    expect(thinking.candidates[0]?.content.parts?.[0]?.thoughtSignature).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });
});

describe('thinking models', () => {
  it('reports thoughtsTokenCount outside candidatesTokenCount and inside totalTokenCount', async () => {
    const result = await generate('gemini-2.5-pro', hello);
    const usage = result.usageMetadata;
    expect(usage.thoughtsTokenCount).toBeGreaterThanOrEqual(128);
    expect((usage.thoughtsTokenCount ?? 0) % 64).toBe(0);
    expect(usage.candidatesTokenCount).toBe(encode(textOf(result.candidates[0])).length);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0));
  });

  it('includes a thought summary part when asked, and honours thinkingBudget per model', async () => {
    const withThoughts = await generate('gemini-2.5-flash', { ...hello, generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 128 } } });
    const [summary, answer] = withThoughts.candidates[0]?.content.parts ?? [];
    expect(summary?.thought).toBe(true);
    expect(answer?.thought).toBeUndefined();
    expect(withThoughts.usageMetadata.thoughtsTokenCount).toBe(128);
    const off = await generate('gemini-2.5-flash', { ...hello, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } });
    expect(off.usageMetadata.thoughtsTokenCount).toBeUndefined();
    expect((await generate('gemini-2.5-flash-lite', hello)).usageMetadata.thoughtsTokenCount).toBeUndefined();
    const proOff = await post('gemini-2.5-pro', 'generateContent', { ...hello, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } });
    expect(proOff.status).toBe(400);
    expect(await proOff.json()).toEqual({ error: { code: 400, message: 'Budget 0 is invalid. This model only works in thinking mode.', status: 'INVALID_ARGUMENT' } });
  });

  it('spends maxOutputTokens on thoughts first', async () => {
    const result = await generate('gemini-2.5-pro', { ...hello, generationConfig: { maxOutputTokens: 64 } });
    expect(result.candidates[0]).toEqual({ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 });
    expect(result.usageMetadata.thoughtsTokenCount).toBe(64);
    expect(result.usageMetadata.candidatesTokenCount).toBeUndefined();
  });
});

describe('implicit caching', () => {
  const longPrompt = { contents: [{ role: 'user', parts: [{ text: 'The steady river crosses the valley. '.repeat(200) }] }] };

  it('reports cachedContentTokenCount for a repeated prefix of at least the model minimum', async () => {
    const first = await generate('gemini-2.5-flash', { ...longPrompt, generationConfig: { thinkingConfig: { thinkingBudget: 0 } } });
    const promptTokens = first.usageMetadata.promptTokenCount;
    expect(promptTokens).toBeGreaterThan(1024);
    expect(first.usageMetadata.cachedContentTokenCount).toBeUndefined();
    const second = await generate('gemini-2.5-flash', longPrompt);
    const cached = 1024 + Math.floor((promptTokens - 1024) / 128) * 128;
    expect(second.usageMetadata.promptTokenCount).toBe(promptTokens);
    expect(second.usageMetadata.cachedContentTokenCount).toBe(cached);
    expect(second.usageMetadata.cacheTokensDetails).toEqual([{ modality: 'TEXT', tokenCount: cached }]);
  });

  it('caches per model, not below 2048 tokens on 2.5 Pro, and never on 2.0 Flash', async () => {
    expect((await generate('gemini-2.5-flash-lite', longPrompt)).usageMetadata.cachedContentTokenCount).toBeUndefined();
    for (const model of ['gemini-2.5-pro', 'gemini-2.0-flash']) {
      await generate(model, longPrompt);
      expect((await generate(model, longPrompt)).usageMetadata.cachedContentTokenCount).toBeUndefined();
    }
  });
});

describe('auth and request errors', () => {
  it('refuses a request without a key with 403 PERMISSION_DENIED, and accepts ?key=', async () => {
    const noKey = await fetch(`${origin}/v1beta/models/gemini-2.0-flash:generateContent`, { method: 'POST', body: JSON.stringify(hello) });
    expect(noKey.status).toBe(403);
    expect(await noKey.json()).toMatchObject({ error: { code: 403, status: 'PERMISSION_DENIED' } });
    const queryKey = await fetch(`${origin}/v1beta/models/gemini-2.0-flash:generateContent?key=abc`, { method: 'POST', body: JSON.stringify(hello) });
    expect(queryKey.status).toBe(200);
  });

  it('answers 404 NOT_FOUND for unknown models (acceptAnyModel admits by glob) and 400 INVALID_ARGUMENT for bad bodies', async () => {
    const unknown = await post('gemini-unknown', 'generateContent', hello);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND', message: expect.stringContaining('models/gemini-unknown is not found') } });
    expect((await post('claude-opus-4-1', 'generateContent', hello)).status).toBe(404);
    expect((await generate('sim-gemini', hello)).modelVersion).toBe('sim-gemini');
    const noContents = await post('gemini-2.0-flash', 'generateContent', {});
    expect(noContents.status).toBe(400);
    expect(await noContents.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents is not specified') } });
    const broken = await fetch(`${origin}/v1beta/models/gemini-2.0-flash:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': 'k' }, body: '{"contents":' });
    expect(broken.status).toBe(400);
  });
});
