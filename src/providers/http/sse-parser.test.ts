import { describe, expect, it } from 'vitest';
import { ServerSentEventParser } from './sse-parser.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('ServerSentEventParser', () => {
  it('parses events split across arbitrary chunk boundaries', () => {
    const text = 'data: {"a":1}\n\nevent: ping\ndata: x\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new ServerSentEventParser();
      const events = [...parser.push(bytes(text.slice(0, cut))), ...parser.push(bytes(text.slice(cut))), ...parser.end()];
      expect(events).toEqual([
        { event: undefined, data: '{"a":1}' },
        { event: 'ping', data: 'x' },
        { event: undefined, data: '[DONE]' },
      ]);
    }
  });

  it('handles CRLF, comments, multi-line data and split UTF-8', () => {
    const parser = new ServerSentEventParser();
    const encoded = bytes(': keep-alive\r\ndata: héllo\r\ndata: wörld\r\n\r\n');
    const events = [...parser.push(encoded.slice(0, 16)), ...parser.push(encoded.slice(16))];
    expect(events).toEqual([{ event: undefined, data: 'héllo\nwörld' }]);
  });

  it('drops an event whose terminating blank line never came', () => {
    const parser = new ServerSentEventParser();
    expect(parser.push(bytes('data: partial'))).toEqual([]);
    expect(parser.end()).toEqual([]);
  });
});
