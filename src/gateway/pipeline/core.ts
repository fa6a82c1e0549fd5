/**
 * What every pipeline operation shares: the per-gateway state (`Pipe`), provider settings lookup,
 * sending one upstream request with bounded retries, mapping upstream error statuses to GatewayError,
 * and finishing a request (audit record + metrics + health), so chat, streams and the other operations
 * record the same fields the same way.
 */
import { GatewayError, isGatewayError } from '../errors.js';
import type { GatewayConfig } from '../config.js';
import type { ChatRequest, Usage, AuditRecord, AuditSink, CacheLayer, Clock, ComplianceLayer, ComplianceSummary, Logger, ProviderSettings, RequestContext, ResultMeta } from '../types.js';
import type { ProviderAdapter, UpstreamRequest } from '../providers/types.js';
import type { Upstream, UpstreamResponse } from '../upstream/client.js';
import { isRetryableError, parseRetryAfter, retryDelay } from '../upstream/retry.js';
import { sleep } from '../util/clock.js';
import type { AbortSource } from '../util/abort.js';
import type { HealthTracker } from '../routing/health.js';
import type { Router, Target } from '../routing/router.js';
import type { GatewayMetrics } from './metrics.js';

export interface Pipe {
  config: GatewayConfig;
  clock: Clock;
  logger: Logger;
  upstream: Upstream;
  cache: CacheLayer | null;
  compliance: ComplianceLayer | null;
  audit: AuditSink | null;
  health: HealthTracker;
  router: Router;
  metrics: GatewayMetrics;
  /** Memoised per provider id (env and keys are fixed for the gateway's lifetime). */
  settings(adapter: ProviderAdapter): ProviderSettings;
  adapter(provider: string): ProviderAdapter;
  random: () => number;
  /** USD cost of a request from the price table. */
  cost(provider: string, model: string, usage: Usage): number;
  /**
   * Cumulative ms the event loop has spent idle (waiting for I/O), or null when unknown. Time counted as
   * "waiting on the upstream" is capped by the loop's idle time in that window: while the loop is busy
   * (deferred audit / compliance writes, parsing) the gateway is working, not waiting.
   */
  loopIdle: (() => number) | null;
}

/** Start of a wait on the upstream (see `waitedSince`). */
export interface WaitMark {
  t: number;
  idle: number;
}

export function markWait(p: Pipe): WaitMark {
  return { t: p.clock.now(), idle: p.loopIdle ? p.loopIdle() : 0 };
}

/** ms spent waiting on the upstream since `m`: the elapsed time, minus what the event loop spent working. */
export function waitedSince(p: Pipe, m: WaitMark): number {
  const elapsed = p.clock.now() - m.t;
  if (!p.loopIdle) return elapsed;
  return Math.max(0, Math.min(elapsed, p.loopIdle() - m.idle));
}

/** `waitedSince(from)` as of the mark `to` (both taken with markWait). */
export function waitedBetween(p: Pipe, from: WaitMark, to: WaitMark): number {
  const elapsed = to.t - from.t;
  if (!p.loopIdle) return elapsed;
  return Math.max(0, Math.min(elapsed, to.idle - from.idle));
}

export interface SendResult {
  res: UpstreamResponse;
  attempts: number;
  /** ms spent waiting on the provider (incl. backoff sleeps): excluded from the gateway's own time. */
  waitedMs: number;
  /** The wait mark taken when the response headers arrived: the start of the body wait (saves a mark). */
  doneAt?: WaitMark;
}

/**
 * Sends `up` to the provider, retrying 429 / 5xx / network failures with exponential backoff + full
 * jitter (or the provider's retry-after), at most config.retry.maxRetries times. Returns a 2xx/3xx
 * response with its body unread; throws GatewayError otherwise.
 */
