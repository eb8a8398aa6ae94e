import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { createCostCalculator } from '../../pricing/cost-calculator.js';
import { makeModelRequest } from '../../testing/model-request-fixture.js';
import { azureProvider, defaultAzureApiVersion } from './azure-provider.js';

// Azure's chat completion answer for a gpt-4o deployment: `model` names the model, not the deployment.
const completion = {
  id: 'chatcmpl-azure-1',
  object: 'chat.completion',
  created: 1_730_000_000,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.' }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_tokens_details: { cached_tokens: 200 } },
};

describe('Azure OpenAI provider', () => {
  let server: Server;
  let origin: string;
  const received: { url: string; headers: IncomingHttpHeaders; body: unknown }[] = [];
  const dispatcher = new Agent();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(completion));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await dispatcher.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const build = (settings: Record<string, string>) =>
    azureProvider.create({ providerId: 'azure-east', baseUrl: origin, apiKey: 'azure-key', headers: {}, timeoutMs: 5_000, dispatcher, clock: systemClock, settings });

  it('calls the deployment URL with the api-version and the api-key header', async () => {
    const call = build({ apiVersion: '2025-01-01-preview' });
    const response = await call.generate(makeModelRequest({ model: 'my-gpt4o', messages: [{ role: 'user', content: 'hi' }] }));
    const last = received.at(-1)!;
    expect(last.url).toBe('/openai/deployments/my-gpt4o/chat/completions?api-version=2025-01-01-preview');
    expect(last.headers['api-key']).toBe('azure-key');
    expect(last.headers['authorization']).toBeUndefined();
    expect(response.upstreamModel).toBe('gpt-4o-2024-08-06');
    expect(response.usage).toMatchObject({ inputTokens: 800, cacheReadTokens: 200, outputTokens: 100 });
  });

  it('defaults the api-version', async () => {
    await build({}).generate(makeModelRequest({ model: 'dep', messages: [{ role: 'user', content: 'hi' }] }));
    expect(received.at(-1)!.url).toBe(`/openai/deployments/dep/chat/completions?api-version=${defaultAzureApiVersion}`);
  });

  it('prices a deployment by the model Azure reports', () => {
    const calculator = createCostCalculator();
    const usage = { inputTokens: 800, cacheReadTokens: 200, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 100, reasoningTokens: 0 };
    const byDeploymentName = calculator.cost({ providerId: 'azure-east', pricingProviderId: 'azure', model: 'my-gpt4o', usage, at: Date.parse('2025-09-01') });
    expect(byDeploymentName.kind).toBe('unknown');
    const byReportedModel = calculator.cost({
      providerId: 'azure-east',
      pricingProviderId: 'azure',
      model: 'my-gpt4o',
      reportedModel: 'gpt-4o-2024-08-06',
      usage,
      at: Date.parse('2025-09-01'),
    });
    // gpt-4o: 800 × 2500 + 200 × 1250 + 100 × 10000 nanos = 3,250,000 nanos.
    expect(byReportedModel).toEqual({ kind: 'priced', nanos: 3_250_000, source: 'genai-prices' });
  });
});
