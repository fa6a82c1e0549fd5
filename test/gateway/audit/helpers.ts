// Shared test helpers for the audit store: a settable clock, a silent logger that keeps its lines, a
// temp folder, and a fully populated AuditRecord factory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecord, Clock, Logger } from '../../../src/gateway/types.js';

export interface TestClock extends Clock {
  set(ms: number): void;
}

export function testClock(start = Date.parse('2026-03-01T12:00:00.000Z')): TestClock {
  let t = start;
  return { now: () => performance.now(), wallNow: () => t, set: (ms) => void (t = ms) };
}

export function testLogger(): Logger & { lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function tempDir(prefix = 'sf-audit-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let seq = 0;
/** A record with every field set to a distinct, non-default value. */
export function fullRecord(over: Partial<AuditRecord> = {}): AuditRecord {
  seq++;
  return {
    request_id: `req-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    timestamp: new Date(Date.parse('2026-03-01T11:00:00.000Z') + seq).toISOString(),
    provider: 'openai',
    model: 'gpt-4o-mini',
    model_provider: 'openai',
    tokens_used: 150 + seq,
    cost: 0.000123 + seq / 1e6,
    latency_ms: 321.5,
    processing_time_ms: 12.25,
    content_type: 'chat',
    user_id: 'alice@example.com',
    conversation_id: 'conv-42',
    conversation_stage: 'follow_up',
    routing_strategy: 'fallback',
    routing_reason: 'provider:openai',
    compliance_status: 'violated',
    compliance_violations: JSON.stringify([{ type: 'EMAIL', start: 3, end: 20 }]),
    compliance: { action: 'redact', redactedByType: { EMAIL: 1 }, riskScore: 0.4, policy: 'enterprise_standard' },
    metacache: { hit: true, query: 'what is a "cache", really?', tokens_saved: 99, hit_type: 'semantic', tier: 'L2' },
    metrics: { prompt_tokens: 100, completion_tokens: 50 + seq, processing_time_ms: 300.75, success: true },
    error_status: null,
    error_message: null,
    streamed: true,
    prompt_text: 'Hello [EMAIL_1], summarise this, please',
    response_text: 'Line one,\r\nline "two"',
    source: 'http',
    ...over,
  };
}