export async function sendWithRetries(p: Pipe, adapter: ProviderAdapter, up: UpstreamRequest, ctx: RequestContext): Promise<SendResult> {
  const cfg = p.config.retry;
  let waitedMs = 0;
  for (let attempt = 0; ; attempt++) {
    const t0 = markWait(p);
    let err: GatewayError;
    try {
      const res = await p.upstream.send(up, upstreamAbort(ctx), adapter.id);
      if (res.status < 400) {
        const doneAt = markWait(p);
        waitedMs += waitedBetween(p, t0, doneAt);
        return { res, attempts: attempt + 1, waitedMs, doneAt };
      }
      err = await statusError(p, adapter, res);
    } catch (e) {
      err = isGatewayError(e) ? e : new GatewayError('internal', `Unexpected failure calling ${adapter.displayName}: ${(e as Error)?.message ?? e}`, { cause: e, provider: adapter.id });
    }
    waitedMs += waitedSince(p, t0);
    if (err.code === 'aborted') throw err;
    const retryable = isRetryableError(err);
    if (retryable) p.health.failure(adapter.id);
    else p.health.neutral(adapter.id);
    const tooLong = err.retryAfterMs !== undefined && err.retryAfterMs > cfg.maxRetryAfterMs;
    if (!retryable || attempt >= cfg.maxRetries || tooLong) {
      (err as { attempts?: number }).attempts = attempt + 1;
      throw err;
    }
    const delay = retryDelay(attempt, cfg, err.retryAfterMs, p.random);
    p.logger.debug('retrying upstream request', { provider: adapter.id, attempt: attempt + 1, delayMs: delay, code: err.code, status: err.status });
    const ts = p.clock.now();
    try {
      await sleep(delay, ctx.signal);
    } catch (e) {
      throw new GatewayError('aborted', 'The request was cancelled by the client.', { cause: e, provider: adapter.id });
    }
    waitedMs += p.clock.now() - ts;
  }
}

/**
 * What the upstream call listens to for cancellation: the HTTP edge's context offers a cheap
 * `abortSource` (see util/abort.ts; a prototype getter, so a `{ ...ctx, signal }` copy such as
 * fan-out's does not inherit it and uses its own signal); every other context gives its signal.
 */
function upstreamAbort(ctx: RequestContext): AbortSignal | AbortSource {
  return (ctx as { abortSource?: AbortSource }).abortSource ?? ctx.signal;
}

/** Reads an error response and maps it: 429 → rate_limited, other 4xx pass their status, 5xx → 502. */
export async function statusError(p: Pipe, adapter: ProviderAdapter, res: UpstreamResponse): Promise<GatewayError> {
  let body: unknown;
  try {
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } catch {
    body = undefined;
  }
  let message: string;
  try {
    message = adapter.errorMessage(body, res.status);
  } catch {
    message = `upstream returned HTTP ${res.status}`;
  }
  const details = { upstream_status: res.status };
  const msg = `${adapter.displayName} returned HTTP ${res.status}: ${message}`;
  if (res.status === 429) {
    return new GatewayError('rate_limited', msg, { provider: adapter.id, retryAfterMs: parseRetryAfter(res.headers['retry-after'], p.clock.wallNow()), details });
  }
  if (res.status >= 500) return new GatewayError('upstream_error', msg, { provider: adapter.id, status: 502, details });
  return new GatewayError('upstream_error', msg, { provider: adapter.id, status: res.status, details });
}

/**
 * After a target of a routing plan failed: records the failure and says whether to move on to `next`
 * (the fallback policy allows it and there is a next target). One place for every operation's fallback.
 */
export function fallBackAfter(p: Pipe, err: GatewayError, failed: Target, next: Target | undefined, op: string): boolean {
  if (err.code === 'aborted') return false;
  p.router.failed(failed.provider, failed.model, err.message);
  if (!next || !shouldFallback(p, err)) return false;
  p.logger.info('falling back to the next provider', { op, from: `${failed.provider}/${failed.model}`, to: `${next.provider}/${next.model}`, code: err.code });
  return true;
}

