import { loadConfigFile } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { administered, validateKeyLimits } from '../sdk/key-services.js';
import { openGatewayStores } from '../sdk/open-gateway-stores.js';
import { silentLogger } from '../core/logger.js';
import { requiredFlag, type Flags } from './main.js';
import { parseTimeArgument } from './parse-duration.js';

/**
 * `tollgate keys create|list|revoke --config FILE …`: virtual keys in the config's store. The
 * secret is printed once, at creation; the store keeps only its hash.
 */
export async function keysCommand(action: string | undefined, flags: Flags, positional: readonly string[]): Promise<number> {
  const config = await loadConfigFile(requiredFlag(flags, 'config', 'tollgate.yaml'), { env: process.env });
  if (config.store.kind === 'memory') throw new Error('store.kind is "memory": keys would vanish with this command. Use store: { kind: sqlite, path: … } or kind: scale-out.');
  const stores = await openGatewayStores(config, { clock: systemClock, logger: silentLogger });
  const store = stores.keyStore;
  try {
    switch (action) {
      case 'create': {
        const models = flags['models'];
        if (models === undefined) throw new Error('--models is required: a comma-separated list of logical models, or --models "*" for every model.');
        const expires = flags['expires'];
        const limits = limitsFlag(flags['limits']);
        const created = await store.create({
          budgets: limits.budgets,
          rateLimits: limits.rateLimits,
          name: flags['name'] ?? null,
          org: flags['org'] ?? null,
          team: flags['team'] ?? null,
          user: flags['user'] ?? null,
          allowedModels: models === '*' ? null : models.split(',').map((model) => model.trim()).filter((model) => model !== ''),
          expiresAt: expires === undefined ? null : expiryTime(expires, systemClock.now()),
        });
        process.stdout.write(`${JSON.stringify({ key: created.secret, ...administered(created.record) }, null, 2)}\n`);
        process.stderr.write('The key is shown only now; store it safely.\n');
        return 0;
      }
      case 'list':
        process.stdout.write(`${JSON.stringify((await store.list()).map(administered), null, 2)}\n`);
        return 0;
      case 'revoke': {
        const id = positional[0];
        if (id === undefined) throw new Error('usage: tollgate keys revoke --config FILE <key id>');
        if (!(await store.revoke(id, systemClock.now()))) throw new Error(`no virtual key with id "${id}"`);
        process.stdout.write(`revoked ${id}\n`);
        return 0;
      }
      default:
        throw new Error('usage: tollgate keys create|list|revoke --config FILE [--name N] [--team T] [--user U] [--org O] [--models a,b|*] [--expires 30d] [--limits \'{"budgets":[{"limit_usd":5,"window":"daily"}],"rate_limits":{"requests_per_minute":60}}\']');
    }
  } finally {
    await stores.close();
  }
}

/** `--limits`: the key's budgets and rate limits as JSON, the admin API's `budgets` / `rate_limits` shape. */
function limitsFlag(text: string | undefined): { budgets: unknown[]; rateLimits: unknown[] } {
  if (text === undefined) return { budgets: [], rateLimits: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('--limits: write JSON, e.g. --limits \'{"budgets":[{"limit_usd":5,"window":"daily"}],"rate_limits":{"requests_per_minute":60}}\'');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('--limits: write a JSON object with budgets and/or rate_limits');
  try {
    return validateKeyLimits(value as { budgets?: unknown; rate_limits?: unknown });
  } catch (error) {
    throw new Error(`--limits: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `--expires`: a duration from now (`30d`, `12h`) or an ISO date. */
function expiryTime(text: string, now: number): number {
  const point = parseTimeArgument(text, now, '--expires');
  // parseTimeArgument reads a bare duration as an age before now; for an expiry it counts forwards.
  return /^\s*\d+\s*[smhdw]\s*$/.test(text) ? now + (now - point) : point;
}
