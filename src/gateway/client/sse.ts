/**
 * A small incremental Server-Sent Events reader for the client's streams: bytes in (any chunking, LF or
 * CRLF), `{event, data}` events out; comments and unknown fields are ignored; multi-line data is joined.
 */

export interface SseEvent {
  event?: string;
  data: string;
}

export async function* sseEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  let event: string | undefined;
  let data: string[] = [];
  const takeLine = (line: string): SseEvent | null => {
    if (line === '') {
      if (!data.length) {
        event = undefined;
        return null;
      }
      const ev: SseEvent = { event, data: data.join('\n') };
      event = undefined;
      data = [];
      return ev;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    return null;
  };
  for await (const chunk of body) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.search(/\r\n|\n|\r/)) !== -1) {
      // A lone CR at the end of the buffer may be the first half of CRLF: wait for more.
      if (buf[nl] === '\r' && nl === buf.length - 1) break;
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf[nl] === '\r' && buf[nl + 1] === '\n' ? 2 : 1));
      const ev = takeLine(line);
      if (ev) yield ev;
    }
  }
  buf += decoder.decode();
  if (buf) {
    const ev = takeLine(buf);
    if (ev) yield ev;
  }
  const last = takeLine('');
  if (last) yield last;
}