/** Whether a failed target should hand over to the next one in the fallback chain. */
export function shouldFallback(p: Pipe, e: unknown): boolean {
  if (!isGatewayError(e)) return false;
  switch (e.code) {
    case 'upstream_unreachable':
    case 'upstream_timeout':
    case 'stream_truncated':
    case 'missing_api_key':
    case 'unsupported_operation':
      return true;
    case 'rate_limited':
    case 'upstream_error': {
      const st = (e.details?.upstream_status as number | undefined) ?? e.status;
      return p.config.routing.fallbackOn.includes(st);
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Finishing a request: audit + metrics
// ---------------------------------------------------------------------------------------------------

export interface Finish {
  op: string;
  ctx: RequestContext;
  meta: ResultMeta;
  streamed: boolean;
  error?: GatewayError;
  promptText: string | null;
  responseText: string | null;
  cacheQuery?: string | null;
}

const CONTENT_TYPE: Record<string, string> = {
  chat: 'chat',
  embeddings: 'embedding',
  rerank: 'rerank',
  images: 'image',
  transcription: 'audio_transcription',
  speech: 'audio_speech',
  anthropic_messages: 'chat',
  models: 'models',
};

/** Writes the audit record and the metrics for one finished request. Never throws. */
export function finish(p: Pipe, f: Finish): void {
  const m = f.meta;
  const status = f.error ? f.error.status : 200;
  try {
    f.ctx.report?.(m);
  } catch {
    /* a host's listener must not break the request */
  }
  p.metrics.observe({
    op: f.op,
    provider: m.provider || 'none',
    status,
    errorCode: f.error?.code,
    latencyMs: m.latencyMs,
    gatewayMs: m.gatewayMs,
    cacheHit: m.cacheHitType,
    promptTokens: m.usage.prompt_tokens,
    completionTokens: m.usage.completion_tokens,
    costUsd: m.costUsd,
    streamed: f.streamed,
  });
  if (!p.audit || !p.config.audit.enabled) return;
  try {
    const c = m.compliance;
    const violations = c ? tagged(c.violations) : null;
    const rec: AuditRecord = {
      request_id: m.requestId,
      timestamp: new Date(p.clock.wallNow()).toISOString(),
      provider: m.provider,
      model: m.model,
      model_provider: m.provider,
      tokens_used: m.usage.total_tokens,
      cost: m.costUsd,
      latency_ms: Math.round(m.latencyMs),
      processing_time_ms: Math.round(m.gatewayMs * 1000) / 1000,
      content_type: CONTENT_TYPE[f.op] ?? f.op,
      user_id: f.ctx.userId ?? null,
      conversation_id: f.ctx.conversationId ?? null,
      conversation_stage: null,
      routing_strategy: m.routingStrategy || null,
      routing_reason: m.routingReason || null,
      compliance_status: c ? c.status : null,
      compliance_violations: c && violations!.length ? JSON.stringify(violations) : null,
      compliance: c ? ({ ...c, violations } as unknown as Record<string, unknown>) : null,
      metacache: {
        hit: m.cached,
        query: m.cached ? (f.cacheQuery ?? null) : null,
        tokens_saved: m.cached ? m.usage.total_tokens : 0,
        hit_type: m.cacheHitType,
        tier: m.cacheTier ?? null,
      },
      metrics: {
        prompt_tokens: m.usage.prompt_tokens,
        completion_tokens: m.usage.completion_tokens,
        processing_time_ms: Math.round(m.latencyMs),
        success: !f.error,
      },
      error_status: f.error ? f.error.status : null,
      error_message: f.error ? f.error.message : null,
      streamed: f.streamed,
      prompt_text: f.promptText,
      response_text: f.responseText,
      source: f.ctx.source ?? null,
    };
    p.audit.record(rec);
  } catch (e) {
    p.logger.warn('audit record failed', { error: (e as Error).message });
  }
}

/** Violations with their `source` set (the compliance layer's own summaries describe the prompt). */
function tagged(vs: ComplianceSummary['violations']): ComplianceSummary['violations'] {
  return vs.every((v) => v.source) ? vs : vs.map((v) => (v.source ? v : { ...v, source: 'prompt' as const }));
}

/**
 * Waits until the audit sink has committed what was recorded (when it offers `flushed()`), so a
 * response the client has received always has its audit row. Never throws.
 */
export async function auditFlushed(p: Pipe): Promise<void> {
  const a = p.audit as (AuditSink & { flushed?: () => Promise<void> }) | null;
  if (!a || !p.config.audit.enabled || typeof a.flushed !== 'function') return;
  try {
    await a.flushed();
  } catch {
    /* the store reports its own failures */
  }
}

export const ZERO_USAGE = Object.freeze({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

/** A blank meta for requests that fail before routing. */
export function baseMeta(ctx: RequestContext, model: string): ResultMeta {
  return {
    requestId: ctx.requestId,
    provider: '',
    model,
    cached: false,
    cacheHitType: null,
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    costUsd: 0,
    latencyMs: 0,
    gatewayMs: 0,
    routingStrategy: 'direct',
    routingReason: '',
    attempts: 0,
  };
}

/** Parses a JSON body from the upstream; anything else is a 502 with the provider's name. */
export async function readJson(res: UpstreamResponse, adapter: ProviderAdapter): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('upstream_error', `${adapter.displayName} returned a response that is not JSON (HTTP ${res.status}). Check the provider's base URL.`, { provider: adapter.id });
  }
}
