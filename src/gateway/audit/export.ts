/**
 * Export formats for a filtered set of logs: CSV (RFC 4180: CRLF line ends; fields with a comma, quote,
 * CR or LF are quoted and quotes doubled) and JSON Lines (one VASLog per line). The store feeds these
 * page by page, so an export of a million rows never holds more than one page in memory.
 */
import type { VASLog } from './vaslog.js';

/** CSV columns, in order (nested fields flattened; `compliance` as JSON). */
export const CSV_COLUMNS = [
  'request_id',
  'timestamp',
  'provider',
  'model',
  'model_provider',
  'tokens_used',
  'prompt_tokens',
  'completion_tokens',
  'cost',
  'latency_ms',
  'processing_time_ms',
  'content_type',
  'user_id',
  'conversation_id',
  'conversation_stage',
  'routing_strategy',
  'routing_reason',
  'compliance_status',
  'compliance_violations',
  'compliance',
  'cached',
  'cache_hit_type',
  'cache_tier',
  'cache_query',
  'tokens_saved',
  'success',
  'error_status',
  'error_message',
  'streamed',
  'source',
  'prompt_text',
  'response_text',
] as const;

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

export function csvRow(l: VASLog): string {
  const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    request_id: l.request_id,
    timestamp: l.timestamp,
    provider: l.provider,
    model: l.model,
    model_provider: l.model_provider,
    tokens_used: l.tokens_used,
    prompt_tokens: l.metrics.prompt_tokens,
    completion_tokens: l.metrics.completion_tokens,
    cost: l.cost,
    latency_ms: l.latency_ms,
    processing_time_ms: l.processing_time_ms,
    content_type: l.content_type,
    user_id: l.user_id,
    conversation_id: l.conversation_id,
    conversation_stage: l.conversation_stage,
    routing_strategy: l.routing_strategy,
    routing_reason: l.routing_reason,
    compliance_status: l.compliance_status,
    compliance_violations: l.compliance_violations,
    compliance: l.compliance,
    cached: l.cached,
    cache_hit_type: l.metacache.hit_type,
    cache_tier: l.metacache.tier,
    cache_query: l.metacache.query,
    tokens_saved: l.metacache.tokens_saved,
    success: l.metrics.success,
    error_status: l.error?.status ?? null,
    error_message: l.error?.message ?? null,
    streamed: l.streamed,
    source: l.source,
    prompt_text: l.prompt_text,
    response_text: l.response_text,
  };
  return CSV_COLUMNS.map((c) => csvField(flat[c])).join(',') + '\r\n';
}

export function jsonlRow(l: VASLog): string {
  return JSON.stringify(l) + '\n';
}
