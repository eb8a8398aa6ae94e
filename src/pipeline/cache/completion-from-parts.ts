import type { ChatCompletionBody } from '../../core/chat-request.js';
import type { FinishReason, StreamPart } from '../../core/stream-part.js';
import type { Usage } from '../../core/usage.js';
import { toOpenAIUsage } from '../../core/openai-usage.js';

interface ChoiceDraft {
  content: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason: FinishReason | undefined;
}

const openAIFinishReason: Readonly<Record<FinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'error',
  other: 'stop',
};

/**
 * Collects a stream's typed parts into the `chat.completion` the same answer would have been,
 * for the response cache. Returns `undefined` when the stream is not an answer worth replaying:
 * it failed, was cut, carried reasoning (a replay could not show it), or any choice ended other
 * than `stop` or `tool_calls` (a truncated `length` answer is never cached).
 */
export function createCompletionCollector() {
  let id = '';
  let model = '';
  let created = 0;
  let usage: Usage | undefined;
  let unreplayable = false;
  const choices = new Map<number, ChoiceDraft>();

  function choice(index: number): ChoiceDraft {
    let draft = choices.get(index);
    if (draft === undefined) {
      draft = { content: '', toolCalls: [], finishReason: undefined };
      choices.set(index, draft);
    }
    return draft;
  }

  return {
    add(part: StreamPart): void {
      switch (part.type) {
        case 'stream-start':
          ({ id, model, created } = part);
          return;
        case 'text-delta':
          choice(part.choiceIndex).content += part.text;
          return;
        case 'tool-call-delta': {
          const calls = choice(part.choiceIndex).toolCalls;
          const call = (calls[part.toolCallIndex] ??= { id: '', name: '', arguments: '' });
          if (part.id !== undefined) call.id = part.id;
          if (part.name !== undefined) call.name += part.name;
          call.arguments += part.argumentsDelta;
          return;
        }
        case 'finish-reason':
          choice(part.choiceIndex).finishReason = part.finishReason;
          return;
        case 'usage':
          usage = part.usage;
          return;
        case 'reasoning-delta':
        case 'error':
          unreplayable = true;
          return;
        case 'raw':
          return;
      }
    },

    /** The collected answer, or `undefined` when it must not be cached. */
    completion(): ChatCompletionBody | undefined {
      if (unreplayable || choices.size === 0 || id === '') return undefined;
      const ordered = [...choices.entries()].sort(([left], [right]) => left - right);
      if (ordered.some(([, draft]) => draft.finishReason !== 'stop' && draft.finishReason !== 'tool-calls')) return undefined;
      return {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: ordered.map(([index, draft]) => ({
          index,
          message: {
            role: 'assistant',
            content: draft.content === '' && draft.toolCalls.length > 0 ? null : draft.content,
            refusal: null,
            ...(draft.toolCalls.length > 0
              ? { tool_calls: draft.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
              : {}),
          },
          finish_reason: openAIFinishReason[draft.finishReason as FinishReason],
          logprobs: null,
        })),
        ...(usage === undefined ? {} : { usage: toOpenAIUsage(usage) }),
      } as ChatCompletionBody;
    },
  };
}
