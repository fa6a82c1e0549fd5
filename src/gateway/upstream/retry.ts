/**
 * Retry policy: which failures are retried, how long to wait (exponential backoff with full jitter),
 * and how to read `retry-after` (delta seconds or an HTTP date), all bounded by the config.
 */
import type { RetryConfig } from '../config.js';
import type { GatewayError } from '../errors.js';

/** Upstream statuses worth retrying on the same provider. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Errors (already mapped) worth retrying: transport failures, timeouts and retryable statuses. */
export function isRetryableError(e: GatewayError): boolean {
  if (e.code === 'upstream_unreachable' || e.code === 'upstream_timeout') return true;
  if (e.code === 'rate_limited') return true;
  if (e.code === 'upstream_error') return isRetryableStatus(e.details?.upstream_status as number ?? e.status);
  return false;
}

/** Parses `retry-after` into milliseconds (undefined when absent or unparseable). */
export function parseRetryAfter(v: string | string[] | undefined, wallNow: number): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - wallNow);
}

/**
 * Delay before retry number `attempt` (0-based). A retry-after wins when present (capped at
 * maxRetryAfterMs by the caller's give-up check); otherwise full jitter over base * 2^attempt.
 */
export function retryDelay(attempt: number, cfg: RetryConfig, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cfg.maxRetryAfterMs);
  const cap = Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * cap);
}
