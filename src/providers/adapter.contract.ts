import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.js';
import type { ModelCall } from '../core/model-call.js';
import type { ProviderSimulator } from '../testing/simulator/index.js';
import {
  collectParts,
  collectTimedParts,
  contractRequest,
  expectBodyUsageMatchesBuckets,
  expectCompleteStream,
  expectKnownUsage,
  partsOfType,
  reassembleToolCalls,
  streamedText,
} from './adapter-contract-checks.contract.js';
import { describeAdapterFailureContract } from './adapter-errors.contract.js';
import type { ProviderDefinition } from './provider-definition.js';

/** One adapter, wired to a running provider simulator that speaks its wire format. */
export interface AdapterUnderTest {
  readonly definition: ProviderDefinition;
  /** The adapter's `base_url` on the simulator (OpenAI `…/v1`, Anthropic the origin, Gemini `…/v1beta`). */
  readonly baseUrl: string;
  /** An instant chat model the simulator serves on this wire format. */
  readonly chatModel: string;
  /** A chat model with latency (time to first token, paced tokens) and no hidden thinking, for abort and timing cases. */
  readonly slowChatModel: string;
  readonly simulator: ProviderSimulator;
  /**
   * Upstream statuses only this provider sends, from the suite's failure table (Anthropic: 529);
   * the table's other rows run for every adapter.
   */
  readonly providerOnlyStatuses?: readonly number[];
  /** Stops the simulator. */
  close(): Promise<void>;
}

/** What each contract case gets: the adapter built the one way every case builds it. */
export interface AdapterContractContext {
  readonly underTest: AdapterUnderTest;
  readonly call: ModelCall;
  /** The same definition built against another base URL (e.g. a closed port). */
  build(baseUrl: string): ModelCall;
}

/** The build options of every contract run: what the composition root passes, with a fake key. */
export function buildContractAdapter(definition: ProviderDefinition, baseUrl: string, dispatcher: Agent): ModelCall {
  return definition.create({
    providerId: `contract-${definition.kind}`,
    baseUrl,
    apiKey: 'sk-contract',
    headers: {},
    timeoutMs: 5000,
    dispatcher,
    clock: systemClock,
    settings: {},
  });
}

/**
 * The one contract every provider adapter passes (house style, habit 12): the `ModelCall`
 * behaviour that the pipeline stages and the server edge rely on, driven over real HTTP against
 * the provider simulator. Call it from `adapter-contract.test.ts`; `setup` starts a fresh
 * simulator. Failure cases live in `adapter-errors.contract.ts`.
 */
