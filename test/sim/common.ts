/**
 * Shared parts of the provider simulator: the recorded-request and control types, deterministic reply
 * and token rules, multipart parsing, and the response writers (JSON, SSE with pacing and faults) that
 * each provider's wire module uses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export type SimFault =
  /** Destroy the socket before any response byte. */
  | 'reset'
  /** Send headers and about half the body/stream, then destroy the socket. */
  | 'reset-mid-stream'
  /** An event (or body) that is not valid JSON, then the response ends. */
  | 'malformed'
  /** The stream ends cleanly but without the provider's completion marker ([DONE] / message_stop / message-end). */
  | 'truncate'
  /** Never answer; the request stays open until the client gives up. */
  | 'hang'
  /** Half the stream, then the provider's in-stream error event. */
  | 'stream-error';

/** Per-request behaviour, from `x-sim-*` headers, a scripted entry, or the simulator's defaults. */
export interface SimControl {
  /** Delay before the status line and headers ("slow headers"). */
  latencyMs?: number;
  /** Headers are sent at once, then the body waits this long. */
  bodyDelayMs?: number;
  /** Number of content chunks a stream is split into (default: one per word). */
  chunks?: number;
  /** Pause between stream events. */
  chunkDelayMs?: number;
  /** Answer with this error status in the provider's error format. */
  status?: number;
  /** `retry-after` header value sent with the error (seconds or HTTP date). */
  retryAfter?: string;
  errorMessage?: string;
  fault?: SimFault;
  /** Exact reply text (default: "Echo: " + the last user message). */
  reply?: string;
  /** Answer with a tool call: a tool name, "auto" (the request's first tool), or name + arguments. */
  toolCall?: string | { name: string; arguments: Record<string, unknown> };
}

export interface SimScriptEntry extends SimControl {
  /** Which requests it applies to: a path substring, a RegExp, or a predicate (default: any). */
  match?: string | RegExp | ((r: SimRequest) => boolean);
  /** How many matching requests it applies to (default 1). */
  times?: number;
}

export interface SimRequest {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Which wire format answered: openai (and compatible), anthropic, cohere, or unknown. */
  wire: 'openai' | 'anthropic' | 'cohere' | 'unknown';
  /** The provider mount the request came in on ("openai", "groq", "azure", …). */
  provider: string;
  /** Lower-cased headers with authorization / x-api-key / api-key replaced by "[redacted]". */
  headers: Record<string, string>;
  hadAuth: boolean;
  /** The raw key, kept in memory only so tests can assert which key was sent. Never printed. */
  apiKey?: string;
  /** Parsed JSON, `{ fields, files }` for multipart, or the raw text. */
  body: unknown;
  bodyBytes: number;
  receivedAt: number;
  /** The client closed the connection before the response finished. */
  closedByClient: boolean;
  /** The simulator itself cut the connection (reset / reset-mid-stream / truncated JSON faults). */
  closedByServer: boolean;
  /** The response was fully written. */
  completed: boolean;
}

export interface SimIO {
  req: IncomingMessage;
  res: ServerResponse;
  rec: SimRequest;
  control: SimControl;
}

// ---------------------------------------------------------------------------------------------------
// Deterministic content
// ---------------------------------------------------------------------------------------------------

/** The simulator's token count for a text: ceil(chars / 4), like OpenAI's rule of thumb. */
export function simTokens(text: string): number {
  return text ? Math.ceil(text.length / 4) : 0;
}

/** Text of an OpenAI / Anthropic / Cohere message content (string or parts). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const p of content) {
    if (!p || typeof p !== 'object') continue;
    const part = p as Record<string, unknown>;
    if (typeof part.text === 'string') out.push(part.text);
    else if (part.type === 'tool_result') out.push(contentText(part.content));
  }
  return out.join('');
}

/** Reply rule: the control's reply, else the last tool result or user message echoed. */
export function replyFor(messages: unknown[], control: SimControl): string {
  if (control.reply !== undefined) return control.reply;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Record<string, unknown> | undefined;
    if (!m || typeof m !== 'object') continue;
    if (m.role === 'tool') return `Tool result: ${contentText(m.content)}`;
    if (m.role === 'user') {
      if (Array.isArray(m.content) && m.content.some((p) => (p as Record<string, unknown>)?.type === 'tool_result')) {
        return `Tool result: ${contentText(m.content)}`;
      }
      const t = contentText(m.content);
      return t ? `Echo: ${t}` : 'Hello from the simulator.';
    }
  }
  return 'Hello from the simulator.';
}

export function promptTokens(messages: unknown[], system?: unknown): number {
  let n = system === undefined ? 0 : simTokens(contentText(system));
  for (const m of messages) {
    if (m && typeof m === 'object') n += simTokens(contentText((m as Record<string, unknown>).content));
  }
  return n;
}

/** Cuts the reply to a max_tokens budget (4 chars per token) and says whether it was cut. */
export function applyMaxTokens(reply: string, max: unknown): { text: string; cut: boolean } {
  if (typeof max === 'number' && max > 0 && simTokens(reply) > max) return { text: reply.slice(0, max * 4), cut: true };
  return { text: reply, cut: false };
}

/** Splits text into stream pieces: `n` near-equal pieces, or one per word (spaces kept) by default. */
export function splitReply(text: string, n?: number): string[] {
  if (!n || n <= 0) {
    const words = text.match(/\S+\s*|\s+/g);
    return words && words.length ? words : [''];
  }
  const padded = text.length >= n ? text : text + '.'.repeat(n - text.length);
  const size = Math.ceil(padded.length / n);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(padded.slice(i * size, (i + 1) * size));
  return out;
}

