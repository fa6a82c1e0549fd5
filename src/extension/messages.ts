/**
 * The one place that turns errors into what the user reads: what happened and what to do. Branches on
 * the error's `code` (GatewayError in direct mode, SmartflowError in gateway mode), never on message
 * text. Pure (no `vscode`), unit-tested.
 */
import type { ChatErrorInfo } from '../webview/protocol.js';

interface Coded {
  code?: unknown;
  status?: unknown;
  message?: unknown;
  details?: unknown;
  body?: unknown;
  provider?: unknown;
}

const HINTS: Record<string, string> = {
  compliance_blocked:
    'Remove or mask the sensitive values (use "Smartflow: Scan Selection for PII" → Redact), or ask your admin whether a different compliance policy (setting smartflow.compliance.policy) applies.',
  missing_api_key: 'Run "Smartflow: Configure" and enter the provider\'s API key (it is kept in VS Code\'s secret storage).',
  unauthorized: 'Check the virtual key: run "Smartflow: Configure" → Remote gateway.',
  unknown_model: 'Pick a model from the list, or use a provider prefix such as openai/gpt-4o-mini or anthropic/claude-sonnet-4-6.',
  unsupported_provider: 'Use one of the supported providers (see the Status view) or a provider/model prefix.',
  rate_limited: 'The provider is rate-limiting requests. Wait a moment and try again.',
  upstream_timeout: 'The provider did not answer in time. Try again, or pick another model.',
  upstream_unreachable: 'The provider could not be reached. Check your network, or the base URL in setting smartflow.providers.baseUrls.',
  upstream_error: 'The provider returned an error. Try again, or pick another model.',
  stream_truncated: 'The reply was cut off. Try again.',
  storage_unavailable: 'Logs are not being kept in this session. See "Smartflow: Show Output" for the reason.',
  direct_mode: 'This needs an enterprise Smartflow gateway: run "Smartflow: Configure" → Remote gateway.',
  connection: 'Cannot reach the Smartflow gateway. Check smartflow.gateway.url and that the gateway is running, then run "Smartflow: Restart Gateway".',
  not_ready: 'The gateway is still starting or failed to start. Open "Smartflow: Show Status" for details.',
  aborted: 'You stopped this reply.',
  invalid_request: 'The request was rejected as malformed. Try a shorter prompt or another model.',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** Reason text for a compliance block: explanation from the error details when present. */
function blockReason(e: Coded): string {
  const d = (typeof e.details === 'object' && e.details ? e.details : typeof e.body === 'object' && e.body ? ((e.body as { error?: unknown }).error ?? e.body) : {}) as Record<string, unknown>;
  const explanation = str(d.explanation);
  const viol = Array.isArray(d.violations) ? d.violations.map((v) => (typeof v === 'string' ? v : str((v as Record<string, unknown>)?.type) ?? '')).filter(Boolean) : [];
  const types = [...new Set(viol)].join(', ');
  const base = explanation ?? str(e.message) ?? 'The compliance policy blocked this prompt.';
  return types && !base.includes(types) ? `${base} (found: ${types})` : base;
}

/** Maps anything thrown to a user-facing error with a code, message and hint. */
export function describeError(err: unknown): ChatErrorInfo {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as Coded;
  let code = str(e.code) ?? '';
  const name = (err as { name?: unknown })?.name;
  if (!code && name === 'ConnectionError') code = 'connection';
  if (!code && name === 'ComplianceError') code = 'compliance_blocked';
  if (!code && name === 'AuthenticationError') code = 'unauthorized';
  if (!code && (name === 'AbortError' || e.status === 499)) code = 'aborted';
  if (!code && e.status === 403) code = 'compliance_blocked';
  if (!code && e.status === 401) code = 'unauthorized';
  if (!code && e.status === 429) code = 'rate_limited';
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ENOTFOUND') code = 'connection';
  let message = str(e.message) ?? 'Something went wrong.';
  if (code === 'compliance_blocked') {
    // The SDK prefixes the operation ("chat: …"); the engine's own text may already say "Blocked …".
    const reason = blockReason(e).replace(/^[\w.]+: (?=blocked)/i, '');
    message = /^blocked\b/i.test(reason) ? reason : `Blocked by the compliance policy: ${reason}`;
  }
  return { code: code || 'internal', message, hint: HINTS[code] ?? 'See "Smartflow: Show Output" for details, then try again.' };
}

/** "OpenAI: ok (12 models)" style line for the wizard's provider test. */
export function testResultLine(label: string, r: { ok: true; models: number } | { ok: false; error: unknown }): string {
  if (r.ok) return `${label}: ok (${r.models} model${r.models === 1 ? '' : 's'})`;
  const d = describeError(r.error);
  return `${label}: failed — ${d.message} ${d.hint}`;
}
