import type { ChatRequestBody } from '../core/chat-request.js';
import type { ModelRequest } from '../core/model-call.js';
import { createRequestContext, type RequestContext } from '../core/request-context.js';

export interface ModelRequestFixtureOptions {
  readonly rawBody?: Uint8Array;
  readonly signal?: AbortSignal;
  readonly clientFormat?: RequestContext['clientFormat'];
}

/** A `ModelRequest` for adapter and stage tests, with a fresh context. */
export function makeModelRequest(body: ChatRequestBody, options: ModelRequestFixtureOptions = {}): ModelRequest {
  const context = createRequestContext({
    requestId: 'req-fixture',
    tags: { virtualKeyId: undefined, org: undefined, team: undefined, user: undefined, feature: undefined, endpoint: '/v1/chat/completions' },
    logicalModel: body.model,
    clientFormat: options.clientFormat ?? 'openai',
    stream: body.stream === true,
    receivedAt: 0,
    receivedAtMonotonic: 0,
  });
  return { body, rawBody: options.rawBody, context, signal: options.signal };
}