/** Tool name + arguments for a tool-call reply, or undefined when the control does not ask for one. */
export function toolCallFor(control: SimControl, tools: unknown, lastUser: string): { name: string; arguments: Record<string, unknown> } | undefined {
  const tc = control.toolCall;
  if (!tc) return undefined;
  if (typeof tc === 'object') return tc;
  let name = tc;
  if (tc === 'auto' || tc === 'true' || tc === '1') {
    const first = Array.isArray(tools) ? (tools[0] as Record<string, unknown> | undefined) : undefined;
    const fn = first && typeof first.function === 'object' ? (first.function as Record<string, unknown>) : first;
    name = typeof fn?.name === 'string' ? fn.name : 'lookup';
  }
  return { name, arguments: { query: lastUser } };
}

/** Deterministic unit vector for a text: hashed bag of words, so similar texts get similar vectors. */
export function embedText(text: string, dims = 64): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const w of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619);
    v[(h >>> 0) % dims] += (h & 1) === 0 ? 1 : -1;
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** Word-overlap relevance in [0, 1] (for rerank). */
export function relevance(query: string, doc: string): number {
  const q = new Set(query.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const d = new Set(doc.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  if (!q.size || !d.size) return 0;
  let both = 0;
  for (const w of q) if (d.has(w)) both++;
  return Math.round((both / Math.sqrt(q.size * d.size)) * 10000) / 10000;
}

// ---------------------------------------------------------------------------------------------------
// multipart/form-data parsing (audio uploads)
// ---------------------------------------------------------------------------------------------------

export interface MultipartBody {
  fields: Record<string, string>;
  files: Array<{ name: string; filename: string; contentType: string; size: number; data: Buffer }>;
}

export function parseMultipart(body: Buffer, contentType: string): MultipartBody | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return undefined;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const out: MultipartBody = { fields: {}, files: [] };
  let pos = body.indexOf(boundary);
  if (pos < 0) return undefined;
  for (;;) {
    pos += boundary.length;
    if (body[pos] === 45 && body[pos + 1] === 45) return out; // "--": closing boundary
    pos += 2; // CRLF
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return undefined;
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(boundary, headerEnd + 4);
    if (next < 0) return undefined;
    const data = body.subarray(headerEnd + 4, next - 2); // strip the CRLF before the boundary
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (filename !== undefined) {
      const ct = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'application/octet-stream';
      out.files.push({ name, filename, contentType: ct.trim(), size: data.length, data: Buffer.from(data) });
    } else {
      out.fields[name] = data.toString('utf8');
    }
    pos = next;
  }
}

// ---------------------------------------------------------------------------------------------------
// Response writers
// ---------------------------------------------------------------------------------------------------

export { sleep };

function markDone(io: SimIO): void {
  io.rec.completed = true;
}

/** Writes a JSON response, honouring bodyDelayMs and the body faults (malformed, truncate, reset-mid-stream). */
export async function sendJson(io: SimIO, status: number, obj: unknown, headers: Record<string, string> = {}): Promise<void> {
  const { res, control } = io;
  const text = JSON.stringify(obj);
  const f = control.fault;
  if (f === 'malformed') {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))) + '<<not json');
    markDone(io);
    return;
  }
  if (f === 'reset-mid-stream' || f === 'truncate') {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    await sleep(5);
    io.rec.closedByServer = true;
    res.socket?.destroy();
    return;
  }
  if (control.bodyDelayMs) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.flushHeaders();
    await sleep(control.bodyDelayMs);
    if (res.destroyed) return;
    res.end(text);
  } else {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
  markDone(io);
}

export async function sendBytes(io: SimIO, status: number, data: Buffer, contentType: string): Promise<void> {
  const { res, control } = io;
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(data.length) });
  if (control.fault === 'reset-mid-stream' || control.fault === 'truncate') {
    res.write(data.subarray(0, Math.floor(data.length / 2)));
    await sleep(5);
    io.rec.closedByServer = true;
    res.socket?.destroy();
    return;
  }
  if (control.bodyDelayMs) {
    res.flushHeaders();
    await sleep(control.bodyDelayMs);
  }
  if (!res.destroyed) res.end(data);
  markDone(io);
}

export interface StreamPlan {
  /** Complete SSE events (each ending in a blank line), in order. */
  events: string[];
  /** How many trailing events are the completion marker (dropped by the truncate fault). */
  markerCount: number;
  /** The provider's in-stream error event (for the stream-error fault). */
  errorEvent: string;
}

/** Writes an SSE stream event by event with pacing, applying the stream faults. */
export async function sendStream(io: SimIO, plan: StreamPlan): Promise<void> {
  const { res, control } = io;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  if (control.bodyDelayMs) await sleep(control.bodyDelayMs);
  const f = control.fault;
  let events = plan.events;
  let stopAt = events.length;
  if (f === 'truncate') stopAt = events.length - plan.markerCount;
  if (f === 'reset-mid-stream' || f === 'stream-error') stopAt = Math.max(1, Math.floor(events.length / 2));
  if (f === 'malformed') {
    events = [events[0], 'data: {"id":"broken",\n\n'];
    stopAt = 2;
  }
  const delay = control.chunkDelayMs ?? 0;
  for (let i = 0; i < stopAt; i++) {
    if (res.destroyed) return;
    if (i > 0 && delay > 0) await sleep(delay);
    if (res.destroyed) return;
    res.write(events[i]);
  }
  if (f === 'reset-mid-stream') {
    await sleep(5);
    io.rec.closedByServer = true;
    res.socket?.destroy();
    return;
  }
  if (f === 'stream-error') res.write(plan.errorEvent);
  res.end();
  markDone(io);
}

export function sseEvent(data: unknown, event?: string): string {
  const d = typeof data === 'string' ? data : JSON.stringify(data);
  return event ? `event: ${event}\ndata: ${d}\n\n` : `data: ${d}\n\n`;
}
