/**
 * Renders a planned Anthropic reply as Messages SSE events, the way the API streams them:
 *
 *   event: message_start        the message with empty content, full input usage, output_tokens 1
 *   event: content_block_start  per block: thinking (empty thinking and signature), text (empty),
 *   event: ping                   or tool_use (id, name, input {}); a ping after the first start
 *   event: content_block_delta  thinking_delta…, then one signature_delta; text_delta…;
 *                                 input_json_delta… (the first with an empty partial_json)
 *   event: content_block_stop
 *   event: message_delta        stop_reason, stop_sequence and the cumulative usage
 *   event: message_stop
 *
 * Deltas carry `tokensPerChunk` tokens each. `anthropicStreamErrorFrame` renders the
 * in-stream `event: error` a fault can end a stream with.
 */
import { anthropicStopReason, type AnthropicMessagePlan } from './anthropic-messages-body.js';
import type { StreamFrame } from './chat-completion-stream.js';
import type { TokenizedText } from './text-generator.js';

export function renderAnthropicMessageStream(plan: AnthropicMessagePlan, tokensPerChunk: number): StreamFrame[] {
  const chunkSize = Math.max(1, tokensPerChunk);
  const { usage } = plan;
  const frames: StreamFrame[] = [];
  const push = (event: string, data: object, outputTokens = 0): void => {
    frames.push({ text: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, outputTokens });
  };
  push('message_start', {
    type: 'message_start',
    message: {
      id: plan.id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  let index = 0;
  const startBlock = (contentBlock: object): void => {
    push('content_block_start', { type: 'content_block_start', index, content_block: contentBlock });
    if (index === 0) push('ping', { type: 'ping' });
  };
  const deltas = (tokens: TokenizedText, toDelta: (piece: string) => object): void => {
    for (let start = 0; start < tokens.tokens.length; start += chunkSize) {
      const piece = tokens.tokens.slice(start, start + chunkSize).join('');
      push('content_block_delta', { type: 'content_block_delta', index, delta: toDelta(piece) }, Math.min(chunkSize, tokens.tokens.length - start));
    }
  };
  const stopBlock = (): void => {
    push('content_block_stop', { type: 'content_block_stop', index });
    index += 1;
  };

  const { thinking, reply } = plan;
  if (thinking !== undefined) {
    startBlock({ type: 'thinking', thinking: '', signature: '' });
    deltas(thinking.text, (piece) => ({ type: 'thinking_delta', thinking: piece }));
    push('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: thinking.signature } });
    stopBlock();
  }
  const { toolUse } = reply;
  if (toolUse !== undefined) {
    startBlock({ type: 'tool_use', id: plan.toolUseId, name: toolUse.name, input: {} });
    push('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
    deltas(toolUse.inputTokens, (piece) => ({ type: 'input_json_delta', partial_json: piece }));
    stopBlock();
  } else if (reply.text.tokens.length > 0 || thinking === undefined) {
    startBlock({ type: 'text', text: '' });
    deltas(reply.text, (piece) => ({ type: 'text_delta', text: piece }));
    stopBlock();
  }
  push('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: anthropicStopReason(reply), stop_sequence: reply.stopSequence ?? null },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
    },
  });
  push('message_stop', { type: 'message_stop' });
  return frames;
}

/** `event: error` with the reply's Anthropic error body (`{"type":"error","error":{…}}`). */
export function anthropicStreamErrorFrame(body: object): StreamFrame {
  return { text: `event: error\ndata: ${JSON.stringify(body)}\n\n`, outputTokens: 0 };
}
