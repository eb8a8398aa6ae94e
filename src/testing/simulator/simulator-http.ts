/**
 * Small node:http helpers for the simulator: body reading, JSON/error replies, SSE writing
 * with pacing and deliberate stream cuts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamFrame } from './chat-completion-stream.js';

export const simulatorHeaderName = 'x-simulator';
export const simulatorHeaderValue = 'tollgate-provider-simulator';

const maximumBodyBytes = 64 * 1024 * 1024;

/** An error reply in any provider's shape (OpenAI, Anthropic or Gemini body). */
export interface ErrorReply {
  readonly status: number;
  readonly body: object;
  readonly headers: Readonly<Record<string, string>>;
}

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    request.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes > maximumBodyBytes) {
        reject(new BodyTooLargeError(`Request body exceeds ${maximumBodyBytes} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0]?.toString('utf8') ?? '') : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The body as a JSON object, or `undefined` when it is not one. */
export function parseJsonObject(bodyText: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `Authorization: Bearer <anything non-empty>`. */
export function hasBearerToken(request: IncomingMessage): boolean {
  const header = request.headers.authorization;
  return header !== undefined && /^Bearer\s+\S/i.test(header);
}

export function sendJson(response: ServerResponse, status: number, bodyText: string, headers: Readonly<Record<string, string>> = {}): void {
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(bodyText),
    [simulatorHeaderName]: simulatorHeaderValue,
  });
  response.end(bodyText);
}

export function sendError(response: ServerResponse, error: ErrorReply, headers: Readonly<Record<string, string>> = {}): void {
  sendJson(response, error.status, JSON.stringify(error.body), { ...headers, ...error.headers });
}

/** Sends the first part of a JSON body, then destroys the socket (a non-streaming "cut"). */
export function sendTruncatedJson(response: ServerResponse, bodyText: string, headers: Readonly<Record<string, string>>): void {
  response.writeHead(200, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(bodyText),
    [simulatorHeaderName]: simulatorHeaderValue,
  });
  response.write(bodyText.slice(0, Math.floor(bodyText.length / 2)), () => response.socket?.destroy());
}

export interface StreamPacing {
  /** Wait before the first frame (time to first token, plus reasoning time). */
  readonly firstFrameDelayMs: number;
  /** Output speed; non-finite or <= 0 means no per-token wait. */
  readonly tokensPerSecond: number;
  /** Destroy the socket after this many frames, without `[DONE]`. */
  readonly cutAfterChunks: number | undefined;
  readonly sleep: (milliseconds: number) => Promise<void>;
}

/**
 * Writes SSE frames. Without latency or a cut, the whole stream is one write (the fast path
 * a benchmark takes); otherwise frames are paced at the model's speed.
 */
export async function writeStream(
  response: ServerResponse,
  frames: readonly StreamFrame[],
  pacing: StreamPacing,
  headers: Readonly<Record<string, string>>,
  contentType = 'text/event-stream; charset=utf-8',
): Promise<void> {
  response.writeHead(200, {
    ...headers,
    'content-type': contentType,
    'cache-control': 'no-cache',
    [simulatorHeaderName]: simulatorHeaderValue,
  });
  const paced = Number.isFinite(pacing.tokensPerSecond) && pacing.tokensPerSecond > 0;
  const cut = pacing.cutAfterChunks;
  if (!paced && pacing.firstFrameDelayMs <= 0 && cut === undefined) {
    response.end(joinFrames(frames));
    return;
  }
  let clientGone = false;
  response.once('close', () => {
    clientGone = true;
  });
  if (pacing.firstFrameDelayMs > 0) {
    response.flushHeaders();
    await pacing.sleep(pacing.firstFrameDelayMs);
  }
  const sendable = cut === undefined ? frames : frames.slice(0, cut);
  if (!paced) {
    finish(response, joinFrames(sendable), cut !== undefined);
    return;
  }
  for (const [position, frame] of sendable.entries()) {
    if (clientGone) return;
    if (frame.outputTokens > 0) await pacing.sleep((frame.outputTokens / pacing.tokensPerSecond) * 1000);
    if (position === sendable.length - 1) finish(response, frame.text, cut !== undefined);
    else response.write(frame.text);
  }
  if (sendable.length === 0) finish(response, '', cut !== undefined);
}

function finish(response: ServerResponse, text: string, cut: boolean): void {
  if (!cut) {
    response.end(text);
    return;
  }
  // Flush what was promised, then drop the connection without the terminating chunk.
  if (text === '') response.socket?.destroy();
  else response.write(text, () => response.socket?.destroy());
}

function joinFrames(frames: readonly StreamFrame[]): string {
  let text = '';
  for (const frame of frames) text += frame.text;
  return text;
}
