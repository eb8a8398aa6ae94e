import { TollgateError } from '../../core/errors.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { ServerSentEvent } from '../http/sse-parser.js';
import { errorFromAnthropicStreamEvent } from './anthropic-errors.js';
import { mapAnthropicStopReason } from './anthropic-response.js';
import { mergeAnthropicUsage, normaliseAnthropicUsage } from './anthropic-usage.js';
import type { AnthropicUsage } from './anthropic-wire.js';

export interface AnthropicStreamTranslator {
  /** The parts one SSE event yields; `done` once the stream is over (`message_stop` or an error). */
  accept(event: ServerSentEvent): { readonly parts: StreamPart[]; readonly done: boolean };
}

type Block =
  | { readonly kind: 'tool_use'; readonly toolCallIndex: number; readonly input: unknown; argumentsLength: number }
  | { readonly kind: 'text' | 'thinking' | 'other' };

/**
 * Anthropic's stream events as typed parts, for one stream:
 *
 * - `message_start` → `stream-start` (id, model, `created` from the injected clock, in seconds);
 * - `text_delta` → `text-delta`, `thinking_delta` → `reasoning-delta` (`signature_delta` and
 *   `redacted_thinking` blocks have no part: they carry no readable text);
 * - a `tool_use` block → `tool-call-delta`s numbered from 0 in block order, id and name on the
 *   first, then `partial_json` as `argumentsDelta` (a call whose input streamed no JSON gets its
 *   start `input`, `{}` at least, so the arguments always parse). Server tools (`server_tool_use`)
 *   run at Anthropic and are not the caller's tool calls: no parts;
 * - `message_delta` → `finish-reason`; its cumulative usage is merged over `message_start`'s and
 *   emitted once, as the one `usage` part, at `message_stop`;
 * - `error` → an `error` part, and the stream is over. `ping` and unknown events are skipped.
 */
export function createAnthropicStreamTranslator(providerId: string, now: () => number): AnthropicStreamTranslator {
  const blocks = new Map<number, Block>();
  let nextToolCallIndex = 0;
  let startUsage: AnthropicUsage | undefined;
  let deltaUsage: AnthropicUsage | undefined;

  function accept(event: ServerSentEvent): { parts: StreamPart[]; done: boolean } {
    const data = parseObject(event.data);
    if (data === undefined) return { parts: [{ type: 'error', error: protocolError(providerId, 'an event that is not a JSON object') }], done: true };
    const type = typeof data['type'] === 'string' ? data['type'] : event.event;
    const parts: StreamPart[] = [];
    switch (type) {
      case 'message_start': {
        const message = asRecord(data['message']);
        if (message === undefined) return { parts: [{ type: 'error', error: protocolError(providerId, 'a message_start without a message') }], done: true };
        startUsage = asRecord(message['usage']);
        parts.push({ type: 'stream-start', id: String(message['id'] ?? ''), model: String(message['model'] ?? ''), created: Math.floor(now() / 1000) });
        break;
      }
      case 'content_block_start':
        startBlock(indexOf(data), asRecord(data['content_block']) ?? {}, parts);
        break;
      case 'content_block_delta':
        applyDelta(blocks.get(indexOf(data)), asRecord(data['delta']) ?? {}, parts);
        break;
      case 'content_block_stop': {
        const block = blocks.get(indexOf(data));
        if (block?.kind === 'tool_use' && block.argumentsLength === 0) {
          const input = asRecord(block.input) ?? {};
          parts.push({ type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: block.toolCallIndex, id: undefined, name: undefined, argumentsDelta: JSON.stringify(input) });
        }
        break;
      }
      case 'message_delta': {
        const stopReason = asRecord(data['delta'])?.['stop_reason'];
        if (typeof stopReason === 'string') {
          parts.push({ type: 'finish-reason', choiceIndex: 0, finishReason: mapAnthropicStopReason(stopReason), rawFinishReason: stopReason });
        }
        deltaUsage = mergeAnthropicUsage(deltaUsage, asRecord(data['usage']));
        break;
      }
      case 'message_stop': {
        const usage = mergeAnthropicUsage(startUsage, deltaUsage);
        parts.push({ type: 'usage', usage: normaliseAnthropicUsage(usage), providerUsage: usage });
        return { parts, done: true };
      }
      case 'error':
        return { parts: [{ type: 'error', error: errorFromAnthropicStreamEvent(providerId, event.data) }], done: true };
      default:
        // `ping`, and event types added later ("handle unknown event types gracefully").
        break;
    }
    return { parts, done: false };
  }

  function startBlock(index: number, contentBlock: Record<string, unknown>, parts: StreamPart[]): void {
    switch (contentBlock['type']) {
      case 'text':
        blocks.set(index, { kind: 'text' });
        pushText(parts, 'text-delta', contentBlock['text']);
        break;
      case 'thinking':
        blocks.set(index, { kind: 'thinking' });
        pushText(parts, 'reasoning-delta', contentBlock['thinking']);
        break;
      case 'tool_use': {
        const toolCallIndex = nextToolCallIndex++;
        blocks.set(index, { kind: 'tool_use', toolCallIndex, input: contentBlock['input'], argumentsLength: 0 });
        parts.push({
          type: 'tool-call-delta',
          choiceIndex: 0,
          toolCallIndex,
          id: typeof contentBlock['id'] === 'string' ? contentBlock['id'] : undefined,
          name: typeof contentBlock['name'] === 'string' ? contentBlock['name'] : undefined,
          argumentsDelta: '',
        });
        break;
      }
      default:
        blocks.set(index, { kind: 'other' });
    }
  }

  function applyDelta(block: Block | undefined, delta: Record<string, unknown>, parts: StreamPart[]): void {
    switch (delta['type']) {
      case 'text_delta':
        pushText(parts, 'text-delta', delta['text']);
        break;
      case 'thinking_delta':
        pushText(parts, 'reasoning-delta', delta['thinking']);
        break;
      case 'input_json_delta': {
        const json = delta['partial_json'];
        if (block?.kind !== 'tool_use' || typeof json !== 'string' || json === '') break;
        block.argumentsLength += json.length;
        parts.push({ type: 'tool-call-delta', choiceIndex: 0, toolCallIndex: block.toolCallIndex, id: undefined, name: undefined, argumentsDelta: json });
        break;
      }
      default:
        // `signature_delta`, `citations_delta`, and delta types added later.
        break;
    }
  }

  return { accept };
}

function pushText(parts: StreamPart[], type: 'text-delta' | 'reasoning-delta', text: unknown): void {
  if (typeof text === 'string' && text !== '') parts.push({ type, choiceIndex: 0, text });
}

function indexOf(data: Record<string, unknown>): number {
  return typeof data['index'] === 'number' ? data['index'] : -1;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function protocolError(providerId: string, what: string): TollgateError {
  return new TollgateError({ code: 'TG_ERR_UPSTREAM_PROTOCOL', message: `Provider "${providerId}" sent ${what} in its stream.`, isRetryable: true });
}
