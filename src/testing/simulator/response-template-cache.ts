/**
 * Rendered responses, cached per identical request so a repeated request (the latency
 * benchmark's case) skips planning and rendering: only the envelope (id, created) changes.
 *
 * A template is the response text rendered with a NUL character in place of the envelope
 * members, split on it. NUL can never occur elsewhere in the output because JSON escapes
 * control characters. Entries are keyed by the raw body plus anything else the plan depends
 * on (the `cached_tokens` observed for this request), and evicted oldest first.
 */
import type { StreamFrame } from './chat-completion-stream.js';

export const envelopePlaceholder = '\u0000';

export interface ResponseTemplate {
  /** Rendered text split on the envelope placeholder. */
  readonly parts: readonly string[];
  /** Streaming only: the frames, each with the placeholder, for paced or cut streams. */
  readonly frames: readonly StreamFrame[];
  /** For latency: the largest completion and reasoning token counts among the choices. */
  readonly slowestCompletionTokens: number;
  readonly slowestReasoningTokens: number;
}

export interface ResponseTemplateCache {
  get(key: string): ResponseTemplate | undefined;
  set(key: string, template: ResponseTemplate): void;
}

export interface ResponseTemplateCacheOptions {
  readonly capacity?: number;
  /** Bodies longer than this are not cached (their key alone would be large). */
  readonly maximumKeyLength?: number;
}

export function createResponseTemplateCache(options: ResponseTemplateCacheOptions = {}): ResponseTemplateCache {
  const capacity = options.capacity ?? 256;
  const maximumKeyLength = options.maximumKeyLength ?? 256 * 1024;
  const templates = new Map<string, ResponseTemplate>();
  return {
    get: (key) => templates.get(key),
    set(key, template) {
      if (key.length > maximumKeyLength || capacity <= 0) return;
      templates.set(key, template);
      if (templates.size > capacity) {
        const oldest = templates.keys().next();
        if (oldest.done !== true) templates.delete(oldest.value);
      }
    },
  };
}

/** Stamps a template with the real envelope members. */
export function fillTemplate(template: ResponseTemplate, members: string): string {
  return template.parts.join(members);
}
