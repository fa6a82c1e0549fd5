/**
 * Response-side compliance for the native Anthropic path: redacts (and restores reversible placeholders
 * in) the text blocks of a Messages JSON reply, and rewrites an SSE stream's `text_delta` events through
 * one ResponseScanner per content block, so a value split across events is seen whole before any part
 * of it is sent. Events other than text deltas go out as they came (re-serialized).
 */
import type { ComplianceSummary, ResponseScanner } from '../types.js';
import type { StreamEvent } from '../providers/sse.js';

interface Block {
  type?: string;
  text?: unknown;
  [k: string]: unknown;
}

/** Scans the text blocks of an Anthropic message body. Returns the body to send, the shown text and findings. */
export function scanAnthropicJson(body: unknown, scanner: () => ResponseScanner): { body: unknown; text: string; findings: ComplianceSummary['violations'] } {
  const findings: ComplianceSummary['violations'] = [];
  const msg = body as { content?: unknown } | null;
  if (!msg || typeof msg !== 'object' || !Array.isArray(msg.content)) return { body, text: '', findings };
  let text = '';
  const content = (msg.content as Block[]).map((b) => {
    if (!b || b.type !== 'text' || typeof b.text !== 'string') return b;
    const sc = scanner();
    const shown = sc.push(b.text) + sc.flush();
    findings.push(...sc.findings());
    text += shown;
    return { ...b, text: shown };
  });
  return { body: { ...msg, content }, text, findings };
}

/** Rewrites Anthropic SSE events through per-block response scanners. */
export class AnthropicStreamScanner {
  private readonly blocks = new Map<number, { sc: ResponseScanner; flushed: boolean }>();
  /** The text the client was shown (for the audit log). */
  shown = '';

  constructor(private readonly scanner: () => ResponseScanner) {}

  /** One upstream event in; the SSE text to send for it (may be empty, or two events). */
  push(ev: StreamEvent): string {
    let data: { type?: string; index?: number; delta?: { type?: string; text?: unknown } } | null = null;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return serialize(ev.event, ev.data);
    }
    const type = data?.type ?? ev.event;
    if (type === 'content_block_delta' && data?.delta?.type === 'text_delta' && typeof data.delta.text === 'string') {
      const index = data.index ?? 0;
      const b = this.block(index);
      const out = b.sc.push(data.delta.text);
      if (!out) return '';
      this.shown += out;
      return serialize(ev.event, JSON.stringify({ ...data, delta: { ...data.delta, text: out } }));
    }
    if (type === 'content_block_stop') return this.flushBlock(data?.index ?? 0, ev.event ? 'content_block_delta' : undefined) + serialize(ev.event, ev.data);
    if (type === 'message_delta' || type === 'message_stop') return this.flushAll(ev.event ? 'content_block_delta' : undefined) + serialize(ev.event, ev.data);
    return serialize(ev.event, ev.data);
  }

  /** End of the upstream stream: whatever is still held back (after a stream without its stop events). */
  end(): string {
    return this.flushAll('content_block_delta');
  }

  findings(): ComplianceSummary['violations'] {
    const out: ComplianceSummary['violations'] = [];
    for (const b of this.blocks.values()) out.push(...b.sc.findings());
    return out;
  }

  private block(index: number): { sc: ResponseScanner; flushed: boolean } {
    let b = this.blocks.get(index);
    if (!b) this.blocks.set(index, (b = { sc: this.scanner(), flushed: false }));
    return b;
  }

  private flushBlock(index: number, eventName: string | undefined): string {
    const b = this.blocks.get(index);
    if (!b || b.flushed) return '';
    b.flushed = true;
    const rest = b.sc.flush();
    if (!rest) return '';
    this.shown += rest;
    return serialize(eventName, JSON.stringify({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: rest } }));
  }

  private flushAll(eventName: string | undefined): string {
    let out = '';
    for (const index of this.blocks.keys()) out += this.flushBlock(index, eventName);
    return out;
  }
}

function serialize(event: string | undefined, data: string): string {
  const lines = data.includes('\n') ? data.split('\n').map((l) => `data: ${l}`).join('\n') : `data: ${data}`;
  return event !== undefined ? `event: ${event}\n${lines}\n\n` : `${lines}\n\n`;
}
