import { readCacheDirectives } from '../read-cache-directives.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.js';
import { toTollgateError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ModelCall, ModelRequest } from '../../core/model-call.js';
import { formatUsd } from '../../core/money.js';
import { createRequestContext, type RequestContext } from '../../core/request-context.js';
import { parseChatRequest } from '../chat-request-schema.js';
import { readRequestBody } from '../read-request-body.js';
import { createOpenAIChunkEncoder } from '../openai-chunk-encoder.js';
import { createRequestId } from '../request-id.js';
import type { RequestAuthenticator } from '../authenticate-request.js';
import { authenticatedTags } from '../caller-tags.js';
import { clientDisconnectSignal } from '../client-disconnect-signal.js';
import { writeErrorResponse } from '../write-error.js';
import { requestCostNanos, tollgateHeaders } from './response-headers.js';

export interface ChatCompletionsRouteOptions {
  /** Virtual-key authentication; without it requests are attributed by headers only. */
  readonly authenticate?: RequestAuthenticator | undefined;
  readonly pipeline: ModelCall;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
}

const endpoint = '/v1/chat/completions';

/** `POST /v1/chat/completions`: OpenAI wire format in and out, streaming and not. */
export function chatCompletionsRoute(options: ChatCompletionsRouteOptions) {
  const { pipeline, clock } = options;

  return async function chatCompletions(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAtMonotonic = clock.monotonic();
    const requestId = createRequestId(clock.now());
    let context: RequestContext | undefined;
    try {
      const bytes = await readRequestBody(request, options.maxBodyBytes);
      const body = parseChatRequest(bytes);
      context = createRequestContext({
        requestId,
        tags: await authenticatedTags(options.authenticate, request.headers, body.model, body.user, endpoint),
        logicalModel: body.model,
        clientFormat: 'openai',
        stream: body.stream === true,
        receivedAt: clock.now(),
        receivedAtMonotonic,
        cacheDirectives: readCacheDirectives(request.headers),
      });
      const signal = clientDisconnectSignal(response);
      const modelRequest: ModelRequest = { body, rawBody: bytes, context, signal };
      if (context.stream) await streamCompletion(modelRequest, context, response);
      else await generateCompletion(modelRequest, context, response);
    } catch (error) {
      const failure = toTollgateError(error);
      if (failure.code === 'TG_ERR_INTERNAL') options.logger.error('chat completion failed', { requestId, error: failure.message });
      if (response.headersSent) {
        // A failure after the stream started: say so in the stream, never leave it hanging open.
        if (!response.writableEnded && !response.destroyed) response.end(`data: ${JSON.stringify(failure.toOpenAIBody())}\n\n`);
        return;
      }
      writeErrorResponse(response, failure, context === undefined ? { 'x-tollgate-request-id': requestId } : tollgateHeaders(context, clock));
    }
  };

  async function generateCompletion(modelRequest: ModelRequest, context: RequestContext, response: ServerResponse): Promise<void> {
    const result = await pipeline.generate(modelRequest);
    const payload = result.rawBody ?? Buffer.from(JSON.stringify(result.body));
    response.writeHead(200, {
      ...tollgateHeaders(context, clock),
      'content-type': 'application/json',
      'content-length': payload.byteLength,
    });
    response.end(payload);
  }

  async function streamCompletion(modelRequest: ModelRequest, context: RequestContext, response: ServerResponse): Promise<void> {
    const beforeUpstream = clock.monotonic();
    const stream = await pipeline.stream(modelRequest);
    const afterUpstream = clock.monotonic();
    const clientWantsUsage = modelRequest.body.stream_options?.include_usage === true;
    // Bytes pass straight through when the upstream already speaks OpenAI; otherwise typed parts are encoded.
    const passThrough = stream.wireFormat === 'openai-chat';
    const encoder = passThrough ? undefined : createOpenAIChunkEncoder({ includeUsage: clientWantsUsage, fallbackModel: context.logicalModel, created: Math.floor(context.receivedAt / 1000) });
    // The stream's own attempt settles after the headers: the overhead is the time around the call.
    const upstreamWait = afterUpstream - beforeUpstream - sumSettledLatency(context);
    const overhead = clock.monotonic() - context.receivedAtMonotonic - sumSettledLatency(context) - Math.max(0, upstreamWait);
    response.writeHead(200, {
      ...tollgateHeaders(context, clock, Math.max(0, overhead)),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    let sawDone = !passThrough;
    for await (const part of stream) {
      if (response.destroyed) break;
      if (part.type === 'error') {
        // After the first byte a failure is an explicit error event, never a clean-looking end.
        response.write(`data: ${JSON.stringify(part.error.toOpenAIBody())}\n\n`);
        response.end();
        return;
      }
      let data: string | undefined;
      if (encoder !== undefined) {
        const chunk = encoder.encode(part);
        data = chunk === undefined ? undefined : JSON.stringify(chunk);
      } else if (part.type === 'raw') {
        if (part.data === '[DONE]') sawDone = true;
        else if (!part.usageOnly || clientWantsUsage) data = part.data;
      }
      if (data !== undefined && !response.write(`data: ${data}\n\n`)) await waitForDrain(response);
    }
    if (response.destroyed) return;
    if (sawDone) {
      const cost = requestCostNanos(context);
      response.write(`: x-tollgate-cost-usd=${cost === null ? 'unknown' : formatUsd(cost)}\n\ndata: [DONE]\n\n`);
    }
    response.end();
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
