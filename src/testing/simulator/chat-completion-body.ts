/**
 * Renders a completion plan as a non-streaming `chat.completion` object.
 */
import type { CompletionPlan, PlannedChoice, TokenLogprob } from './completion-plan.js';

export const simulatorFingerprint = 'fp_tollgate_simulator';

/** Fields shared by every object of one response (the streamed chunks included). */
export interface ResponseEnvelope {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

/**
 * The envelope as JSON members (`"id":…,"object":…,"created":…,"model":…`). Renderers take
 * this pre-serialized text so a cached response can be re-stamped with a new id cheaply.
 */
export function envelopeMembers(envelope: ResponseEnvelope, object: 'chat.completion' | 'chat.completion.chunk'): string {
  return `"id":${JSON.stringify(envelope.id)},"object":"${object}","created":${envelope.created},"model":${JSON.stringify(envelope.model)}`;
}

export function renderChatCompletion(plan: CompletionPlan, members: string): string {
  const choices = JSON.stringify(plan.choices.map(renderChoice));
  return `{${members},"choices":${choices},"usage":${JSON.stringify(plan.usage)},"service_tier":"default","system_fingerprint":"${simulatorFingerprint}"}`;
}

function renderChoice(choice: PlannedChoice): object {
  const { toolCall } = choice;
  const message =
    toolCall === undefined
      ? { role: 'assistant', content: choice.content.tokens.join(''), refusal: null, annotations: [] }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.argumentTokens.tokens.join('') } },
          ],
          refusal: null,
          annotations: [],
        };
  return {
    index: choice.index,
    message,
    logprobs: renderLogprobs(choice.logprobs),
    finish_reason: choice.finishReason,
  };
}

export function renderLogprobs(logprobs: readonly TokenLogprob[] | undefined): object | null {
  return logprobs === undefined ? null : { content: logprobs, refusal: null };
}
