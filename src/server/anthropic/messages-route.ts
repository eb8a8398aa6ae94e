import { readCacheDirectives } from '../read-cache-directives.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { toTollgateError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import { formatUsd } from '../../core/money.js';
import { createRequestContext, type RequestContext } from '../../core/request-context.js';
import { readRequestBody } from '../read-request-body.js';
import { createRequestId } from '../request-id.js';
import type { RequestAuthenticator } from '../authenticate-request.js';
import { authenticatedTags } from '../caller-tags.js';
import { clientDisconnectSignal } from '../client-disconnect-signal.js';
import { requestCostNanos, tollgateHeaders } from '../routes/response-headers.js';
import { toAnthropicErrorBody, writeAnthropicError } from './anthropic-error.js';
import { createAnthropicEventEncoder, formatServerSentEvent } from './anthropic-event-encoder.js';
import { parseAnthropicRequest } from './anthropic-request-schema.js';
import { toAnthropicMessage } from './to-anthropic-message.js';
import { toChatRequest } from './to-chat-request.js';

export interface MessagesRouteOptions {
  /** Virtual-key authentication; without it requests are attributed by headers only. */
  readonly authenticate?: RequestAuthenticator | undefined;
  readonly pipeline: ModelCall;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

const endpoint = '/v1/messages';

/**
 * `POST /v1/messages`: the Anthropic Messages API in and out, streaming and not, over the same
 * pipeline as the OpenAI door. `x-api-key` and `Authorization: Bearer` are both accepted (no key is
 * enforced yet), and so is any `anthropic-version`: the translation targets the 2023-06-01 wire
 * format, which later versions extend without breaking.
 */
export function messagesRoute(options: MessagesRouteOptions) {
  const { pipeline, clock } = options;

  return async function messages(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAtMonotonic = clock.monotonic();
    const requestId = createRequestId(clock.now());
    let context: RequestContext | undefined;
    try {
      const bytes = await readRequestBody(request, options.maxBodyBytes);
      const anthropicRequest = parseAnthropicRequest(bytes, { requireMaxTokens: true });
      const { body, warnings } = toChatRequest(anthropicRequest);
      context = createRequestContext({
        requestId,
        tags: await authenticatedTags(options.authenticate, request.headers, body.model, body.user, endpoint),
        logicalModel: body.model,
        clientFormat: 'anthropic',
        stream: body.stream === true,
        receivedAt: clock.now(),
        receivedAtMonotonic,
        cacheDirectives: readCacheDirectives(request.headers),
      });
      context.warnings.push(...warnings);
      const signal = clientDisconnectSignal(response);
      const modelRequest: ModelRequest = { body, rawBody: undefined, context, signal };
      const stopSequences = anthropicRequest.stop_sequences;
      if (context.stream) await streamMessage(modelRequest, context, stopSequences, response);
      else await generateMessage(modelRequest, context, stopSequences, response);
    } catch (error) {
      const failure = toTollgateError(error);
      if (failure.code === 'TG_ERR_INTERNAL') options.logger.error('anthropic message failed', { requestId, error: failure.message });
      if (response.headersSent) {
        // A failure after the stream started: an `error` event and no `message_stop`, never a hang.
        if (!response.writableEnded && !response.destroyed) response.end(formatServerSentEvent(toAnthropicErrorBody(failure, requestId)));
        return;
      }
      writeAnthropicError(response, failure, requestId, context === undefined ? { 'x-tollgate-request-id': requestId } : tollgateHeaders(context, clock));
    }
  };

  async function generateMessage(
    modelRequest: ModelRequest,
    context: RequestContext,
    stopSequences: readonly string[] | undefined,
    response: ServerResponse,
  ): Promise<void> {
    const result = await pipeline.generate(modelRequest);
    const { message, warnings } = toAnthropicMessage(result, { requestId: context.requestId, model: context.logicalModel, stopSequences });
    context.warnings.push(...warnings);
    const payload = JSON.stringify(message);
    response.writeHead(200, {
      ...tollgateHeaders(context, clock),
      'request-id': context.requestId,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
  }

  async function streamMessage(
    modelRequest: ModelRequest,
    context: RequestContext,
    stopSequences: readonly string[] | undefined,
    response: ServerResponse,
  ): Promise<void> {
    const beforeUpstream = clock.monotonic();
    const stream = await pipeline.stream(modelRequest);
    const afterUpstream = clock.monotonic();
    const encoder = createAnthropicEventEncoder({ requestId: context.requestId, model: context.logicalModel, stopSequences });
    // The stream's own attempt settles after the headers: the overhead is the time around the call.
    const upstreamWait = afterUpstream - beforeUpstream - sumSettledLatency(context);
    const overhead = clock.monotonic() - context.receivedAtMonotonic - sumSettledLatency(context) - Math.max(0, upstreamWait);
    response.writeHead(200, {
      ...tollgateHeaders(context, clock, Math.max(0, overhead)),
      'request-id': context.requestId,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    for await (const part of stream) {
      if (response.destroyed) return;
      const text = encoder.encode(part).map(formatServerSentEvent).join('');
      if (encoder.failed) {
        response.end(text);
        return;
      }
      if (text !== '' && !response.write(text)) await waitForDrain(response);
    }
    if (response.destroyed) return;
    const cost = requestCostNanos(context);
    const costComment = `: x-tollgate-cost-usd=${cost === null ? 'unknown' : formatUsd(cost)}\n\n`;
    response.end(costComment + encoder.finish().map(formatServerSentEvent).join(''));
  }
}

function sumSettledLatency(context: RequestContext): number {
  let total = 0;
  for (const attempt of context.attempts) total += attempt.upstreamLatencyMs;
  return total;
}

function waitForDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
