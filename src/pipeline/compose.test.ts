import { describe, expect, it } from 'vitest';
import type { ModelCall, ModelRequest } from '../core/model-call.js';
import { composeStages } from './compose.js';
import type { Stage } from './stage.js';

describe('composeStages', () => {
  it('runs the first stage outermost and reaches the terminal last', async () => {
    const order: string[] = [];
    const terminal: ModelCall = {
      generate: async () => {
        order.push('terminal');
        throw new Error('stop');
      },
      stream: async () => {
        throw new Error('unused');
      },
    };
    const named = (name: string): Stage => (next) => ({
      generate: (request) => {
        order.push(name);
        return next.generate(request);
      },
      stream: (request) => next.stream(request),
    });
    const call = composeStages([named('a'), named('b')], terminal);
    await expect(call.generate({} as ModelRequest)).rejects.toThrow('stop');
    expect(order).toEqual(['a', 'b', 'terminal']);
  });
});
