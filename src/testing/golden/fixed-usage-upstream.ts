import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test upstream that answers every provider's wire format with the same fixed usage, written
 * by hand, so golden costs can be computed by hand. OpenAI: 1,000 prompt tokens of which 200
 * cached, 100 completion tokens of which 30 reasoning. Anthropic: 800 uncached input, 150 cache read, 50 written to
 * the 5-minute cache and 30 to the 1-hour cache, 100 output. Gemini: 1,000 prompt tokens of which
 * 200 cached, 80 candidate tokens and 20 thought tokens.
 */
export const fixedUsage = {
  openai: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 30, audio_tokens: 0 } },
  anthropic: {
    input_tokens: 800,
    cache_creation_input_tokens: 80,
    cache_read_input_tokens: 150,
    cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 30 },
    output_tokens: 100,
  },
  gemini: { promptTokenCount: 1000, candidatesTokenCount: 80, totalTokenCount: 1100, cachedContentTokenCount: 200, thoughtsTokenCount: 20 },
} as const;

const openAICompletion = (model: string) =>
  JSON.stringify({
    id: 'chatcmpl-golden',
    object: 'chat.completion',
    created: 1_763_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: fixedUsage.openai,
  });

const openAIStream = (model: string) => {
  const chunk = (choices: unknown[], usage: unknown) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-golden', object: 'chat.completion.chunk', created: 1_763_000_000, model, choices, usage })}\n\n`;
  return (
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], null) +
    chunk([{ index: 0, delta: { content: 'Hello.' }, finish_reason: null }], null) +
    chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], null) +
    chunk([], fixedUsage.openai) +
    'data: [DONE]\n\n'
  );
};

const anthropicMessage = (model: string) =>
  JSON.stringify({
    id: 'msg_golden',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: 'Hello.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: fixedUsage.anthropic,
  });

const anthropicStream = (model: string) => {
  const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  return (
    event('message_start', {
      type: 'message_start',
      message: { id: 'msg_golden', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...fixedUsage.anthropic, output_tokens: 1 } },
    }) +
    event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) +
    event('ping', { type: 'ping' }) +
    event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello.' } }) +
    event('content_block_stop', { type: 'content_block_stop', index: 0 }) +
    event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 100 } }) +
    event('message_stop', { type: 'message_stop' })
  );
};

const geminiResponse = (model: string) =>
  JSON.stringify({
    candidates: [{ content: { parts: [{ text: 'Hello.' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: fixedUsage.gemini,
    modelVersion: model,
    responseId: 'golden',
  });

const geminiStream = (model: string) =>
  `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'Hel' }], role: 'model' }, index: 0 }], usageMetadata: { promptTokenCount: 1000, candidatesTokenCount: 2, totalTokenCount: 1002, cachedContentTokenCount: 200 }, modelVersion: model, responseId: 'golden' })}\r\n\r\n` +
  `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'lo.' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: fixedUsage.gemini, modelVersion: model, responseId: 'golden' })}\r\n\r\n`;

export interface FixedUsageUpstream {
  readonly server: Server;
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts the fixed-usage upstream on a free loopback port. */
export async function startFixedUsageUpstream(): Promise<FixedUsageUpstream> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { model?: string; stream?: boolean };
      const url = request.url ?? '';
      const gemini = /\/models\/([^/:]+):(generateContent|streamGenerateContent)/.exec(url);
      let payload: string;
      let stream: boolean;
      if (gemini !== null) {
        stream = gemini[2] === 'streamGenerateContent';
        payload = stream ? geminiStream(gemini[1] as string) : geminiResponse(gemini[1] as string);
      } else if (url.endsWith('/v1/messages')) {
        stream = body.stream === true;
        payload = stream ? anthropicStream(body.model ?? '') : anthropicMessage(body.model ?? '');
      } else {
        stream = body.stream === true;
        payload = stream ? openAIStream(body.model ?? '') : openAICompletion(body.model ?? '');
      }
      response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
