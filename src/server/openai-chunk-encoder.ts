import { toOpenAIUsage } from '../core/openai-usage.js';
import type { ChatCompletionChunkBody, OpenAIUsage } from '../core/chat-request.js';
import type { FinishReason, StreamPart } from '../core/stream-part.js';
import type { Usage } from '../core/usage.js';

const openAIFinishReasons: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

/**
 * Encodes typed stream parts as OpenAI `chat.completion.chunk` objects, for streams whose native
 * wire format is not OpenAI's (Anthropic, Gemini, …). Returns the chunk for a part, or `undefined`
 * when the part produces no chunk. `error` and `raw` parts are the caller's business.
 */
export function createOpenAIChunkEncoder(options: { readonly includeUsage: boolean; readonly fallbackModel: string; readonly created: number }) {
  let id = 'chatcmpl-tollgate';
  let model = options.fallbackModel;
  let created = options.created;
  const startedChoices = new Set<number>();

  const chunk = (choices: ChatCompletionChunkBody['choices'], usage?: OpenAIUsage): ChatCompletionChunkBody => {
    const body: ChatCompletionChunkBody = { id, object: 'chat.completion.chunk', created, model, choices };
    if (options.includeUsage) body.usage = usage ?? null;
    return body;
  };
  // The first chunk of each choice carries the assistant role, as OpenAI's do.
  const delta = (choiceIndex: number, fields: ChatCompletionChunkBody['choices'][number]['delta']) => {
    const first = !startedChoices.has(choiceIndex);
    startedChoices.add(choiceIndex);
    return first ? { role: 'assistant', ...fields } : fields;
  };

  return {
    encode(part: StreamPart): ChatCompletionChunkBody | undefined {
      switch (part.type) {
        case 'stream-start':
          id = part.id;
          model = part.model;
          created = part.created;
          return undefined;
        case 'text-delta':
          return chunk([{ index: part.choiceIndex, delta: delta(part.choiceIndex, { content: part.text }), finish_reason: null }]);
        case 'reasoning-delta':
          return chunk([{ index: part.choiceIndex, delta: delta(part.choiceIndex, { reasoning_content: part.text }), finish_reason: null }]);
        case 'tool-call-delta': {
          const call: NonNullable<ChatCompletionChunkBody['choices'][number]['delta']['tool_calls']>[number] = {
            index: part.toolCallIndex,
            function: { arguments: part.argumentsDelta },
          };
          if (part.id !== undefined) {
            call.id = part.id;
            call.type = 'function';
          }
          if (part.name !== undefined && call.function !== undefined) call.function.name = part.name;
          return chunk([{ index: part.choiceIndex, delta: delta(part.choiceIndex, { content: null, tool_calls: [call] }), finish_reason: null }]);
        }
        case 'finish-reason':
          return chunk([{ index: part.choiceIndex, delta: delta(part.choiceIndex, {}), finish_reason: openAIFinishReasons[part.finishReason] }]);
        case 'usage':
          return options.includeUsage ? chunk([], toOpenAIUsage(part.usage)) : undefined;
        default:
          return undefined;
      }
    },
  };
}

export { toOpenAIUsage };
