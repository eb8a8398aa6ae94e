import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { TollgateError } from '../../core/errors.js';
import { toGeminiRequest } from './to-gemini-request.js';

const base = { model: 'gemini-2.5-flash' };

function translate(body: Partial<ChatRequestBody>) {
  return toGeminiRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }], ...body });
}

function failureOf(body: Partial<ChatRequestBody>): TollgateError {
  try {
    translate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(TollgateError);
    return error as TollgateError;
  }
  throw new Error('the translation succeeded; a failure was expected');
}

describe('toGeminiRequest: messages', () => {
  it('hoists system and developer messages into systemInstruction, in order, and maps roles', () => {
    const { request, warnings } = translate({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'assistant', content: 'Salut' },
        { role: 'user', content: 'Again' },
      ],
    });
    expect(request.systemInstruction).toStrictEqual({ parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
    expect(request.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Salut' }] },
      { role: 'user', parts: [{ text: 'Again' }] },
    ]);
    expect(warnings).toStrictEqual([]);
  });

  it('merges consecutive turns of one role', () => {
    const { request } = translate({ messages: [{ role: 'user', content: 'one' }, { role: 'user', content: 'two' }] });
    expect(request.contents).toStrictEqual([{ role: 'user', parts: [{ text: 'one' }, { text: 'two' }] }]);
  });

  it('sends data: images inline and http(s) images as fileData with a MIME type from the extension', () => {
    const { request, warnings } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=large' } },
            { type: 'image_url', image_url: { url: 'data:text/plain,hello%20world' } },
          ],
        },
      ],
    });
    expect(request.contents[0]?.parts).toStrictEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/jpeg', fileUri: 'https://example.com/cat.JPG?size=large' } },
      { inlineData: { mimeType: 'text/plain', data: Buffer.from('hello world').toString('base64') } },
    ]);
    expect(warnings).toStrictEqual([]);
  });

  it('warns when an image URL has no known extension or a detail level, and still sends the image', () => {
    const { request, warnings } = translate({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/render?id=7', detail: 'high' } }] }],
    });
    expect(request.contents[0]?.parts).toStrictEqual([{ fileData: { fileUri: 'https://example.com/render?id=7' } }]);
    expect(warnings).toStrictEqual([
      'messages[0].content[0].image_url.detail "high" is not supported by Gemini; not sent',
      "messages[0].content[0].image_url.url has no file extension Gemini's MIME types cover; sent without a mimeType",
    ]);
  });

  it('turns tool calls into functionCall parts and tool results into functionResponse parts in one user turn', () => {
    const { request } = translate({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' }, extra_content: { google: { thought_signature: 'c2ln' } } },
            { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_0', content: '{"temperature":21,"unit":"C"}' },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '12:00' }] },
      ],
    });
    expect(request.contents).toStrictEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temperature: 21, unit: 'C' } } },
          { functionResponse: { name: 'get_time', response: { content: '12:00' } } },
        ],
      },
    ]);
  });

  it('names a tool result after the latest call with its id, wraps non-object JSON, and marks unsigned calls', () => {
    const call = (name: string) => ({ role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name, arguments: '{}' } }] });
    const { request } = translate({
      messages: [
        { role: 'user', content: 'go' },
        call('first'),
        { role: 'tool', tool_call_id: 'call_0', content: '[1,2]' },
        call('second'),
        { role: 'tool', tool_call_id: 'call_0', content: 'done' },
      ],
    });
    expect(request.contents[2]?.parts).toStrictEqual([{ functionResponse: { name: 'first', response: { content: '[1,2]' } } }]);
    expect(request.contents[4]?.parts).toStrictEqual([{ functionResponse: { name: 'second', response: { content: 'done' } } }]);
    // Google's documented stand-in when a model turn's first function call lost its signature.
    expect(request.contents[1]?.parts[0]?.thoughtSignature).toBe('skip_thought_signature_validator');
  });

  it('rejects content it cannot send instead of dropping it', () => {
    expect(failureOf({ messages: [{ role: 'tool', tool_call_id: 'call_9', content: 'x' }] })).toMatchObject({
      code: 'TG_ERR_INVALID_REQUEST',
      param: 'messages[0].tool_call_id',
    });
    expect(failureOf({ messages: [{ role: 'user', content: [{ type: 'video_url', video_url: 'x' }] }] })).toMatchObject({
      code: 'TG_ERR_UNSUPPORTED_PARAMETER',
      param: 'messages[0].content[0].type',
    });
    expect(
      failureOf({ messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }),
    ).toMatchObject({ code: 'TG_ERR_INVALID_REQUEST', param: 'messages[0].tool_calls[0].function.arguments' });
    expect(failureOf({ messages: [{ role: 'narrator', content: 'x' }] })).toMatchObject({ code: 'TG_ERR_INVALID_REQUEST', param: 'messages[0].role' });
  });
});

