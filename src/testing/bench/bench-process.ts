/**
 * Entry point of the benchmark's child processes, so that load generator, gateway, baseline proxy
 * and simulator each get their own event loop: `simulator`, `pass-through <upstream origin>`.
 * Prints `READY <url>` once listening and runs until SIGTERM.
 */
import type { AddressInfo } from 'node:net';
import { createProviderSimulator } from '../simulator/provider-simulator.js';
import { defaultSimulatorModels } from '../simulator/simulator-models.js';
import { createPassThroughProxy } from './pass-through-proxy.js';

const [mode, argument] = process.argv.slice(2);

async function main(): Promise<void> {
  if (mode === 'simulator') {
    // Optional per-model latencies, as JSON: { "model": { "timeToFirstTokenMs": 20, "tokensPerSecond": 500 } }.
    const overrides = JSON.parse(process.env['TOLLGATE_SIMULATOR_MODELS'] ?? '{}') as Record<string, { timeToFirstTokenMs: number; tokensPerSecond: number }>;
    const models = { ...defaultSimulatorModels };
    for (const [name, latency] of Object.entries(overrides)) models[name] = { kind: 'chat', ...latency };
    const simulator = createProviderSimulator({ models });
    const address = await simulator.listen(0, '127.0.0.1');
    process.stdout.write(`READY ${address.url}\n`);
    process.once('SIGTERM', () => void simulator.close().then(() => process.exit(0)));
    return;
  }
  if (mode === 'pass-through' && argument !== undefined) {
    const proxy = createPassThroughProxy(argument);
    proxy.server.listen(0, '127.0.0.1', () => {
      const { port } = proxy.server.address() as AddressInfo;
      process.stdout.write(`READY http://127.0.0.1:${port}/v1\n`);
    });
    process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
    return;
  }
  process.stderr.write('usage: bench-process simulator | pass-through <upstream origin>\n');
  process.exit(2);
}

void main();
