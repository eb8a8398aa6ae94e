import { Pool } from 'undici';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  /** Sorted latencies in ms. */
  readonly latencies: Float64Array;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the previous one
 * answered, for `seconds` (after `warmupSeconds` whose results are discarded).
 */
export async function generateLoad(options: {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', ...options.headers };
  const latencies: number[] = [];
  let errors = 0;
  let recording = false;
  let stopAt = performance.now() + options.warmupSeconds * 1000;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const started = performance.now();
      try {
        const response = await pool.request({ path: target.pathname, method: 'POST', headers, body: options.body });
        await response.body.arrayBuffer();
        if (response.statusCode !== 200) errors++;
      } catch {
        errors++;
      }
      if (recording) latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  errors = 0;
  recording = true;
  const startedAt = performance.now();
  stopAt = startedAt + options.seconds * 1000;
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - startedAt) / 1000;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return { requests: latencies.length, errors, seconds, latencies: sorted };
}

export function percentileOf(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}
