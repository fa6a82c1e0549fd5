/**
 * Incremental event splitters for upstream streams: bytes in, `{ event?, data }` out.
 *
 * `createSseSplitter` follows the WHATWG EventSource parsing rules (the format every provider documents):
 * lines end in LF, CRLF or CR (a CR at the end of one chunk and the LF at the start of the next are one
 * line end), `:` lines are comments, several `data:` lines join with "\n", one leading space after the
 * colon is dropped, and a blank line dispatches the event. `createNdjsonSplitter` yields one event per
 * non-empty line. Both accept chunks split anywhere, including inside a multi-byte UTF-8 character.
 *
 * The transport feeds every network chunk to `push()` and hands the events to the adapter's
 * StreamParser, so one upstream event becomes one downstream chunk with no buffering beyond a line.
 */

export interface StreamEvent {
  event?: string;
  data: string;
}

export interface EventSplitter {
  /** Feed raw bytes (or already-decoded text); returns the events completed by this chunk. */
  push(chunk: Uint8Array | string): StreamEvent[];
  /** Upstream closed: returns an event left without its trailing blank line, if any. */
  end(): StreamEvent[];
}

/** Splitter for a provider's declared stream format. */
export function createEventSplitter(format: 'sse' | 'ndjson'): EventSplitter {
  return format === 'ndjson' ? createNdjsonSplitter() : createSseSplitter();
}

/**
 * Server-Sent Events splitter.
 *
 * @example
 *   const s = createSseSplitter();
 *   s.push('data: {"a"'); // []
 *   s.push(':1}\n\n');    // [{ data: '{"a":1}' }]
 */
export function createSseSplitter(): EventSplitter {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  // A chunk ended in CR: if the next one starts with LF, that LF belongs to the same line end.
  let skipLeadingLf = false;
  let eventName: string | undefined;
  let data: string[] = [];

  function dispatch(out: StreamEvent[]): void {
    if (data.length > 0) {
      const ev: StreamEvent = { data: data.length === 1 ? data[0] : data.join('\n') };
      if (eventName !== undefined) ev.event = eventName;
      out.push(ev);
    }
    data = [];
    eventName = undefined;
  }

  function line(text: string, out: StreamEvent[]): void {
    if (text.length === 0) {
      dispatch(out);
      return;
    }
    if (text.charCodeAt(0) === 58 /* : */) return; // comment (keep-alives such as ": OPENROUTER PROCESSING")
    const colon = text.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = text;
      value = '';
    } else {
      field = text.slice(0, colon);
      value = text.charCodeAt(colon + 1) === 32 ? text.slice(colon + 2) : text.slice(colon + 1);
    }
    if (field === 'data') data.push(value);
    else if (field === 'event') eventName = value;
    // id and retry only matter to browsers reconnecting; unknown fields are ignored per the spec.
  }

  function consume(text: string, out: StreamEvent[]): void {
    if (skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      skipLeadingLf = false;
    }
    buf = buf.length ? buf + text : text;
    const n = buf.length;
    let start = 0;
    // Native indexOf scans instead of a per-character loop; most streams never contain a CR at all.
    let cr = buf.indexOf('\r');
    while (start < n) {
      const lf = buf.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = buf.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 < n) next = buf.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
        else {
          next = n;
          skipLeadingLf = true;
        }
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      line(buf.slice(start, end), out);
      start = next;
    }
    buf = start >= n ? '' : buf.slice(start);
  }

  return {
    push(chunk) {
      const out: StreamEvent[] = [];
      consume(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), out);
      return out;
    },
    end() {
      const out: StreamEvent[] = [];
      const rest = decoder.decode();
      if (rest) consume(rest, out);
      // The spec drops an event without its blank line; we hand it over so the adapter's parser can
      // still see a final marker a sloppy server sent without the trailing newline.
      if (buf.length) {
        line(buf, out);
        buf = '';
      }
      dispatch(out);
      return out;
    },
  };
}

/** Newline-delimited JSON splitter (one event per non-empty line; CRLF tolerated). */
export function createNdjsonSplitter(): EventSplitter {
  const decoder = new TextDecoder('utf-8');
  let buf = '';

  function consume(text: string, out: StreamEvent[]): void {
    buf = buf.length ? buf + text : text;
    let start = 0;
    let nl: number;
    while ((nl = buf.indexOf('\n', start)) !== -1) {
      let end = nl;
      if (end > start && buf.charCodeAt(end - 1) === 13) end--;
      const s = buf.slice(start, end);
      if (s.trim().length) out.push({ data: s });
      start = nl + 1;
    }
    buf = start >= buf.length ? '' : buf.slice(start);
  }

  return {
    push(chunk) {
      const out: StreamEvent[] = [];
      consume(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), out);
      return out;
    },
    end() {
      const out: StreamEvent[] = [];
      const rest = decoder.decode();
      if (rest) consume(rest, out);
      const s = buf.replace(/\r$/, '');
      buf = '';
      if (s.trim().length) out.push({ data: s });
      return out;
    },
  };
}
