import type { Clock } from '../../core/clock.js';

export interface StickyAssignmentsOptions {
  readonly clock: Clock;
  /** How long an assignment lives after its last use. */
  readonly ttlMs: number;
  /** At most this many assignments are kept; the least recently used goes first. */
  readonly maxEntries: number;
}

/**
 * Sticky key → deployment key, with a sliding TTL and a bounded LRU. The TTL slides (each use
 * renews it) because provider prompt caches also live on after each hit, for minutes of idleness.
 */
export interface StickyAssignments {
  /** The live assignment for `stickyKey`, renewing its TTL and recency; `undefined` when absent or expired. */
  get(stickyKey: string): string | undefined;
  /** Assigns (or re-assigns) `stickyKey`, evicting the least recently used entry when full. */
  set(stickyKey: string, deploymentKey: string): void;
  readonly size: number;
}

interface Assignment {
  deploymentKey: string;
  expiresAtMonotonic: number;
}

export function createStickyAssignments(options: StickyAssignmentsOptions): StickyAssignments {
  const { clock, ttlMs, maxEntries } = options;
  if (!(ttlMs > 0 && ttlMs < Infinity)) throw new RangeError(`stickiness ttlMs must be a finite number > 0, got ${ttlMs}`);
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`stickiness maxEntries must be a positive integer, got ${maxEntries}`);
  }
  // A Map iterates in insertion order; re-inserting on every use keeps the least recently used first.
  // With one TTL for all, that entry is also the first to expire.
  const assignments = new Map<string, Assignment>();

  function dropExpiredFromFront(now: number): void {
    for (const [stickyKey, assignment] of assignments) {
      if (now < assignment.expiresAtMonotonic) return;
      assignments.delete(stickyKey);
    }
  }

  return {
    get(stickyKey) {
      const assignment = assignments.get(stickyKey);
      if (assignment === undefined) return undefined;
      const now = clock.monotonic();
      assignments.delete(stickyKey);
      if (now >= assignment.expiresAtMonotonic) return undefined;
      assignment.expiresAtMonotonic = now + ttlMs;
      assignments.set(stickyKey, assignment);
      return assignment.deploymentKey;
    },
    set(stickyKey, deploymentKey) {
      const now = clock.monotonic();
      assignments.delete(stickyKey);
      dropExpiredFromFront(now);
      if (assignments.size >= maxEntries) {
        const leastRecent = assignments.keys().next();
        if (leastRecent.done !== true) assignments.delete(leastRecent.value);
      }
      assignments.set(stickyKey, { deploymentKey, expiresAtMonotonic: now + ttlMs });
    },
    get size() {
      return assignments.size;
    },
  };
}
