/**
 * The fault step shared by the simulated endpoints of all three wire formats.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultHeader, type FaultSchedule, type SimulatedFault } from './fault-schedule.js';
import { errorForStatus, simulatorError, type StatusErrorOptions } from './openai-error.js';
import { sendError, type ErrorReply } from './simulator-http.js';

export const faultHeaderName = 'x-simulator-fault';

export interface FaultContext {
  readonly faultSchedule: FaultSchedule;
  readonly sleep: (milliseconds: number) => Promise<void>;
  readonly log: (line: string) => void;
  countFault(): void;
}

/** How one provider words an injected failure. */
export interface FaultErrorFamily {
  /** The provider's error reply for an injected HTTP status (with its rate-limit headers for 429). */
  forStatus(status: number, options: StatusErrorOptions): ErrorReply;
  /** The provider's 400 for an unreadable `x-simulator-fault` header. */
  invalidRequest(message: string): ErrorReply;
}

export const openAiFaultErrors: FaultErrorFamily = {
  forStatus: errorForStatus,
  invalidRequest: (message) => simulatorError(400, message, { type: 'invalid_request_error' }),
};

export interface FaultOptions {
  /**
   * When a fault has both a status and `cutAfterChunks`, answer 200 and deliver the error
   * inside the stream after that many events (Anthropic's `event: error`) instead of failing
   * the request up front.
   */
  readonly errorInStream?: boolean;
}

export type FaultOutcome =
  | { readonly handled: true }
  | { readonly handled: false; readonly cutAfterChunks: number | undefined; readonly streamError?: ErrorReply };

/**
 * The `x-simulator-fault` header wins over the rules. Delay comes first, then a connection
 * reset or an error status; a stream cut is left for the response writer.
 */
export async function applyFault(
  context: FaultContext,
  request: IncomingMessage,
  response: ServerResponse,
  model: string,
  errors: FaultErrorFamily = openAiFaultErrors,
  options: FaultOptions = {},
): Promise<FaultOutcome> {
  const header = request.headers[faultHeaderName];
  let fault: SimulatedFault | undefined;
  if (typeof header === 'string' && header.trim() !== '') {
    const parsed = parseFaultHeader(header);
    if (!parsed.ok) {
      sendError(response, errors.invalidRequest(parsed.error.body.error.message));
      return { handled: true };
    }
    fault = parsed.value;
  } else {
    fault = context.faultSchedule.next(model);
  }
  if (fault === undefined) return { handled: false, cutAfterChunks: undefined };
  context.countFault();
  context.log(`[simulator] injecting fault ${JSON.stringify(fault)} for model ${model}`);
  if (fault.delayMs !== undefined && fault.delayMs > 0) await context.sleep(fault.delayMs);
  if (fault.resetConnection === true) {
    request.socket.resetAndDestroy();
    return { handled: true };
  }
  if (fault.status !== undefined) {
    const error = errors.forStatus(fault.status, { model, retryAfterSeconds: fault.retryAfterSeconds, message: fault.message });
    if (options.errorInStream === true && fault.cutAfterChunks !== undefined) {
      return { handled: false, cutAfterChunks: fault.cutAfterChunks, streamError: error };
    }
    sendError(response, error);
    return { handled: true };
  }
  return { handled: false, cutAfterChunks: fault.cutAfterChunks };
}
