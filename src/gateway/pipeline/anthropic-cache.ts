/**
 * The response cache on the native Anthropic path (`/anthropic/v1/messages`): the key view of a Messages
 * body, the cache entry that carries the native message, assembling a native message from the SSE event
 * sequence (to store streamed answers), and replaying a cached message as a valid event sequence.
 *
 * Native entries live in their own key namespace (`ANTHROPIC_CACHE_NAMESPACE`), so they never answer an
 * OpenAI-shaped `/v1/chat/completions` request and vice versa, even for the same model and prompt. The
 * answers are not interchangeable: a native reply carries content blocks the OpenAI shape cannot hold
 * (thinking blocks and their signatures, server tool results, citations), `stop_sequence` and the cache
 * token counts; and a native body carries parameters the OpenAI translation never sends (top_k, thinking,
 * cache_control, service_tier), so "the same prompt" is not the same upstream request either.
 */
import type { AnthropicMessagesRequest, ChatMessage, ChatRequest, ChatResponse, ContentPart } from '../types.js';
import type { ProviderAdapter } from '../providers/types.js';
import type { StreamEvent } from '../providers/sse.js';

/** The `provider` the cache keys native entries under (adapter ids never contain ":"). */
export const ANTHROPIC_CACHE_NAMESPACE = 'anthropic:messages';

type Block = Record<string, unknown> & { type?: unknown };

/** A native message as the Messages API returns it (the fields the replay needs). */
export interface NativeMessage {
  id?: string;
  type: 'message';
  role?: string;
  model?: string;
  content: Block[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: Record<string, unknown>;
  [k: string]: unknown;
}

/** A cached ChatResponse with the native message riding along (the cache persists it as JSON). */
type NativeEntry = ChatResponse & { anthropic?: NativeMessage };

/** Fields that never change the answer: transport, and metadata (only the end-user id). */
const TRANSPORT = new Set(['model', 'messages', 'system', 'stream', 'metadata', 'temperature']);

function isPlainText(b: unknown): b is { type: 'text'; text: string } {
  if (!b || typeof b !== 'object') return false;
  const o = b as Block;
  return o.type === 'text' && typeof o.text === 'string' && Object.keys(o).every((k) => k === 'type' || k === 'text');
}

/** String content, or text-only blocks, as a ChatMessage content; undefined when anything else is in it. */
function plainContent(c: unknown): string | ContentPart[] | undefined {
  if (typeof c === 'string') return c;
  if (Array.isArray(c) && c.every(isPlainText)) return c.map((b) => ({ type: 'text' as const, text: b.text }));
  return undefined;
}

/**
 * The ChatRequest the cache keys a native body by. Text-only conversations map losslessly onto
 * messages (system first), so the semantic cache can match paraphrases of the last user message; every
 * other parameter goes into `anthropic` and must match exactly (exact key and semantic scope both hash
 * it). A conversation with any other block (images, documents, tool use/results, cache_control) is keyed
 * by its raw JSON and takes part in the exact cache only: its single user message has no text, which
 * the semantic cache skips.
 */
export function cacheKeyView(body: AnthropicMessagesRequest, model: string): ChatRequest {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!TRANSPORT.has(k) && v !== undefined) extra[k] = v;
  const view: ChatRequest = { model, messages: [], anthropic: extra };
  if (typeof body.temperature === 'number') view.temperature = body.temperature;
  const sys = body.system === undefined ? undefined : plainContent(body.system);
  const msgs = (body.messages as Array<{ role?: unknown; content?: unknown }>).map((m) => ({ role: m?.role, content: plainContent(m?.content) }));
  const lossless = (body.system === undefined || sys !== undefined) && msgs.every((m) => (m.role === 'user' || m.role === 'assistant') && m.content !== undefined);
  if (!lossless) {
    extra.raw = { system: body.system ?? null, messages: body.messages };
    view.messages = [{ role: 'user', content: null }];
    return view;
  }
  const out: ChatMessage[] = [];
  if (sys !== undefined) out.push({ role: 'system', content: sys });
  for (const m of msgs) out.push({ role: m.role as 'user' | 'assistant', content: m.content as string | ContentPart[] });
  view.messages = out;
  return view;
}

/** Whether `body` is a complete native message worth caching. */
export function isNativeMessage(body: unknown): body is NativeMessage {
  const o = body as NativeMessage | null;
  return !!o && typeof o === 'object' && o.type === 'message' && Array.isArray(o.content) && o.stop_reason !== null && o.stop_reason !== undefined;
}

/** The cache entry for a native message: the adapter's OpenAI view (usage, text for stats) + the message. */
export function toCacheEntry(adapter: ProviderAdapter, msg: NativeMessage, model: string): ChatResponse | null {
  try {
    const res = adapter.parseChat(msg, model) as NativeEntry;
    res.anthropic = msg;
    return res;
  } catch {
    return null;
  }
}

/** The native message of a cache hit, or null for an entry without one. */
export function nativeOf(res: ChatResponse): NativeMessage | null {
  const m = (res as NativeEntry).anthropic;
  return isNativeMessage(m) ? m : null;
}

