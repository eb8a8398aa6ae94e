import { TollgateError } from '../../core/errors.js';
import type { FinishReasonPart, StreamPart } from '../../core/stream-part.js';
import type { Usage } from '../../core/usage.js';
import { toAnthropicErrorBody } from './anthropic-error.js';
import type { AnthropicContentBlock, AnthropicStreamEvent } from './anthropic-wire-types.js';
import { anthropicMessageId } from './to-anthropic-message.js';
import { toAnthropicStop } from './to-anthropic-stop-reason.js';
import { toAnthropicDeltaUsage } from './to-anthropic-usage.js';

export interface AnthropicEventEncoderOptions {
  readonly requestId: string;
  /** The model the client asked for. */
  readonly model: string;
  readonly stopSequences: readonly string[] | undefined;
}

export interface AnthropicEventEncoder {
  /** The events for one part (often none). `raw` parts are ignored: typed parts always come too. */
  encode(part: StreamPart): AnthropicStreamEvent[];
  /** The closing events once the parts ended: the open block's stop, `message_delta`, `message_stop`. */
  finish(): AnthropicStreamEvent[];
  /** True after an `error` event: nothing more may be written, and never a `message_stop`. */
  readonly failed: boolean;
}

type OpenBlock = { readonly kind: 'text' | 'thinking' } | { readonly kind: 'tool'; readonly toolCallIndex: number };

/**
 * Encodes typed stream parts as Anthropic Messages events, in Anthropic's order: `message_start`,
 * `ping`, then per content block `content_block_start` / `_delta` / `_stop`, then `message_delta`
 * and `message_stop`. Only choice 0 is encoded (an Anthropic request cannot ask for more).
 *
 * Usage arrives at the end of a stream, so `message_start` carries zero counts and `message_delta`
 * the real totals, input and cache fields included (the Anthropic SDKs take them from there).
 */
export function createAnthropicEventEncoder(options: AnthropicEventEncoderOptions): AnthropicEventEncoder {
  let started = false;
  let failed = false;
  let blockIndex = -1;
  let open: OpenBlock | undefined;
  const closedToolCalls = new Set<number>();
  let finish: FinishReasonPart | undefined;
  let usage: Usage | undefined;

  function start(events: AnthropicStreamEvent[], upstreamId: string | undefined): void {
    if (started) return;
    started = true;
    events.push({
      type: 'message_start',
      message: {
        id: anthropicMessageId(upstreamId, options.requestId),
        type: 'message',
        role: 'assistant',
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: null, cache_read_input_tokens: null },
      },
    });
    events.push({ type: 'ping' });
  }

  function closeBlock(events: AnthropicStreamEvent[]): void {
    if (open === undefined) return;
    if (open.kind === 'tool') closedToolCalls.add(open.toolCallIndex);
    events.push({ type: 'content_block_stop', index: blockIndex });
    open = undefined;
  }

  function openBlock(events: AnthropicStreamEvent[], block: OpenBlock, contentBlock: AnthropicContentBlock): void {
    closeBlock(events);
    blockIndex++;
    open = block;
    events.push({ type: 'content_block_start', index: blockIndex, content_block: contentBlock });
  }

  function fail(events: AnthropicStreamEvent[], error: TollgateError): AnthropicStreamEvent[] {
    failed = true;
    events.push(toAnthropicErrorBody(error, options.requestId));
    return events;
  }

  return {
    get failed() {
      return failed;
    },
    encode(part) {
      const events: AnthropicStreamEvent[] = [];
      if (failed || part.type === 'raw') return events;
      if (part.type === 'error') return fail(events, part.error);
      start(events, part.type === 'stream-start' ? part.id : undefined);
      if ('choiceIndex' in part && part.choiceIndex !== 0) return events;
      switch (part.type) {
        case 'text-delta':
          if (open?.kind !== 'text') openBlock(events, { kind: 'text' }, { type: 'text', text: '' });
          events.push({ type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text: part.text } });
          break;
        case 'reasoning-delta':
          if (open?.kind !== 'thinking') openBlock(events, { kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
          events.push({ type: 'content_block_delta', index: blockIndex, delta: { type: 'thinking_delta', thinking: part.text } });
          break;
        case 'tool-call-delta':
          if (open?.kind !== 'tool' || open.toolCallIndex !== part.toolCallIndex) {
            if (closedToolCalls.has(part.toolCallIndex)) {
              return fail(events, new TollgateError({
                code: 'TG_ERR_UPSTREAM_PROTOCOL',
                message: `The upstream interleaved the arguments of tool call ${part.toolCallIndex} with another block; Anthropic's stream format cannot express that.`,
              }));
            }
            const id = part.id ?? `toolu_${options.requestId.replaceAll('-', '')}_${part.toolCallIndex}`;
            openBlock(events, { kind: 'tool', toolCallIndex: part.toolCallIndex }, { type: 'tool_use', id, name: part.name ?? '', input: {} });
          }
          if (part.argumentsDelta !== '') {
            events.push({ type: 'content_block_delta', index: blockIndex, delta: { type: 'input_json_delta', partial_json: part.argumentsDelta } });
          }
          break;
        case 'finish-reason':
          finish = part;
          break;
        case 'usage':
          usage = part.usage;
          break;
        default:
          break;
      }
      return events;
    },
    finish() {
      const events: AnthropicStreamEvent[] = [];
      if (failed) return events;
      start(events, undefined);
      closeBlock(events);
      const stop = toAnthropicStop(finish?.finishReason, finish?.rawFinishReason, undefined, options.stopSequences);
      events.push({
        type: 'message_delta',
        delta: { stop_reason: stop.stopReason, stop_sequence: stop.stopSequence },
        usage: toAnthropicDeltaUsage(usage),
      });
      events.push({ type: 'message_stop' });
      return events;
    },
  };
}

/** One event as Anthropic frames it: `event: <type>\ndata: <json>\n\n`. */
export function formatServerSentEvent(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