export function describeAdapterContract(name: string, setup: () => Promise<AdapterUnderTest>): void {
  describe(`ModelCall adapter contract: ${name}`, () => {
    let state: { underTest: AdapterUnderTest; dispatcher: Agent; call: ModelCall } | undefined;

    const context = (): AdapterContractContext => {
      if (state === undefined) throw new Error('the adapter contract setup did not run');
      const { underTest, dispatcher, call } = state;
      return { underTest, call, build: (baseUrl) => buildContractAdapter(underTest.definition, baseUrl, dispatcher) };
    };

    beforeAll(async () => {
      const underTest = await setup();
      const dispatcher = new Agent();
      state = { underTest, dispatcher, call: buildContractAdapter(underTest.definition, underTest.baseUrl, dispatcher) };
    });

    afterEach(() => {
      state?.underTest.simulator.setFaults([]);
    });

    afterAll(async () => {
      await state?.dispatcher.close();
      await state?.underTest.close();
    });

    describe('generate()', () => {
      it('answers an OpenAI-shaped chat.completion from the assistant', async () => {
        const { call, underTest } = context();
        const response = await call.generate(contractRequest(underTest.chatModel));
        const choice = response.body.choices[0];
        expect(response.body.object).toBe('chat.completion');
        expect(typeof response.body.id).toBe('string');
        expect(choice?.message.role).toBe('assistant');
        expect(typeof choice?.message.content).toBe('string');
        expect((choice?.message.content as string).length).toBeGreaterThan(0);
        expect(choice?.finish_reason).toBe('stop');
      });

      it('measures usage in known, disjoint buckets, keeps the provider usage and names the upstream model', async () => {
        const { call, underTest } = context();
        const response = await call.generate(contractRequest(underTest.chatModel));
        expectKnownUsage(response.usage);
        expectBodyUsageMatchesBuckets(response.body.usage, response.usage);
        expect(response.providerUsage).toBeDefined();
        expect(typeof response.upstreamModel).toBe('string');
        expect(response.upstreamModel.length).toBeGreaterThan(0);
      });

      it('keeps raw bytes only when they are the very chat.completion it returns', async () => {
        const { call, underTest } = context();
        const response = await call.generate(contractRequest(underTest.chatModel));
        if (response.rawBody !== undefined) {
          expect(JSON.parse(Buffer.from(response.rawBody).toString('utf8'))).toEqual(response.body);
        }
      });
    });

    describe('stream()', () => {
      it('resolves once the upstream accepted the request, before the answer has arrived', async () => {
        const { call, underTest } = context();
        const stream = await call.stream(contractRequest(underTest.slowChatModel, { maxTokens: 30 }));
        const resolvedAt = performance.now();
        const parts = await collectTimedParts(stream);
        // The slow model paces at least 20 tokens at 50 tokens/s after 50 ms: a buffered stream would arrive at once.
        expect((parts.at(-1)?.at ?? resolvedAt) - resolvedAt).toBeGreaterThanOrEqual(100);
        expect(partsOfType(parts.map((timed) => timed.part), 'error')).toEqual([]);
      });

      it('yields stream-start first, text, exactly one usage part and a finish reason', async () => {
        const { call, underTest } = context();
        const stream = await call.stream(contractRequest(underTest.chatModel));
        const parts = await collectParts(stream);
        expectCompleteStream(stream, parts);
        expect(streamedText(parts).length).toBeGreaterThan(0);
        expect(partsOfType(parts, 'finish-reason').map((part) => part.finishReason)).toEqual(['stop']);
        for (const usage of partsOfType(parts, 'usage')) {
          expectKnownUsage(usage.usage);
          expect(usage.providerUsage).toBeDefined();
        }
      });

      it('streams the same usage and text as generate() for the same request (the simulator is deterministic)', async () => {
        const { call, underTest } = context();
        const response = await call.generate(contractRequest(underTest.chatModel));
        const parts = await collectParts(await call.stream(contractRequest(underTest.chatModel)));
        expect(partsOfType(parts, 'usage')[0]?.usage).toEqual(response.usage);
        expect(streamedText(parts)).toBe(response.body.choices[0]?.message.content);
      });
    });

    describe('tools', () => {
      it('generate() returns the forced tool call with JSON arguments and finish_reason tool_calls', async () => {
        const { call, underTest } = context();
        const response = await call.generate(contractRequest(underTest.chatModel, { tools: true }));
        const choice = response.body.choices[0];
        const toolCall = choice?.message.tool_calls?.[0];
        expect(choice?.finish_reason).toBe('tool_calls');
        expect(toolCall?.type).toBe('function');
        expect(toolCall?.id.length).toBeGreaterThan(0);
        expect(toolCall?.function.name).toBe('get_weather');
        const input = JSON.parse(toolCall?.function.arguments ?? 'null') as { city?: unknown };
        expect(typeof input.city).toBe('string');
        expectKnownUsage(response.usage);
      });

      it('stream() yields tool-call deltas that reassemble into a named call with JSON arguments', async () => {
        const { call, underTest } = context();
        const stream = await call.stream(contractRequest(underTest.chatModel, { tools: true }));
        const parts = await collectParts(stream);
        expectCompleteStream(stream, parts);
        const calls = reassembleToolCalls(parts);
        expect(calls).toHaveLength(1);
        expect(calls[0]?.name).toBe('get_weather');
        expect(calls[0]?.id?.length ?? 0).toBeGreaterThan(0);
        const input = JSON.parse(calls[0]?.arguments ?? 'null') as { city?: unknown };
        expect(typeof input.city).toBe('string');
        expect(partsOfType(parts, 'finish-reason').map((part) => part.finishReason)).toEqual(['tool-calls']);
      });
    });

    describeAdapterFailureContract(context);
  });
}