describe('toGeminiRequest: tools', () => {
  const weatherTool = {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather',
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['C', 'F', null] } },
        required: ['city'],
        additionalProperties: false,
      },
      strict: true,
    },
  };

  it('declares functions with a Gemini schema and names the keywords it removed', () => {
    const { request, warnings } = translate({ tools: [weatherTool, { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }] });
    expect(request.tools).toStrictEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' }, unit: { type: 'string', nullable: true, enum: ['C', 'F', null] } },
              required: ['city'],
            },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(warnings).toStrictEqual(['tool "get_weather": JSON Schema keywords Gemini does not accept were removed from its parameters: $schema, additionalProperties']);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'get_weather' } }, { mode: 'ANY', allowedFunctionNames: ['get_weather'] }],
  ])('tool_choice %j → functionCallingConfig %j', (toolChoice, functionCallingConfig) => {
    expect(translate({ tools: [weatherTool], tool_choice: toolChoice }).request.toolConfig).toStrictEqual({ functionCallingConfig });
  });

  it('rejects tools and tool choices Gemini has no equivalent for', () => {
    expect(failureOf({ tools: [{ type: 'custom', custom: { name: 'x' } }] })).toMatchObject({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', param: 'tools[0].type' });
    expect(failureOf({ tools: [weatherTool], tool_choice: { type: 'allowed_tools' } })).toMatchObject({ code: 'TG_ERR_UNSUPPORTED_PARAMETER', param: 'tool_choice' });
  });
});

describe('toGeminiRequest: generation settings', () => {
  it('maps every sampling setting to generationConfig, unchanged', () => {
    const { request, warnings } = translate({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 100,
      max_completion_tokens: 256,
      stop: 'END',
      n: 2,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect(request.generationConfig).toStrictEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 256,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
    });
    expect(warnings).toStrictEqual([]);
    expect(translate({ max_tokens: 100, stop: ['a', 'b'] }).request.generationConfig).toStrictEqual({ maxOutputTokens: 100, stopSequences: ['a', 'b'] });
    expect(translate({}).request.generationConfig).toBeUndefined();
  });

  it('asks for JSON output, with the JSON Schema as responseJsonSchema', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    expect(translate({ response_format: { type: 'json_object' } }).request.generationConfig).toStrictEqual({ responseMimeType: 'application/json' });
    expect(translate({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema, strict: true } } }).request.generationConfig).toStrictEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: schema,
    });
    expect(translate({ response_format: { type: 'text' } }).request.generationConfig).toBeUndefined();
  });

  it('maps the Anthropic thinking extension to a thinking budget', () => {
    expect(translate({ thinking: { type: 'enabled', budget_tokens: 2048 } }).request.generationConfig).toStrictEqual({
      thinkingConfig: { thinkingBudget: 2048, includeThoughts: true },
    });
    expect(translate({ thinking: { type: 'disabled' } }).request.generationConfig).toStrictEqual({ thinkingConfig: { thinkingBudget: 0 } });
    const adaptive = translate({ thinking: { type: 'adaptive' } });
    expect(adaptive.request.generationConfig).toBeUndefined();
    expect(adaptive.warnings).toStrictEqual(['thinking of type "adaptive" is not supported by Gemini; not sent']);
  });

  it('names every setting Gemini cannot honour in one warning, ignoring nulls and Tollgate fields', () => {
    const { request, warnings } = translate({
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { '50256': -100 },
      reasoning_effort: 'low',
      service_tier: null,
      user: 'alice',
      stream: true,
      stream_options: { include_usage: true },
      parallel_tool_calls: false,
    });
    expect(warnings).toStrictEqual([
      'parallel_tool_calls: false is not supported by Gemini (it may call several functions at once); not sent',
      'logprobs, top_logprobs, logit_bias, reasoning_effort are not supported by Gemini; not sent',
    ]);
    expect(Object.keys(request)).toStrictEqual(['contents']);
  });
});
