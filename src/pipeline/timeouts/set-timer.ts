/** Schedules `callback` after `delayMs`; returns a function that cancels it. Injected so tests control time. */
export type SetTimer = (callback: () => void, delayMs: number) => () => void;

/** Real timers that never keep the process alive on their own (the upstream socket does, while it matters). */
export const unrefSetTimer: SetTimer = (callback, delayMs) => {
  const handle = setTimeout(callback, delayMs);
  handle.unref();
  return () => clearTimeout(handle);
};
