/** An abort controller that also follows a parent signal (the client's), until disposed. */
export interface LinkedAbort {
  /** Aborted when the parent aborts (with its reason) or when `abort` is called. */
  readonly signal: AbortSignal;
  abort(reason: unknown): void;
  /** Stops following the parent, so a long-lived parent does not keep a listener per call. */
  dispose(): void;
}

export function linkAbortSignal(parent: AbortSignal | undefined): LinkedAbort {
  const controller = new AbortController();
  const abort = (reason: unknown) => controller.abort(reason);
  if (parent === undefined) return { signal: controller.signal, abort, dispose: () => {} };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, abort, dispose: () => {} };
  }
  const follow = () => controller.abort(parent.reason);
  parent.addEventListener('abort', follow, { once: true });
  return { signal: controller.signal, abort, dispose: () => parent.removeEventListener('abort', follow) };
}
