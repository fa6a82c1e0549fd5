/**
 * The SDK's error classes (the reference's names) and the one place that maps HTTP statuses,
 * OpenAI-shaped error bodies, network failures and in-process GatewayErrors onto them. Every error keeps
 * what caused it in `cause`, plus `status` and the gateway's `code` when there was one.
 */
import { GatewayError } from '../errors.js';

export interface SmartflowErrorOptions {
  status?: number;
  code?: string;
  cause?: unknown;
  /** The parsed error body (OpenAI-shaped when it came from a gateway). */
  body?: unknown;
  provider?: string;
}

export class SmartflowError extends Error {
  readonly status?: number;
  /** The gateway's machine-readable code (e.g. "compliance_blocked", "upstream_timeout"). */
  readonly code?: string;
  readonly body?: unknown;
  readonly provider?: string;
  constructor(message: string, opts: SmartflowErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SmartflowError';
    this.status = opts.status;
    this.code = opts.code;
    this.body = opts.body;
    this.provider = opts.provider;
  }
}

/** Cannot reach the gateway (refused, DNS, reset) — or, in direct mode, the provider. */
export class ConnectionError extends SmartflowError {
  constructor(message: string, opts: SmartflowErrorOptions = {}) {
    super(message, opts);
    this.name = 'ConnectionError';
  }
}

/** 401: invalid or missing key. */
export class AuthenticationError extends SmartflowError {
  constructor(message: string, opts: SmartflowErrorOptions = {}) {
    super(message, opts);
    this.name = 'AuthenticationError';
  }
}

/** 429: rate limited; `retryAfter` in seconds when the server said. */
export class RateLimitError extends SmartflowError {
  readonly retryAfter?: number;
  constructor(message: string, opts: SmartflowErrorOptions & { retryAfter?: number } = {}) {
    super(message, opts);
    this.name = 'RateLimitError';
    this.retryAfter = opts.retryAfter;
  }
}

/** 403: blocked by the compliance policy (also raised by SmartflowAgent's own scans). */
export class ComplianceError extends SmartflowError {
  /** Finding types, e.g. ["EMAIL", "CREDIT_CARD"], when known. */
  readonly violations: string[];
  constructor(message: string, opts: SmartflowErrorOptions & { violations?: string[] } = {}) {
    super(message, opts);
    this.name = 'ComplianceError';
    this.violations = opts.violations ?? [];
  }
}

/** The upstream provider failed (5xx, bad response, unknown model, missing provider key …). */
export class ProviderError extends SmartflowError {
  constructor(message: string, opts: SmartflowErrorOptions = {}) {
    super(message, opts);
    this.name = 'ProviderError';
  }
}

export class TimeoutError extends SmartflowError {
  constructor(message: string, opts: SmartflowErrorOptions = {}) {
    super(message, opts);
    this.name = 'TimeoutError';
  }
}

/** The feature needs a Smartflow Enterprise gateway; the message says how to connect one. */
export class DirectModeError extends SmartflowError {
  readonly feature: string;
  constructor(feature: string) {
    super(
      `${feature} requires a Smartflow Enterprise gateway; this client is in direct mode.\n` +
        'Run `smartflow configure --mode gateway --gateway-url https://your-gateway` (or set SMARTFLOW_GATEWAY_URL,\n' +
        'or pass baseUrl to new SmartflowClient()) to connect to a gateway and unlock:\n' +
        '  • SSO identity integration (Entra ID, LDAP, SAML)\n' +
        '  • MCP gateway + A2A orchestration\n' +
        '  • Shared team cache, policies and audit trail',
      { code: 'direct_mode', status: 501 },
    );
    this.name = 'DirectModeError';
    this.feature = feature;
  }
}

/** Parses `retry-after` (seconds or HTTP date) into seconds. */
export function parseRetryAfter(v: string | null | undefined, now = Date.now()): number | undefined {
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.round((t - now) / 1000));
}

interface ErrorBodyInfo {
  message?: string;
  code?: string;
  type?: string;
  provider?: string;
  violations?: string[];
}

function bodyInfo(body: unknown): ErrorBodyInfo {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? { message: body.slice(0, 500) } : {};
  const b = body as Record<string, unknown>;
  const e = (typeof b.error === 'object' && b.error ? b.error : b) as Record<string, unknown>;
  const msg = typeof e.message === 'string' ? e.message : typeof b.error === 'string' ? b.error : typeof b.detail === 'string' ? b.detail : undefined;
  const violations = Array.isArray(e.violations)
    ? (e.violations as unknown[]).map((v) => (typeof v === 'string' ? v : String((v as Record<string, unknown>)?.type ?? ''))).filter(Boolean)
    : undefined;
  return {
    message: msg,
    code: typeof e.code === 'string' ? e.code : undefined,
    type: typeof e.type === 'string' ? e.type : undefined,
    provider: typeof e.provider === 'string' ? e.provider : undefined,
    violations,
  };
}

