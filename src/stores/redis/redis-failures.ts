import { TollgateError } from '../../core/errors.js';

/** A Redis failure (error, timeout, dropped connection) as the stable code callers apply their policy to. */
export function storeUnavailable(store: string, operation: string, cause: unknown): TollgateError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TollgateError({ code: 'TG_ERR_STORE_UNAVAILABLE', message: `${store} unavailable (${operation}): ${reason}`, cause });
}

/** Runs Redis work for `store`, turning any failure into `TG_ERR_STORE_UNAVAILABLE`. */
export function redisFailuresAsUnavailable(store: string) {
  return async function run<Result>(operation: string, work: () => Promise<Result>): Promise<Result> {
    try {
      return await work();
    } catch (error) {
      throw storeUnavailable(store, operation, error);
    }
  };
}
