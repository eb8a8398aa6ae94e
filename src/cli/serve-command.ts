import { loadConfigFile } from '../config/load-config.js';
import { systemClock } from '../core/clock.js';
import { createJsonLogger } from '../core/logger.js';
import { startGateway } from '../sdk/start-gateway.js';
import { integerFlag, requiredFlag, type Flags } from './main.js';

/** `tollgate serve`: runs until SIGTERM/SIGINT, then drains, flushes the ledger and exits 0. */
export async function serveCommand(flags: Flags): Promise<number> {
  const config = await loadConfigFile(requiredFlag(flags, 'config', 'tollgate.yaml'), { env: process.env });
  const logger = createJsonLogger((line) => process.stderr.write(line), systemClock);
  const running = await startGateway({
    config,
    logger,
    port: flags['port'] === undefined ? undefined : integerFlag(flags, 'port', config.server.port),
    host: flags['host'],
  });
  logger.info('tollgate listening', { url: running.url, models: running.gateway.modelNames.length, store: config.store.kind === 'sqlite' ? config.store.path : config.store.kind });
  process.stdout.write(`tollgate listening on ${running.url}\n`);
  // A promise nobody awaited must not take the gateway (and every in-flight request) down with it.
  process.on('unhandledRejection', (reason: unknown) => {
    logger.error('unhandled promise rejection', { error: reason instanceof Error ? reason.stack ?? reason.message : String(reason) });
  });
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        logger.warn('second signal: exiting without waiting', { signal });
        resolve(1);
        return;
      }
      logger.info('shutting down: draining in-flight requests', { signal, inFlight: running.server.inFlight() });
      running.shutdown().then(
        ({ unfinished }) => {
          const stats = running.gateway.ledgerWriter.stats();
          logger.info('shutdown complete', { unfinished, ledgerRowsWritten: stats.written });
          resolve(unfinished === 0 ? 0 : 1);
        },
        (error: unknown) => {
          logger.error('shutdown failed', { error: error instanceof Error ? error.message : String(error) });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