/** Maps an HTTP error response to the SDK error for its status/code. */
export function errorFromResponse(status: number, body: unknown, headers: { get(name: string): string | null }, what: string): SmartflowError {
  const info = bodyInfo(body);
  const base = info.message ?? `HTTP ${status}`;
  const opts = { status, code: info.code, body, provider: info.provider };
  if (status === 401) return new AuthenticationError(`${what}: ${base}. Check the API key (virtual key sk-sf-… or the gateway's bearer token).`, opts);
  if (status === 429) {
    const retryAfter = parseRetryAfter(headers.get('retry-after'));
    return new RateLimitError(`${what}: ${base}${retryAfter !== undefined ? ` (retry after ${retryAfter}s)` : ''}. Back off and retry.`, { ...opts, retryAfter });
  }
  if (status === 403 && info.code !== 'forbidden_host') return new ComplianceError(`${what}: ${base}`, { ...opts, violations: info.violations });
  if (status === 504 || info.code === 'upstream_timeout') return new TimeoutError(`${what}: ${base}`, opts);
  if (info.code === 'direct_mode') return new SmartflowError(`${what}: ${base}`, opts);
  if (status >= 500 || info.code === 'upstream_error' || info.code === 'upstream_unreachable' || info.code === 'stream_truncated' || info.code === 'unknown_model' || info.code === 'unsupported_provider' || info.code === 'missing_api_key') {
    return new ProviderError(`${what}: ${base}`, opts);
  }
  return new SmartflowError(`${what}: ${base}`, opts);
}

/** Maps a thrown value (network error, abort, GatewayError from the in-process gateway) to an SDK error. */
export function errorFromThrown(e: unknown, what: string, target: string): SmartflowError {
  if (e instanceof SmartflowError) return e;
  if (e instanceof GatewayError) {
    const opts = { status: e.status, code: e.code, cause: e, provider: e.provider, body: e.details };
    switch (e.code) {
      case 'unauthorized':
        return new AuthenticationError(`${what}: ${e.message}`, opts);
      case 'missing_api_key':
        return new AuthenticationError(`${what}: ${e.message}`, opts);
      case 'rate_limited':
        return new RateLimitError(`${what}: ${e.message}`, { ...opts, retryAfter: e.retryAfterMs !== undefined ? Math.ceil(e.retryAfterMs / 1000) : undefined });
      case 'compliance_blocked': {
        const v = (e.details?.violations as unknown[] | undefined)?.map((x) => (typeof x === 'string' ? x : String((x as Record<string, unknown>)?.type ?? ''))).filter(Boolean);
        return new ComplianceError(`${what}: ${e.message}`, { ...opts, violations: v });
      }
      case 'upstream_timeout':
        return new TimeoutError(`${what}: ${e.message}`, opts);
      case 'aborted':
        return new SmartflowError(`${what}: aborted`, opts);
      case 'upstream_error':
      case 'upstream_unreachable':
      case 'stream_truncated':
      case 'unknown_model':
      case 'unsupported_provider':
      case 'unsupported_operation':
        return new ProviderError(`${what}: ${e.message}`, opts);
      default:
        return new SmartflowError(`${what}: ${e.message}`, opts);
    }
  }
  const err = e as (Error & { code?: string; cause?: { code?: string } }) | undefined;
  const code = err?.code ?? err?.cause?.code;
  if (err?.name === 'AbortError' || code === 'ABORT_ERR') return new SmartflowError(`${what}: aborted`, { code: 'aborted', cause: e });
  if (err?.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new TimeoutError(`${what}: no answer from ${target} in time. Raise the client's timeout or check the gateway.`, { cause: e });
  }
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) {
    return new ConnectionError(`${what}: cannot connect to ${target} (${code}). Is the gateway running? Start one with \`smartflow gateway\` or check the URL.`, { cause: e, code });
  }
  // undici's fetch rejects with a TypeError whose `cause` is the socket error.
  if (err instanceof TypeError && err.cause !== undefined) {
    return new ConnectionError(`${what}: cannot connect to ${target}. Is the gateway running? Start one with \`smartflow gateway\` or check the URL.`, { cause: e });
  }
  return new SmartflowError(`${what}: ${err?.message ?? String(e)}`, { cause: e });
}
