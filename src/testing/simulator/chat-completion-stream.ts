/**
 * Renders a completion plan as `chat.completion.chunk` SSE frames, the way OpenAI streams:
 * per choice a first chunk with `role: "assistant"` (and `content: ""`, or the tool call's
 * id/type/name with empty arguments), then content or tool-argument deltas of a few tokens
 * each, then a chunk with an empty delta and the `finish_reason`. With
 * `stream_options.include_usage` every chunk carries `usage: null` and a final chunk with
 * `choices: []` carries the usage. The stream ends with `data: [DONE]`.
 *
 * Frames are built by string concatenation around a per-response prefix: JSON.stringify
 * runs only on the small variable parts, which keeps a 200-token stream in the microseconds.
 */
import { renderLogprobs, simulatorFingerprint } from './chat-completion-body.js';
import type { CompletionPlan, PlannedChoice } from './completion-plan.js';

export interface StreamFrame {
  /** The complete SSE event text, `data: …\n\n`. */
  readonly text: string;
  /** Output tokens this frame carries, for pacing at the model's tokens-per-second. */
  readonly outputTokens: number;
}

export interface StreamRenderOptions {
  readonly includeUsage: boolean;
  readonly tokensPerChunk: number;
}

export const doneFrame = 'data: [DONE]\n\n';

/** `members` comes from `envelopeMembers(envelope, 'chat.completion.chunk')`. */
export function renderChatCompletionStream(plan: CompletionPlan, members: string, options: StreamRenderOptions): StreamFrame[] {
  const prefix = `data: {${members},"service_tier":"default","system_fingerprint":"${simulatorFingerprint}","choices":[`;
  const suffix = options.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  const perChoice = plan.choices.map((choice) =>
    renderChoiceDeltas(choice, Math.max(1, options.tokensPerChunk)).map((delta) => ({
      text: prefix + delta.choiceJson + suffix,
      outputTokens: delta.outputTokens,
    })),
  );
  const frames = interleave(perChoice);
  if (options.includeUsage) {
    frames.push({ text: `${prefix}],"usage":${JSON.stringify(plan.usage)}}\n\n`, outputTokens: 0 });
  }
  frames.push({ text: doneFrame, outputTokens: 0 });
  return frames;
}

interface ChoiceDelta {
  readonly choiceJson: string;
  readonly outputTokens: number;
}

function renderChoiceDeltas(choice: PlannedChoice, tokensPerChunk: number): ChoiceDelta[] {
  const head = `{"index":${choice.index},"delta":`;
  const wantsLogprobs = choice.logprobs !== undefined;
  const emptyLogprobs = wantsLogprobs ? '{"content":[],"refusal":null}' : 'null';
  const deltas: ChoiceDelta[] = [];
  const { toolCall } = choice;
  if (toolCall === undefined) {
    deltas.push({ choiceJson: `${head}{"role":"assistant","content":"","refusal":null},"logprobs":${emptyLogprobs},"finish_reason":null}`, outputTokens: 0 });
    const { tokens } = choice.content;
    for (let start = 0; start < tokens.length; start += tokensPerChunk) {
      const text = joinRange(tokens, start, start + tokensPerChunk);
      const logprobs = wantsLogprobs ? JSON.stringify(renderLogprobs(choice.logprobs?.slice(start, start + tokensPerChunk))) : 'null';
      deltas.push({
        choiceJson: `${head}{"content":${JSON.stringify(text)}},"logprobs":${logprobs},"finish_reason":null}`,
        outputTokens: Math.min(tokensPerChunk, tokens.length - start),
      });
    }
  } else {
    const opening = { index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } };
    deltas.push({
      choiceJson: `${head}{"role":"assistant","content":null,"tool_calls":[${JSON.stringify(opening)}],"refusal":null},"logprobs":${emptyLogprobs},"finish_reason":null}`,
      outputTokens: 0,
    });
    const { tokens } = toolCall.argumentTokens;
    for (let start = 0; start < tokens.length; start += tokensPerChunk) {
      const piece = joinRange(tokens, start, start + tokensPerChunk);
      deltas.push({
        choiceJson: `${head}{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(piece)}}}]},"logprobs":null,"finish_reason":null}`,
        outputTokens: Math.min(tokensPerChunk, tokens.length - start),
      });
    }
  }
  deltas.push({ choiceJson: `${head}{},"logprobs":null,"finish_reason":"${choice.finishReason}"}`, outputTokens: 0 });
  return deltas;
}

function joinRange(tokens: readonly string[], start: number, end: number): string {
  let text = '';
  for (let index = start; index < end && index < tokens.length; index++) text += tokens[index];
  return text;
}

/** Round-robin over the choices, as OpenAI interleaves the chunks of n > 1 choices. */
function interleave(perChoice: readonly StreamFrame[][]): StreamFrame[] {
  const frames: StreamFrame[] = [];
  const longest = Math.max(0, ...perChoice.map((list) => list.length));
  for (let position = 0; position < longest; position++) {
    for (const list of perChoice) {
      const frame = list[position];
      if (frame !== undefined) frames.push(frame);
    }
  }
  return frames;
}
