/**
 * Cache keys. The exact key hashes a canonical form (object keys sorted at every level, undefined
 * dropped) of the provider and everything in the request that can change the answer; only transport
 * fields (stream, stream_options) and the end-user id are left out. The semantic scope hashes the same
 * minus the prompt itself and the temperature, so a semantic candidate always shares model, system
 * prompt, tools, response format and every other sampling parameter with the request.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from '../types.js';

/** Fields that never change the answer. */
const TRANSPORT_FIELDS = new Set(['stream', 'stream_options', 'user']);

/** JSON with object keys sorted at every depth; `undefined` members are dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function answerFields(req: ChatRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) if (!TRANSPORT_FIELDS.has(k)) out[k] = v;
  return out;
}

/** Key of the exact cache. */
export function exactKey(req: ChatRequest, provider: string): string {
  return sha256(canonicalJson({ v: 1, provider, request: answerFields(req) }));
}

/** Text of a message, or undefined when it carries anything but text (images, tool calls). */
export function messageText(m: ChatMessage): string | undefined {
  if (m.tool_calls?.length) return undefined;
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) {
    if (m.content.some((p) => p.type !== 'text')) return undefined;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
  }
  return undefined;
}

/**
 * Longer prompts (pasted files, logs) only use the exact cache: paraphrase matching means little there and
 * verification cost grows with the square of the distinct words.
 */
export const MAX_SEMANTIC_PROMPT_CHARS = 4000;

export interface SemanticTarget {
  /** Hash of everything that must match exactly for a semantic hit. */
  scope: string;
  /** The user's last message: what gets embedded and verified. */
  prompt: string;
}

/**
 * Where a request may take part in the semantic cache, or why not. Single-turn (system messages + one
 * user message) always; multi-turn only when allowed, and then the whole prefix is part of the scope.
 */
export function semanticTarget(
  req: ChatRequest,
  provider: string,
  opts: { maxTemperature: number; multiTurn: boolean },
): SemanticTarget | { skip: string } {
  // An unset temperature means the provider default; we treat it as "no variety asked for".
  if (req.temperature !== undefined && req.temperature > opts.maxTemperature) return { skip: 'temperature' };
  if ((req.n ?? 1) !== 1) return { skip: 'n' };
  const msgs = req.messages ?? [];
  const last = msgs[msgs.length - 1];
  if (!last || last.role !== 'user') return { skip: 'last-not-user' };
  const prompt = messageText(last);
  if (prompt === undefined || !prompt.trim()) return { skip: 'non-text' };
  if (prompt.length > MAX_SEMANTIC_PROMPT_CHARS) return { skip: 'too-long' };
  const head = msgs.slice(0, -1);
  const system = head.filter((m) => m.role === 'system' || m.role === 'developer');
  const turns = head.filter((m) => m.role !== 'system' && m.role !== 'developer');
  if (turns.length && !opts.multiTurn) return { skip: 'multi-turn' };
  const rest = answerFields(req);
  delete rest.messages;
  delete rest.temperature;
  const scope = sha256(canonicalJson({ v: 1, provider, rest, system, prefix: turns }));
  return { scope, prompt };
}
