import { describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../../core/chat-request.js';
import { totalInputTokens, totalOutputTokens, type Usage } from '../../core/usage.js';
import {
  useReplayAdapter,
  modelRequest,
  readFixture,
} from './__fixtures__/replay-server.js';

// generate() against recorded OpenAI bodies (see __fixtures__/SOURCES.md). Expected usage buckets
// are worked out by hand from each fixture's `usage`: uncached = prompt_tokens - cached_tokens,
// visible output = completion_tokens - reasoning_tokens, and a detail the body lacks stays undefined.

const weatherQuestion: ChatRequestBody = {
  model: 'gpt-4o-2024-08-06',
  messages: [{ role: 'user', content: "What's the weather like in SF?" }],
};

interface GenerateCase {
  readonly fixture: string;
  readonly usage: Usage;
  readonly upstreamModel: string;
}

const cases: GenerateCase[] = [
  {
    // 14 prompt, 37 completion, reasoning 0, no prompt_tokens_details: cache reads unknown.
    fixture: 'chat-completion-text.json',
    usage: { inputTokens: 14, cacheReadTokens: undefined, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 37, reasoningTokens: 0 },
    upstreamModel: 'gpt-4o-2024-08-06',
  },
  {
    // 76 prompt, 24 completion, reasoning 0.
    fixture: 'chat-completion-tool-calls.json',
    usage: { inputTokens: 76, cacheReadTokens: undefined, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 24, reasoningTokens: 0 },
    upstreamModel: 'gpt-4o-2024-08-06',
  },
  {
    // 1563 prompt of which 1408 cached -> 155 uncached; 16 completion all reasoning -> 0 visible.
    fixture: 'chat-completion-cached-tokens.json',
    usage: { inputTokens: 155, cacheReadTokens: 1408, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 0, reasoningTokens: 16 },
    upstreamModel: 'gpt-5-nano-2025-08-07',
  },
  {
    // 20 prompt, 0 cached; 1843 completion of which 448 reasoning -> 1395 visible. audio_tokens: null is ignored.
    fixture: 'chat-completion-reasoning-o1.json',
    usage: { inputTokens: 20, cacheReadTokens: 0, cacheWrite5mTokens: undefined, cacheWrite1hTokens: undefined, outputTokens: 1395, reasoningTokens: 448 },
    upstreamModel: 'o1-2024-12-17',
  },
];

describe('OpenAI-compatible adapter: generate() replays recorded completions', () => {
  const replay = useReplayAdapter();

  async function replayJson(fixture: string): Promise<Buffer> {
    const bytes = await readFixture(fixture);
    replay.server.replay({ status: 200, headers: { 'content-type': 'application/json' }, body: bytes });
    return bytes;
  }

  it.each(cases)('$fixture: keeps the bytes, splits usage into disjoint buckets, keeps provider usage', async ({ fixture, usage, upstreamModel }) => {
    const bytes = await replayJson(fixture);
    const recorded = JSON.parse(bytes.toString('utf8')) as { usage: { prompt_tokens: number; completion_tokens: number } };

    const response = await replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion));

    expect(response.rawBody).toBeDefined();
    expect(Buffer.from(response.rawBody ?? new Uint8Array()).equals(bytes)).toBe(true);
    expect(response.usage).toStrictEqual(usage);
    expect(totalInputTokens(response.usage)).toBe(recorded.usage.prompt_tokens);
    expect(totalOutputTokens(response.usage)).toBe(recorded.usage.completion_tokens);
    expect(response.providerUsage).toStrictEqual(recorded.usage);
    expect(response.upstreamModel).toBe(upstreamModel);
    expect(response.body).toStrictEqual(JSON.parse(bytes.toString('utf8')));
  });

  it('hands back the recorded tool call unchanged', async () => {
    await replayJson('chat-completion-tool-calls.json');

    const response = await replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion));

    const choice = response.body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls).toStrictEqual([
      { id: 'call_Y6qJ7ofLgOrBnMD5WbVAeiRV', type: 'function', function: { name: 'GetWeatherArgs', arguments: '{"city":"Edinburgh","country":"UK","units":"c"}' } },
    ]);
  });

  it('posts to /v1/chat/completions with the bearer key and the client bytes, unchanged', async () => {
    await replayJson('chat-completion-text.json');
    // Odd spacing and a field Tollgate does not know: re-serialising would change these bytes.
    const clientBytes = Buffer.from('{ "model":"gpt-4o-2024-08-06",  "messages":[{"role":"user","content":"What\'s the weather like in SF?"}], "x_unknown": [1, 2] }');
    const body = JSON.parse(clientBytes.toString('utf8')) as ChatRequestBody;

    await replay.fixtureAdapter.adapter.generate(modelRequest(body, { rawBody: clientBytes }));

    const request = replay.server.received.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe('Bearer sk-test');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body.equals(clientBytes)).toBe(true);
  });

  it('serialises the body itself when no client bytes came with the request', async () => {
    await replayJson('chat-completion-text.json');

    await replay.fixtureAdapter.adapter.generate(modelRequest(weatherQuestion));

    expect(replay.server.received.at(-1)?.body.toString('utf8')).toBe(JSON.stringify(weatherQuestion));
  });
});
