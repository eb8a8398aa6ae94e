import type { IncomingHttpHeaders } from 'node:http';
import { TollgateError } from '../core/errors.js';
import { defaultCacheDirectives, type CacheDirectives } from '../core/request-context.js';

const namespacePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/**
 * Cache controls a client may send: `cache-control: no-cache | no-store | max-age=<seconds>`
 * (other directives are ignored, as HTTP caches do) and `x-tollgate-cache-namespace: <name>`.
 * A malformed `max-age` or namespace is a 400 naming the header, never silently ignored.
 */
export function readCacheDirectives(headers: IncomingHttpHeaders): CacheDirectives {
  const control = headers['cache-control'];
  const namespaceHeader = headers['x-tollgate-cache-namespace'];
  if (control === undefined && namespaceHeader === undefined) return defaultCacheDirectives;
  let noCache = false;
  let noStore = false;
  let maxAgeMs: number | undefined;
  for (const directive of (Array.isArray(control) ? control.join(',') : control ?? '').split(',')) {
    const [rawName = '', rawValue] = directive.trim().split('=', 2);
    const name = rawName.trim().toLowerCase();
    if (name === 'no-cache') noCache = true;
    else if (name === 'no-store') noStore = true;
    else if (name === 'max-age') {
      const value = rawValue?.trim().replace(/^"|"$/g, '') ?? '';
      if (!/^\d{1,10}$/.test(value)) {
        throw new TollgateError({ code: 'TG_ERR_INVALID_REQUEST', message: `cache-control: max-age must be whole seconds, e.g. max-age=300; got "${value}".`, param: 'cache-control' });
      }
      maxAgeMs = Number(value) * 1000;
    }
  }
  const namespace = Array.isArray(namespaceHeader) ? namespaceHeader[0] : namespaceHeader;
  if (namespace !== undefined && !namespacePattern.test(namespace.trim())) {
    throw new TollgateError({
      code: 'TG_ERR_INVALID_REQUEST',
      message: 'x-tollgate-cache-namespace: write 1 to 64 letters, digits, "-", "_", "." or ":", starting with a letter or digit.',
      param: 'x-tollgate-cache-namespace',
    });
  }
  return { noCache, noStore, maxAgeMs, namespace: namespace?.trim() ?? defaultCacheDirectives.namespace };
}
