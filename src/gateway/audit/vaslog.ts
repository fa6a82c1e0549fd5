/**
 * The read shape of the audit log — the reference SDK's `VASLog` plus our additions (cached, error,
 * streamed, texts, source) — and the two mappings: AuditRecord -> SQL parameters on write (scrubbed of
 * key-shaped strings) and SQL row -> VASLog on read.
 */
import type { AuditRecord, CacheHitType } from '../types.js';
import { scrubSecrets } from './scrub.js';

/** One audit entry as the client API, the CLI and the extension read it. */
export interface VASLog {
  request_id: string;
  /** ISO-8601 UTC, millisecond precision. */
  timestamp: string;
  provider: string;
  model: string;
  model_provider: string;
  tokens_used: number;
  /** Estimated USD. */
  cost: number;
  latency_ms: number;
  processing_time_ms: number;
  content_type: string;
  user_id: string | null;
  conversation_id: string | null;
  conversation_stage: string | null;
  routing_strategy: string | null;
  routing_reason: string | null;
  compliance_status: 'compliant' | 'violated' | null;
  /** JSON-encoded list of violation objects (a string, as in the reference). */
  compliance_violations: string | null;
  compliance: Record<string, unknown> | null;
  metacache: { hit: boolean; query: string | null; tokens_saved: number; hit_type: CacheHitType | null; tier: string | null };
  metrics: { prompt_tokens: number; completion_tokens: number; processing_time_ms: number; success: boolean };
  /** Same as metacache.hit (the reference's examples read `log.cached`). */
  cached: boolean;
  error: { status: number | null; message: string | null } | null;
  streamed: boolean;
  prompt_text: string | null;
  response_text: string | null;
  source: string | null;
}

/** Columns of audit_log written per record, in INSERT order. */
export const LOG_COLUMNS = [
  'request_id',
  'ts',
  'provider',
  'model',
  'model_provider',
  'tokens_used',
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
  'compliance_json',
  'cached',
  'cache_query',
  'tokens_saved',
  'cache_hit_type',
  'cache_tier',
  'prompt_tokens',
  'completion_tokens',
  'success',
  'error_status',
  'error_message',
  'streamed',
  'source',
  'metrics_processing_time_ms',
] as const;

export type LogParams = Array<string | number | null>;

const s = (v: string | null | undefined): string | null => scrubSecrets(v ?? null);
const n = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Epoch ms of an ISO timestamp; falls back to `fallback` for a missing or unparsable one. */
export function tsOf(timestamp: string | undefined, fallback: number): number {
  const t = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/** AuditRecord -> audit_log parameters (every text scrubbed) and the texts for audit_text. */
export function toParams(rec: AuditRecord, nowMs: number): { log: LogParams; prompt: string | null; response: string | null } {
  const compliance = rec.compliance ? s(JSON.stringify(rec.compliance)) : null;
  const log: LogParams = [
    s(rec.request_id) ?? '',
    tsOf(rec.timestamp, nowMs),
    s(rec.provider) ?? '',
    s(rec.model) ?? '',
    s(rec.model_provider) ?? '',
    Math.round(n(rec.tokens_used)),
    n(rec.cost),
    n(rec.latency_ms),
    n(rec.processing_time_ms),
    s(rec.content_type) ?? 'chat',
    s(rec.user_id),
    s(rec.conversation_id),
    s(rec.conversation_stage),
    s(rec.routing_strategy),
    s(rec.routing_reason),
    rec.compliance_status ?? null,
    s(rec.compliance_violations),
    compliance,
    rec.metacache?.hit ? 1 : 0,
    s(rec.metacache?.query),
    Math.round(n(rec.metacache?.tokens_saved)),
    rec.metacache?.hit_type ?? null,
    s(rec.metacache?.tier ?? null),
    Math.round(n(rec.metrics?.prompt_tokens)),
    Math.round(n(rec.metrics?.completion_tokens)),
    rec.metrics?.success === false ? 0 : 1,
    typeof rec.error_status === 'number' ? rec.error_status : null,
    s(rec.error_message),
    rec.streamed ? 1 : 0,
    s(rec.source),
    typeof rec.metrics?.processing_time_ms === 'number' ? rec.metrics.processing_time_ms : null,
  ];
  return { log, prompt: s(rec.prompt_text), response: s(rec.response_text) };
}

/** The SELECT list that `toVasLog` reads (audit_log as l, audit_text as t). */
export const SELECT_LOG = `l.id AS id, ${LOG_COLUMNS.map((c) => `l.${c} AS ${c}`).join(', ')}, t.prompt_text AS prompt_text, t.response_text AS response_text`;

export type LogRow = Record<(typeof LOG_COLUMNS)[number] | 'id' | 'prompt_text' | 'response_text', unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** SQL row -> VASLog. */
export function toVasLog(r: LogRow): VASLog {
  const processing = num(r.processing_time_ms);
  const errorStatus = r.error_status === null || r.error_status === undefined ? null : Number(r.error_status);
  const errorMessage = str(r.error_message);
  let compliance: Record<string, unknown> | null = null;
  if (r.compliance_json) {
    try {
      compliance = JSON.parse(String(r.compliance_json)) as Record<string, unknown>;
    } catch {
      compliance = null;
    }
  }
  const hit = num(r.cached) === 1;
  return {
    request_id: String(r.request_id),
    timestamp: new Date(num(r.ts)).toISOString(),
    provider: String(r.provider),
    model: String(r.model),
    model_provider: String(r.model_provider ?? ''),
    tokens_used: num(r.tokens_used),
    cost: num(r.cost),
    latency_ms: num(r.latency_ms),
    processing_time_ms: processing,
    content_type: String(r.content_type ?? 'chat'),
    user_id: str(r.user_id),
    conversation_id: str(r.conversation_id),
    conversation_stage: str(r.conversation_stage),
    routing_strategy: str(r.routing_strategy),
    routing_reason: str(r.routing_reason),
    compliance_status: str(r.compliance_status) as VASLog['compliance_status'],
    compliance_violations: str(r.compliance_violations),
    compliance,
    metacache: {
      hit,
      query: str(r.cache_query),
      tokens_saved: num(r.tokens_saved),
      hit_type: str(r.cache_hit_type) as CacheHitType | null,
      tier: str(r.cache_tier),
    },
    metrics: {
      prompt_tokens: num(r.prompt_tokens),
      completion_tokens: num(r.completion_tokens),
      processing_time_ms: r.metrics_processing_time_ms === null || r.metrics_processing_time_ms === undefined ? processing : num(r.metrics_processing_time_ms),
      success: num(r.success) === 1,
    },
    cached: hit,
    error: errorStatus !== null || errorMessage !== null ? { status: errorStatus, message: errorMessage } : null,
    streamed: num(r.streamed) === 1,
    prompt_text: str(r.prompt_text),
    response_text: str(r.response_text),
    source: str(r.source),
  };
}
