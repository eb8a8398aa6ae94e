/**
 * Decides what a simulated completion says: per choice the text, JSON or tool call, its
 * tokens, finish reason and logprobs, plus the request's usage. Everything is derived from
 * a seeded PRNG (request `seed`, else a hash of the messages), so equal requests get equal
 * answers. Rendering to the wire format lives in chat-completion-body.ts / chat-completion-stream.ts.
 */
import type { ChatCompletionRequest, ToolDefinition } from './chat-request.js';
import { generateValueForSchema } from './schema-value.js';
import { createSeededRandom, hashInteger, hashString, type SeededRandom } from './seeded-random.js';
import { tokenizeText, type TextGenerator, type TokenizedText } from './text-generator.js';

export interface PlannedToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments JSON string, as its tokens (streamed in several deltas). */
  readonly argumentTokens: TokenizedText;
}

export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: readonly number[];
  readonly top_logprobs: readonly { readonly token: string; readonly logprob: number; readonly bytes: readonly number[] }[];
}

export interface PlannedChoice {
  readonly index: number;
  /** Visible content tokens; empty for a tool call. */
  readonly content: TokenizedText;
  readonly toolCall: PlannedToolCall | undefined;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  /** Per content token, when the request asked for `logprobs`. */
  readonly logprobs: readonly TokenLogprob[] | undefined;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
}

export interface ChatCompletionUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number; readonly audio_tokens: number };
  readonly completion_tokens_details: {
    readonly reasoning_tokens: number;
    readonly audio_tokens: number;
    readonly accepted_prediction_tokens: number;
    readonly rejected_prediction_tokens: number;
  };
}

export interface CompletionPlan {
  readonly choices: readonly PlannedChoice[];
  readonly usage: ChatCompletionUsage;
}

export interface PlanContext {
  readonly textGenerator: TextGenerator;
  readonly reasoningModel: boolean;
  readonly promptTokens: number;
  readonly cachedTokens: number;
}

export function planCompletion(request: ChatCompletionRequest, context: PlanContext): CompletionPlan {
  const baseSeed = request.seed ?? hashString(JSON.stringify(request.messages));
  const choices: PlannedChoice[] = [];
  for (let index = 0; index < request.choiceCount; index++) {
    choices.push(planChoice(request, context, index, createSeededRandom(hashInteger(index, hashInteger(baseSeed)))));
  }
  const completionTokens = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  const reasoningTokens = choices.reduce((sum, choice) => sum + choice.reasoningTokens, 0);
  return {
    choices,
    usage: {
      prompt_tokens: context.promptTokens,
      completion_tokens: completionTokens,
      total_tokens: context.promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: context.cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
  };
}

function planChoice(request: ChatCompletionRequest, context: PlanContext, index: number, random: SeededRandom): PlannedChoice {
  const cap = request.maxCompletionTokens ?? Number.POSITIVE_INFINITY;
  const reasoningTokens = context.reasoningModel ? Math.min(cap, 64 * random.integer(1, 4)) : 0;
  const tool = chooseTool(request);
  if (tool !== undefined) {
    const argumentsJson = JSON.stringify(generateValueForSchema(tool.function.parameters ?? { type: 'object' }, random));
    const argumentTokens = tokenizeText(argumentsJson);
    const nameTokens = tokenizeText(tool.function.name).tokens.length;
    return {
      index,
      content: { tokens: [] },
      toolCall: { id: `call_${randomIdentifier(random, 24)}`, name: tool.function.name, argumentTokens },
      finishReason: 'tool_calls',
      logprobs: request.logprobs ? [] : undefined,
      completionTokens: reasoningTokens + nameTokens + argumentTokens.tokens.length,
      reasoningTokens,
    };
  }
  const natural = generateContent(request, context, random);
  const visibleCap = cap - reasoningTokens;
  const truncated = natural.tokens.length > visibleCap;
  const content = truncated ? { tokens: natural.tokens.slice(0, Math.max(0, visibleCap)) } : natural;
  return {
    index,
    content,
    toolCall: undefined,
    finishReason: truncated ? 'length' : 'stop',
    logprobs: request.logprobs ? content.tokens.map((token) => tokenLogprob(token, random, request.topLogprobs)) : undefined,
    completionTokens: reasoningTokens + content.tokens.length,
    reasoningTokens,
  };
}

/**
 * A tool is called when tools are present and `tool_choice` is not "none": the forced
 * function, else the first tool. With the default/"auto" choice, a conversation whose last
 * message is a tool result is answered with text instead.
 */
function chooseTool(request: ChatCompletionRequest): ToolDefinition | undefined {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice === 'none') return undefined;
  if (typeof toolChoice === 'object') {
    return tools.find((tool) => tool.function.name === toolChoice.functionName) ?? tools[0];
  }
  const lastRole = request.messages[request.messages.length - 1]?.role;
  if (toolChoice !== 'required' && lastRole === 'tool') return undefined;
  return tools[0];
}

function generateContent(request: ChatCompletionRequest, context: PlanContext, random: SeededRandom): TokenizedText {
  const format = request.responseFormat;
  if (format.type === 'json_schema') {
    return tokenizeText(JSON.stringify(generateValueForSchema(format.schema, random)));
  }
  if (format.type === 'json_object') {
    const topics = [context.textGenerator.sentence(random), context.textGenerator.sentence(random)];
    const answer = { answer: context.textGenerator.sentence(random), confidence: Math.round(random.next() * 100) / 100, topics };
    return tokenizeText(JSON.stringify(answer));
  }
  return context.textGenerator.generate(random, { minimumTokens: 20, maximumTokens: 200 });
}

const alternativeTokens = [' the', ' a', ' and', ' of', ' to', ' in', ' is', ' that', ' it', ' for'];

function tokenLogprob(token: string, random: SeededRandom, topCount: number): TokenLogprob {
  const logprob = roundLogprob(-(random.next() ** 3) * 2.5);
  const top = [{ token, logprob, bytes: utf8Bytes(token) }];
  for (let rank = 1; rank < topCount; rank++) {
    const alternative = alternativeTokens[(rank - 1) % alternativeTokens.length] ?? ' the';
    top.push({ token: alternative, logprob: roundLogprob(logprob - rank - random.next() * 2), bytes: utf8Bytes(alternative) });
  }
  return { token, logprob, bytes: utf8Bytes(token), top_logprobs: topCount > 0 ? top : [] };
}

function roundLogprob(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function utf8Bytes(text: string): number[] {
  return Array.from(Buffer.from(text, 'utf8'));
}

const identifierAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomIdentifier(random: SeededRandom, length: number): string {
  let identifier = '';
  for (let index = 0; index < length; index++) {
    identifier += identifierAlphabet.charAt(Math.floor(random.next() * identifierAlphabet.length));
  }
  return identifier;
}
