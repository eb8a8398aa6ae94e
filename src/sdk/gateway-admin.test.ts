import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';

describe('resilience state: admin API and Prometheus metrics', () => {
  let harness: GatewayHarness;
  beforeAll(async () => {
    harness = await startGatewayHarness({ extraYaml: 'resilience: { retry: { max_attempts: 1 }, circuit_breaker: { minimum_requests: 2, error_ratio: 0.5, cooldown_ms: 60000 } }' });
  });
  afterAll(async () => harness.close());

  it('reports breaker state, transitions and deployment load', async () => {
    await harness.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    harness.simulator.setFaults([{ model: 'gpt-4o', fault: { status: 500 } }]);
    for (let index = 0; index < 2; index++) {
      await harness.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    }
    harness.simulator.setFaults([]);

    const state = (await (await fetch(`${harness.url}/admin/resilience`)).json()) as {
      circuitBreakers: { key: string; state: string }[];
      transitions: { deployment: string; to: string; count: number }[];
      loadBalancers: { model: string; deployments: { key: string; inFlight: number }[] }[];
    };
    expect(state.circuitBreakers.find((breaker) => breaker.key === 'openai/gpt-4o')?.state).toBe('open');
    expect(state.transitions).toContainEqual({ deployment: 'openai/gpt-4o', to: 'open', count: 1 });
    expect(state.loadBalancers.find((balancer) => balancer.model === 'gpt-4o')?.deployments[0]).toMatchObject({ key: 'openai/gpt-4o', inFlight: 0 });

    // Ejected: the next request is refused at once, without reaching the provider.
    const before = harness.simulator.stats().totalRequests;
    const refused = await harness.client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (error: unknown) => error as { status: number; code: string },
    );
    expect(refused?.status).toBe(503);
    expect(refused?.code).toBe('TG_ERR_CIRCUIT_OPEN');
    expect(harness.simulator.stats().totalRequests).toBe(before);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toContain('tollgate_circuit_breaker_state{deployment="openai/gpt-4o",state="open"} 1');
    expect(metrics).toContain('tollgate_circuit_breaker_transitions_total{deployment="openai/gpt-4o",to="open"} 1');
    expect(metrics).toMatch(/^tollgate_ledger_rows_written_total \d+$/m);
  });
});
