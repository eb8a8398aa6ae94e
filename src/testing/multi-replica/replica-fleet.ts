import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProviderSimulator, type ProviderSimulator, type ProviderSimulatorOptions } from '../simulator/provider-simulator.js';
import { fleetConfigYaml, type ScaleOutStoreSettings } from './fleet-config-yaml.js';
import { startReplicaProcess, type ReplicaProcess } from './replica-process.js';
import { openScaleOutInspector, type ScaleOutInspector } from './scale-out-inspector.js';

export interface ReplicaFleetOptions {
  readonly replicas: number;
  readonly simulator?: ProviderSimulatorOptions;
  /** Lines under `models:`, each indented two spaces; every model is served by provider `openai` (the simulator). */
  readonly models: readonly string[];
  /** Further top-level YAML (budgets, auth, resilience …). */
  readonly extraYaml?: string;
  readonly redisUrl?: string;
  readonly postgresUrl?: string;
  readonly log?: (line: string) => void;
}

export interface ReplicaFleet {
  readonly simulator: ProviderSimulator;
  /** The scale-out YAML every replica serves. */
  readonly configPath: string;
  readonly store: ScaleOutStoreSettings;
  /** The replicas' ports; a restart reuses them, so a load balancer in front needs no change. */
  readonly ports: readonly number[];
  /** Reads Redis counters and PostgreSQL ledger rows from outside the replicas. */
  readonly inspector: ScaleOutInspector;
  /** The running replicas (empty while stopped). */
  replicas(): readonly ReplicaProcess[];
  /** SIGTERM to every replica at once; resolves with their exit codes once all have drained and exited. */
  stop(): Promise<Array<number | null>>;
  /** Starts every replica again on its port and waits until each answers `/readyz`. */
  start(): Promise<void>;
  /** Stops the replicas and the simulator, drops the PostgreSQL schema, deletes the Redis keys, removes the temp dir. */
  close(): Promise<void>;
}

export const defaultRedisUrl = 'redis://127.0.0.1:6379';
export const defaultPostgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Starts the provider simulator in this process and `replicas` gateway processes (`tollgate
 * serve`) sharing one scale-out store: a Redis key prefix and a PostgreSQL schema made for this
 * fleet alone.
 */
export async function startReplicaFleet(options: ReplicaFleetOptions): Promise<ReplicaFleet> {
  if (!Number.isInteger(options.replicas) || options.replicas < 1) throw new RangeError(`replicas must be a positive integer, got ${options.replicas}`);
  const log = options.log ?? ((line: string) => console.log(line));
  const unique = randomBytes(6).toString('hex');
  const store: ScaleOutStoreSettings = {
    redisUrl: options.redisUrl ?? defaultRedisUrl,
    postgresUrl: options.postgresUrl ?? defaultPostgresUrl,
    postgresSchema: `tg_fleet_${unique}`,
    redisKeyPrefix: `tollgate-fleet-${unique}`,
  };
  const simulator = createProviderSimulator({ acceptAnyModel: true, ...options.simulator });
  const { url: simulatorUrl } = await simulator.listen(0, '127.0.0.1');
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-fleet-'));
  const configPath = join(directory, 'tollgate.yaml');
  writeFileSync(configPath, fleetConfigYaml({ simulatorUrl, store, models: options.models, extraYaml: options.extraYaml }));

  let running: ReplicaProcess[] = [];
  let ports: number[] = Array.from({ length: options.replicas }, () => 0);
  let inspector: ScaleOutInspector | undefined;
  const startAll = async () => {
    const started = await Promise.allSettled(ports.map((port) => startReplicaProcess({ configPath, port })));
    running = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    ports = running.map((replica) => replica.port);
    log(`fleet: ${running.length} replicas ready on ports ${ports.join(', ')} (pids ${running.map((replica) => replica.pid).join(', ')})`);
  };
  const stopAll = async () => {
    const codes = await Promise.all(running.map((replica) => replica.stop()));
    running = [];
    return codes;
  };
  const removeEverything = async () => {
    await stopAll();
    await simulator.close(0);
    const opened = inspector ?? (await openScaleOutInspector(store));
    const { redisKeysDeleted } = await opened.removeEverything();
    rmSync(directory, { recursive: true, force: true });
    log(`fleet: dropped schema ${store.postgresSchema}, deleted ${redisKeysDeleted} Redis keys under ${store.redisKeyPrefix}:`);
  };

  try {
    await startAll();
    inspector = await openScaleOutInspector(store);
  } catch (error) {
    await removeEverything();
    throw error;
  }
  const opened = inspector;
  let closing: Promise<void> | undefined;
  return {
    simulator,
    configPath,
    store,
    get ports() {
      return ports;
    },
    inspector: opened,
    replicas: () => running,
    stop: stopAll,
    async start() {
      if (running.length > 0) throw new Error('the fleet is running; stop it first');
      await startAll();
    },
    close() {
      closing ??= removeEverything();
      return closing;
    },
  };
}
