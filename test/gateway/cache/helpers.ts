// Shared test helpers for the cache tests: a controllable clock, a recording logger, temp dirs, requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatRequest, ChatResponse, Clock, Logger, RequestContext } from '../../../src/gateway/types.js';
import { DEFAULT_CONFIG, type CacheConfig } from '../../../src/gateway/config.js';
import { SHIPPED_SIMILARITY_THRESHOLD } from '../../../src/gateway/cache/index.js';

export function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, wallNow: () => t, advance: (ms) => void (t += ms) };
}

export function recordingLogger(): Logger & { lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sf-cache-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function cacheConfig(over: Partial<CacheConfig> = {}): CacheConfig {
  // The cache's own shipped threshold, whatever config.ts's default currently is.
  return { ...DEFAULT_CONFIG.cache, similarityThreshold: SHIPPED_SIMILARITY_THRESHOLD, ...over };
}

export function ctx(over: Partial<RequestContext> = {}): RequestContext {
  return { requestId: 'req-1', signal: new AbortController().signal, startedAt: 0, ...over };
}

export function chat(prompt: string, over: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: prompt }], ...over };
}

export function reply(text: string, tokens = 30): ChatResponse {
  return {
    id: `chatcmpl-${text.length}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: tokens - 10, completion_tokens: 10, total_tokens: tokens },
  };
}
