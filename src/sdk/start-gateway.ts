import type { TollgateConfig } from '../config/tollgate-config.js';
import { systemClock } from '../core/clock.js';
import { silentLogger } from '../core/logger.js';
import { createGatewayServer, type GatewayServer } from '../server/gateway-server.js';
import { createGateway, type Gateway, type GatewayOptions } from './create-gateway.js';
import { createKeyServices } from './key-services.js';
import { openGatewayStores } from './open-gateway-stores.js';
import { budgetsState } from './budgets-state.js';

export interface StartGatewayOptions extends GatewayOptions {
  /** Overrides `server.port` (0 picks a free port). */
  readonly port?: number;
  readonly host?: string;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly server: GatewayServer;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to
   * `server.shutdown_timeout_ms`), flush the ledger, close stores. Safe to call twice.
   */
  shutdown(): Promise<{ unfinished: number }>;
}

/** Builds the gateway from config and serves it over HTTP. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const config: TollgateConfig = options.config;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const stores = await openGatewayStores(config, { clock, logger, ledgerStore: options.ledgerStore, budgetStore: options.budgetStore });
  const keys = createKeyServices(config, clock, stores.keyStore);
  const gateway = createGateway({ ...options, stores, callerLimits: options.callerLimits ?? keys.callerLimits });
  const server = createGatewayServer({
    pipeline: gateway.pipeline,
    embeddings: gateway.embeddings,
    authenticate: keys.authenticate,
    keys: { administration: keys.administration, masterKey: config.auth.masterKey },
    admin: {
      resilienceState: () => gateway.resilienceState(),
      ledgerStats: () => ({ ...gateway.ledgerWriter.stats(), pending: gateway.ledgerWriter.pending() }),
      budgetsState: () => budgetsState(gateway),
    },
    modelNames: gateway.modelNames,
    clock,
    logger,
    maxBodyBytes: config.server.maxBodyBytes,
    // Not ready while ledger batches are failing: traffic would go unrecorded for longer.
    readiness: () => (gateway.ledgerWriter.stats().parked > 0 ? 'ledger writes are failing; rows are kept and retried' : undefined),
  });
  let listening: { port: number; url: string };
  try {
    listening = await server.listen(options.port ?? config.server.port, options.host ?? config.server.host);
  } catch (error) {
    await gateway.close();
    await stores.close();
    throw error;
  }
  let shuttingDown: Promise<{ unfinished: number }> | undefined;
  return {
    ...listening,
    gateway,
    server,
    shutdown() {
      shuttingDown ??= (async () => {
        const result = await server.drain(config.server.shutdownTimeoutMs);
        await gateway.close();
        await stores.close();
        return result;
      })();
      return shuttingDown;
    },
  };
}
