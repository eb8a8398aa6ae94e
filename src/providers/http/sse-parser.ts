/** One server-sent event: its `event:` name (if any) and its `data:` lines joined by `\n`. */
export interface ServerSentEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Incremental SSE parser (WHATWG framing): feed it byte chunks as they arrive, get whole events
 * out. Handles `\n`, `\r\n` and `\r` line endings, multi-line `data:`, comments and split UTF-8.
 */
export class ServerSentEventParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private eventName: string | undefined;
  private dataLines: string[] = [];

  push(chunk: Uint8Array): ServerSentEvent[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drainLines();
  }

  /** Call when the byte stream ended; returns a final event only if it was complete. */
  end(): ServerSentEvent[] {
    this.buffer += this.decoder.decode();
    const events = this.drainLines();
    // A trailing event without its blank line is incomplete by the SSE rules: dropped.
    return events;
  }

  private drainLines(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let index = 0; index < this.buffer.length; index++) {
      const character = this.buffer.charCodeAt(index);
      if (character !== 10 && character !== 13) continue;
      // A lone `\r` at the end of the buffer may be the first half of `\r\n`: wait for more.
      if (character === 13 && index === this.buffer.length - 1) break;
      const line = this.buffer.slice(start, index);
      if (character === 13 && this.buffer.charCodeAt(index + 1) === 10) index++;
      start = index + 1;
      const event = this.acceptLine(line);
      if (event !== undefined) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private acceptLine(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.dataLines.length === 0) {
        this.eventName = undefined;
        return undefined;
      }
      const event = { event: this.eventName, data: this.dataLines.join('\n') };
      this.eventName = undefined;
      this.dataLines = [];
      return event;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.dataLines.push(value);
    else if (field === 'event') this.eventName = value;
    return undefined;
  }
}
