/**
 * One error class for the whole gateway. Callers branch on `code`, never on message text; the HTTP
 * edge maps codes to OpenAI-shaped error bodies and statuses, the client maps them to SDK error classes,
 * and the extension maps them to user messages in one place.
 */

export type GatewayErrorCode =
  | 'invalid_request' // 400: malformed JSON, missing or wrong fields
  | 'unknown_model' // 400: no provider for this model string
  | 'unsupported_provider' // 400: a known prefix whose protocol is not built yet
  | 'unsupported_operation' // 400: provider exists but cannot do this operation
  | 'missing_api_key' // 401 at our edge: provider key not configured
  | 'unauthorized' // 401: bad/missing bearer token to our server
  | 'forbidden_host' // 403: Host header not loopback (DNS rebinding)
  | 'compliance_blocked' // 403: prompt blocked by the compliance policy
  | 'not_found' // 404: unknown route
  | 'payload_too_large' // 413
  | 'rate_limited' // 429 from upstream after retries
  | 'upstream_error' // 502: provider returned an error / malformed response
  | 'upstream_timeout' // 504
  | 'upstream_unreachable' // 502: connection refused / DNS / reset
  | 'stream_truncated' // upstream stream ended without completion
  | 'aborted' // client went away / Stop pressed
  | 'storage_unavailable' // 503: audit/cache store not available
  | 'direct_mode' // feature needs an enterprise gateway
  | 'internal'; // 500

export interface GatewayErrorOptions {
  status?: number;
  cause?: unknown;
  provider?: string;
  /** From upstream `retry-after`, in milliseconds. */
  retryAfterMs?: number;
  /** Extra machine-readable detail for the error body (e.g. compliance findings). */
  details?: Record<string, unknown>;
}

const DEFAULT_STATUS: Record<GatewayErrorCode, number> = {
  invalid_request: 400,
  unknown_model: 400,
  unsupported_provider: 400,
  unsupported_operation: 400,
  missing_api_key: 401,
  unauthorized: 401,
  forbidden_host: 403,
  compliance_blocked: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  upstream_error: 502,
  upstream_timeout: 504,
  upstream_unreachable: 502,
  stream_truncated: 502,
  aborted: 499,
  storage_unavailable: 503,
  direct_mode: 501,
  internal: 500,
};

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly provider?: string;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: GatewayErrorCode, message: string, opts: GatewayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = opts.status ?? DEFAULT_STATUS[code];
    this.provider = opts.provider;
    this.retryAfterMs = opts.retryAfterMs;
    this.details = opts.details;
  }
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}

/** OpenAI error `type` for each code, as OpenAI clients expect it. */
export function openAiErrorType(code: GatewayErrorCode): string {
  switch (code) {
    case 'invalid_request':
    case 'unknown_model':
    case 'unsupported_provider':
    case 'unsupported_operation':
    case 'payload_too_large':
    case 'not_found':
      return 'invalid_request_error';
    case 'missing_api_key':
    case 'unauthorized':
      return 'authentication_error';
    case 'forbidden_host':
    case 'compliance_blocked':
      return 'permission_error';
    case 'rate_limited':
      return 'rate_limit_error';
    default:
      return 'api_error';
  }
}

/** The OpenAI-shaped error body: `{"error":{"message","type","code"}}`. */
export function toOpenAiErrorBody(err: GatewayError): { error: Record<string, unknown> } {
  return {
    error: {
      message: err.message,
      type: openAiErrorType(err.code),
      code: err.code,
      ...(err.provider ? { provider: err.provider } : {}),
      ...(err.details ?? {}),
    },
  };
}
