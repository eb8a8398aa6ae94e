import type { ChatRequestBody } from '../../core/chat-request.js';

/** One request of the demo's sample workload, with the attribution headers it is sent with. */
export interface DemoRequest {
  readonly body: ChatRequestBody;
  readonly headers: Readonly<Record<string, string>>;
  /** Which official SDK sends it: most go through `openai`, some through `@anthropic-ai/sdk` (the `/v1/messages` front door). */
  readonly client: 'openai' | 'anthropic';
}

interface FeatureProfile {
  readonly feature: string;
  readonly team: string;
  readonly weight: number;
  readonly build: (pick: <T>(values: readonly T[]) => T, index: number) => ChatRequestBody;
}

const products = ['Orbit CRM', 'Ledgerly', 'Parcel Tracker', 'Nimbus Drive', 'Quill Notes'];
const questions = [
  'How do I reset my password if I no longer have access to my email?',
  'Can I export all of my invoices to CSV for last quarter?',
  'Why was my card charged twice this month?',
  'How do I invite a teammate with read-only access?',
  'Is there a way to turn off the weekly summary email?',
  'What happens to my data if I downgrade to the free plan?',
  'The mobile app keeps logging me out. How can I fix it?',
  'How do I connect my account to Slack notifications?',
];
const articles = [
  'The quarterly review found that on-call load dropped by a third after the team moved alert routing into the new incident tool, while mean time to acknowledge improved from eleven to four minutes. Two services still page too often at night.',
  'Customer interviews suggest that onboarding friction comes mostly from the import step: users with more than five thousand contacts abandon the flow when the progress indicator stalls, and many never return to finish the setup.',
  'The migration to the new storage tier completed ahead of schedule. Read latency improved at the median but regressed at the tail for large objects, which the team traces to the default chunk size and plans to tune next sprint.',
];
const snippets = [
  'function total(items) { let t = 0; for (const i of items) t += i.price * i.qty; return t.toFixed(2); }',
  'async function load(id) { const r = await fetch(`/api/users/${id}`); return r.json(); }',
  'def dedupe(rows):\n    seen = set()\n    return [r for r in rows if not (r["id"] in seen or seen.add(r["id"]))]',
];
const tickets = ['Refund request for order 4471', 'Bug: dark mode resets on reload', 'Question about SSO pricing', 'Outage report: EU region slow'];
const supportSystemPrompt = `You are the support assistant for ${products.join(', ')}. ` +
  'Answer briefly and kindly, cite the relevant help-centre article by title, never invent account details, and escalate billing disputes to a human. '.repeat(48);

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_order_status',
    description: 'Look up the shipping status of an order',
    parameters: { type: 'object', properties: { order_id: { type: 'string' }, include_history: { type: 'boolean' } }, required: ['order_id'] },
  },
};

const profiles: readonly FeatureProfile[] = [
  {
    feature: 'support-chat',
    team: 'customer-success',
    weight: 30,
    build: (pick) => ({
      model: pick(['support-bot', 'gpt-4o-mini', 'claude-sonnet']),
      messages: [
        { role: 'system', content: supportSystemPrompt },
        { role: 'user', content: pick(questions) },
      ],
      max_tokens: 180,
    }),
  },
  {
    feature: 'summarize',
    team: 'insights',
    weight: 20,
    build: (pick) => ({
      model: pick(['gpt-4o-mini', 'gpt-4o', 'gemini-flash']),
      messages: [{ role: 'user', content: `Summarise in two sentences:\n\n${pick(articles)}` }],
      max_tokens: 120,
      temperature: 0.3,
    }),
  },
  {
    feature: 'code-review',
    team: 'platform',
    weight: 15,
    build: (pick) => ({
      model: pick(['gpt-4o', 'o3-mini', 'claude-sonnet']),
      messages: [
        { role: 'system', content: 'You are a meticulous senior reviewer. Point out bugs first, then style.' },
        { role: 'user', content: `Review this code:\n\n${pick(snippets)}` },
      ],
      max_completion_tokens: 400,
    }),
  },
  {
    feature: 'ticket-triage',
    team: 'customer-success',
    weight: 15,
    build: (pick) => ({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Classify this ticket as billing, bug, sales or incident and give a priority: ${pick(tickets)}` }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'triage',
          schema: {
            type: 'object',
            properties: { category: { type: 'string', enum: ['billing', 'bug', 'sales', 'incident'] }, priority: { type: 'integer' } },
            required: ['category', 'priority'],
          },
        },
      },
    }),
  },
  {
    feature: 'order-agent',
    team: 'commerce',
    weight: 12,
    build: (pick, index) => ({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Where is my order ${String(10_000 + index)}? ${pick(['It was due Monday.', 'Please hurry.', ''])}` }],
      tools: [weatherTool],
      tool_choice: 'auto',
    }),
  },
  {
    feature: 'internal-drafts',
    team: 'insights',
    weight: 8,
    build: (pick) => ({
      model: 'local-llama',
      messages: [{ role: 'user', content: `Draft a friendly release note for ${pick(products)}.` }],
      max_tokens: 150,
    }),
  },
];

/** A small deterministic PRNG (mulberry32), so the demo workload is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A realistic, deterministic sample workload: support chat with a long cacheable system prompt,
 * summaries, code review on a reasoning model, JSON-schema triage, a tool-calling agent and a
 * self-hosted model; 40 users in 4 teams; about a third of the requests stream.
 */
export function createDemoWorkload(count: number, seed = 42): DemoRequest[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const totalWeight = profiles.reduce((sum, profile) => sum + profile.weight, 0);
  const requests: DemoRequest[] = [];
  for (let index = 0; index < count; index++) {
    let roll = random() * totalWeight;
    const profile = profiles.find((candidate) => (roll -= candidate.weight) < 0) ?? (profiles[0] as FeatureProfile);
    const body = profile.build(pick, index);
    if (random() < 0.35) {
      body.stream = true;
      if (random() < 0.5) body.stream_options = { include_usage: true };
    }
    const user = `user-${String(1 + Math.floor(random() * 40)).padStart(2, '0')}`;
    // Plain-text conversations (no tools, no JSON schema) also arrive through the Anthropic SDK.
    const plainText = body.tools === undefined && body.response_format === undefined;
    const client = plainText && random() < 0.2 ? 'anthropic' : 'openai';
    requests.push({ body, client, headers: { 'x-tollgate-user': user, 'x-tollgate-team': profile.team, 'x-tollgate-feature': profile.feature } });
  }
  return requests;
}