/**
 * Rebuilds the native message from the Messages SSE events, as the SDKs accumulate it. `message()` is
 * null unless the stream completed (message_stop) and every event was understood, so an answer is only
 * cached when the replay can reproduce it.
 */
export class MessageAssembler {
  private msg: NativeMessage | null = null;
  private readonly json = new Map<number, string>();
  private done = false;
  private broken = false;

  push(ev: StreamEvent): void {
    if (this.broken || this.done) return;
    let o: Record<string, any>;
    try {
      o = JSON.parse(ev.data);
    } catch {
      this.broken = true;
      return;
    }
    const m = this.msg;
    switch (o?.type) {
      case 'message_start':
        this.msg = { ...(o.message ?? {}), type: 'message', content: [] };
        break;
      case 'content_block_start':
        if (!m || typeof o.index !== 'number' || !o.content_block) return void (this.broken = true);
        m.content[o.index] = { ...o.content_block };
        break;
      case 'content_block_delta': {
        const b = m?.content[o.index];
        const d = o.delta ?? {};
        if (!b) return void (this.broken = true);
        if (d.type === 'text_delta') b.text = String(b.text ?? '') + d.text;
        else if (d.type === 'input_json_delta') this.json.set(o.index, (this.json.get(o.index) ?? '') + d.partial_json);
        else if (d.type === 'thinking_delta') b.thinking = String(b.thinking ?? '') + d.thinking;
        else if (d.type === 'signature_delta') b.signature = d.signature;
        else if (d.type === 'citations_delta') b.citations = [...((b.citations as unknown[]) ?? []), d.citation];
        else this.broken = true;
        break;
      }
      case 'content_block_stop': {
        const b = m?.content[o.index];
        const raw = this.json.get(o.index);
        if (b && raw !== undefined) {
          try {
            b.input = raw.trim() ? JSON.parse(raw) : {};
          } catch {
            this.broken = true;
          }
        }
        break;
      }
      case 'message_delta':
        if (!m) return void (this.broken = true);
        if (o.delta && 'stop_reason' in o.delta) m.stop_reason = o.delta.stop_reason;
        if (o.delta && 'stop_sequence' in o.delta) m.stop_sequence = o.delta.stop_sequence;
        if (o.usage && typeof o.usage === 'object') m.usage = { ...(m.usage ?? {}), ...o.usage };
        break;
      case 'message_stop':
        this.done = true;
        break;
      case 'ping':
        break;
      default:
        this.broken = true; // an error event, or a type this replay would not reproduce
    }
  }

  message(): NativeMessage | null {
    if (!this.done || this.broken || !this.msg || this.msg.content.some((b) => !b)) return null;
    return isNativeMessage(this.msg) ? this.msg : null;
  }
}

/**
 * A cached message as the event sequence the Messages API streams: message_start (empty content),
 * per block content_block_start / one delta with the whole block / content_block_stop, message_delta
 * with the stop reason and usage, message_stop.
 */
export function replayEvents(msg: NativeMessage): StreamEvent[] {
  const ev = (type: string, data: Record<string, unknown>): StreamEvent => ({ event: type, data: JSON.stringify({ type, ...data }) });
  const usage = msg.usage ?? {};
  const out: StreamEvent[] = [ev('message_start', { message: { ...msg, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } })];
  msg.content.forEach((b, index) => {
    const delta = (d: Record<string, unknown>) => out.push(ev('content_block_delta', { index, delta: d }));
    switch (b.type) {
      case 'text': {
        const { citations, ...rest } = b;
        out.push(ev('content_block_start', { index, content_block: { ...rest, text: '' } }));
        if (b.text) delta({ type: 'text_delta', text: b.text });
        if (Array.isArray(citations)) for (const c of citations) delta({ type: 'citations_delta', citation: c });
        break;
      }
      case 'tool_use':
      case 'server_tool_use':
        out.push(ev('content_block_start', { index, content_block: { ...b, input: {} } }));
        delta({ type: 'input_json_delta', partial_json: JSON.stringify(b.input ?? {}) });
        break;
      case 'thinking':
        out.push(ev('content_block_start', { index, content_block: { ...b, thinking: '', signature: '' } }));
        if (b.thinking) delta({ type: 'thinking_delta', thinking: b.thinking });
        if (b.signature) delta({ type: 'signature_delta', signature: b.signature });
        break;
      default:
        // redacted_thinking, tool results, …: the API sends these whole in content_block_start.
        out.push(ev('content_block_start', { index, content_block: b }));
    }
    out.push(ev('content_block_stop', { index }));
  });
  out.push(ev('message_delta', { delta: { stop_reason: msg.stop_reason ?? 'end_turn', stop_sequence: msg.stop_sequence ?? null }, usage }));
  out.push(ev('message_stop', {}));
  return out;
}

/** One SSE event on the wire. */
export function sseText(ev: StreamEvent): string {
  return `${ev.event ? `event: ${ev.event}\n` : ''}data: ${ev.data}\n\n`;
}
