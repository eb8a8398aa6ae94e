import type { ChatRequestBody } from '../../../core/chat-request.js';
import type { ModelCall, ModelRequest } from '../../../core/model-call.js';

export interface VerifyWithModelOptions {
  /** The gateway's dispatch (resilient, metered), so the check is an attempt of the request it serves. */
  readonly call: ModelCall;
  /** A cheap logical model, e.g. `gpt-4o-mini`. */
  readonly model: string;
}

const instructions =
  'You compare two questions sent to an assistant. Answer "yes" only if they ask for the same thing, so that one answer ' +
  'serves both exactly (same subject, same direction, same quantities, same constraints). Otherwise answer "no". Answer with one word.';

/**
 * The semantic cache's optional second opinion: a cheap model is asked whether the new prompt and
 * the cached one ask the same thing, and the cached answer is served only on a plain "yes". Its
 * call is metered as an attempt of the request (its cost shows in the ledger and the budget), and
 * the verdict is a warning the caller can see.
 */
export function verifyWithModel(options: VerifyWithModelOptions) {
  return async function verifySemanticHit(request: ModelRequest, question: string, candidate: string): Promise<boolean> {
    const body = {
      model: options.model,
      max_tokens: 3,
      temperature: 0,
      messages: [
        { role: 'system', content: instructions },
        { role: 'user', content: `Question A:\n${question}\n\nQuestion B:\n${candidate}` },
      ],
    } as ChatRequestBody;
    const response = await options.call.generate({ body, rawBody: undefined, context: request.context, signal: request.signal });
    const content = response.body.choices[0]?.message?.content;
    const verdict = typeof content === 'string' && /^\s*yes\b/i.test(content);
    request.context.warnings.push(`semantic cache candidate ${verdict ? 'confirmed' : 'rejected'} by ${options.model}`);
    return verdict;
  };
}
