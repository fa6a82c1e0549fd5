/**
 * `GatewayBackend`: the one interface every view talks to, implemented by the embedded gateway
 * service (direct mode, `embedded-backend.ts`) and by a remote Smartflow gateway over HTTP (gateway
 * mode, `remote-backend.ts`). Views never know which one they have.
 *
 * Pure TypeScript (no `vscode` import) so the mapping helpers here are unit-tested in plain Node.
 */
import type { AuditRecord, CacheStats, ChatRequest, ChatStream, ModelInfo, ProviderHealth, ProviderStatus } from '../gateway/types.js';
import type { LogFilter } from '../webview/protocol.js';

export type BackendMode = 'direct' | 'gateway';

/** One finding as every view uses it (offsets are into the scanned text). */
export interface Finding {
  type: string;
  start: number;
  end: number;
  confidence: number;
  recognizer: string;
  masked: string;
}

export interface ScanOutcome {
  scanId: string | null;
  hasViolations: boolean;
  riskScore: number;
  riskLevel: 'low' | 'medium' | 'high' | 'critical';
  recommendedAction: string;
  explanation: string;
  findings: Finding[];
  processingTimeUs: number | null;
}

export interface LogPageQuery {
  filter: LogFilter;
  limit: number;
  offset: number;
}

/** An audit record as read back (the AuditRecord fields plus whatever the store adds, e.g. `cached`). */
export type LogRecord = AuditRecord & { [extra: string]: unknown };

export interface DayBucket {
  day: string;
  requests: number;
  tokens: number;
  costUsd: number;
  cacheHits: number;
}

export interface NamedBucket {
  name: string;
  requests: number;
  tokens: number;
  costUsd: number;
}

export interface AnalyticsSummary {
  requests: number;
  tokens: number;
  costUsd: number;
  cacheHits: number;
  errors: number;
  byDay: DayBucket[];
  byModel: NamedBucket[];
  byProvider: NamedBucket[];
}

export interface BackendInfo {
  mode: BackendMode;
  /** Remote gateway URL, or the local endpoint URL in direct mode (null when not served). */
  url: string | null;
  /** Storage engine in use ("better-sqlite3", "node:sqlite") or null when logs are not being kept. */
  storageEngine: string | null;
  storageError: string | null;
  localEndpointError: string | null;
}

export interface GatewayBackend {
  readonly mode: BackendMode;
  info(): BackendInfo;
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Streams a chat completion; aborting `signal` aborts the upstream request. */
  chatStream(req: ChatRequest, signal: AbortSignal): Promise<ChatStream>;
  scan(content: string, signal?: AbortSignal): Promise<ScanOutcome>;
  /** Text with every finding replaced by a typed placeholder. */
  redact(content: string): Promise<string>;
  submitFeedback(scanId: string, isFalsePositive: boolean, notes?: string, findingIndex?: number): Promise<void>;
  /** Newest first; `null` from `getLogs` means "no audit store" (see info().storageError). */
  getLogs(q: LogPageQuery): Promise<LogRecord[]>;
  getLog(id: string): Promise<LogRecord | null>;
  analytics(filter: LogFilter): Promise<AnalyticsSummary>;
  exportLogs(filter: LogFilter, format: 'csv' | 'jsonl'): AsyncIterable<string>;
  /** Called (maybe in batches) when new audit records are written; returns an unsubscribe function. */
  onRecord(listener: () => void): () => void;
  providers(): Promise<Array<ProviderStatus & { health: ProviderHealth | null }>>;
  cacheStats(): Promise<CacheStats | null>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Mapping helpers shared by both backends
// ---------------------------------------------------------------------------------------------------

function num(v: unknown, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

function strOr(v: unknown, dflt: string): string {
  return typeof v === 'string' ? v : dflt;
}

/** Risk level from a 0..1 score, for results that do not carry one. */
export function riskLevelOf(score: number): ScanOutcome['riskLevel'] {
  if (score >= 0.85) return 'critical';
  if (score >= 0.6) return 'high';
  if (score >= 0.3) return 'medium';
  return 'low';
}

/**
 * Normalises an intelligent-scan result (embedded service or remote JSON) into a ScanOutcome.
 * Findings come from `findings` when present, otherwise from `regex_violations` + `ml_violations`
 * entries that carry offsets; entries without offsets cannot be highlighted and are skipped.
 */
export function toScanOutcome(raw: unknown): ScanOutcome {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const lists: unknown[] = [];
  if (Array.isArray(r.findings)) lists.push(...r.findings);
  else {
    if (Array.isArray(r.regex_violations)) lists.push(...r.regex_violations);
    if (Array.isArray(r.ml_violations)) lists.push(...r.ml_violations);
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const f of lists) {
    if (typeof f !== 'object' || f === null) continue;
    const o = f as Record<string, unknown>;
    const start = o.start;
    const end = o.end;
    if (typeof start !== 'number' || typeof end !== 'number' || end <= start) continue;
    const type = strOr(o.type ?? o.violation_type ?? o.entity_type, 'UNKNOWN');
    const key = `${start}:${end}:${type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      type,
      start,
      end,
      confidence: num(o.confidence ?? o.score, 0),
      recognizer: strOr(o.recognizer, 'unknown'),
      masked: strOr(o.masked, `[${type}]`),
    });
  }
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const riskScore = Math.max(0, Math.min(1, num(r.risk_score)));
  const level = r.risk_level;
  const riskLevel = level === 'low' || level === 'medium' || level === 'high' || level === 'critical' ? level : riskLevelOf(riskScore);
  return {
    scanId: typeof r.scan_id === 'string' ? r.scan_id : null,
    hasViolations: typeof r.has_violations === 'boolean' ? r.has_violations : findings.length > 0,
    riskScore,
    riskLevel,
    recommendedAction: strOr(r.recommended_action, findings.length ? 'Review' : 'Allow'),
    explanation: strOr(r.explanation, findings.length ? `${findings.length} finding(s).` : 'No personal data or secrets found.'),
    findings,
    processingTimeUs: typeof r.processing_time_us === 'number' ? r.processing_time_us : null,
  };
}

/**
 * Replaces each finding's span with a typed placeholder, right to left so earlier offsets stay
 * valid. Overlapping findings are merged into the first (widest) one.
 */
export function redactWithFindings(text: string, findings: readonly Finding[], skip: ReadonlySet<number> = new Set()): string {
  const spans = findings
    .map((f, i) => ({ ...f, i }))
    .filter((f) => !skip.has(f.i) && f.start >= 0 && f.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Array<{ start: number; end: number; type: string }> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end, type: s.type });
  }
  let out = text;
  for (let k = merged.length - 1; k >= 0; k--) {
    const m = merged[k];
    out = out.slice(0, m.start) + `[${m.type}]` + out.slice(m.end);
  }
  return out;
}

/** Builds an AnalyticsSummary from whatever shape the audit store's getAnalytics returns. */
export function toAnalyticsSummary(raw: unknown): AnalyticsSummary {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const totals = (typeof r.totals === 'object' && r.totals !== null ? r.totals : r) as Record<string, unknown>;
  const bucketList = (v: unknown): Array<Record<string, unknown>> => {
    if (Array.isArray(v)) return v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
    if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => ({ name: k, ...(x as Record<string, unknown>) }));
    return [];
  };
  const cost = (o: Record<string, unknown>) => num(o.cost ?? o.cost_usd ?? o.costUsd ?? o.total_cost);
  const reqs = (o: Record<string, unknown>) => num(o.requests ?? o.total_requests ?? o.count);
  const toks = (o: Record<string, unknown>) => num(o.tokens ?? o.total_tokens ?? o.tokens_used);
  const hits = (o: Record<string, unknown>) => num(o.cache_hits ?? o.cacheHits ?? o.cached);
  const named = (v: unknown, key: string): NamedBucket[] =>
    bucketList(v)
      .map((o) => ({ name: strOr(o[key] ?? o.name, 'unknown'), requests: reqs(o), tokens: toks(o), costUsd: cost(o) }))
      .sort((a, b) => b.requests - a.requests);
  return {
    requests: reqs(totals),
    tokens: toks(totals),
    costUsd: cost(totals),
    cacheHits: hits(totals),
    errors: num(totals.errors ?? totals.error_count),
    byDay: bucketList(r.by_day ?? r.byDay ?? r.per_day ?? r.days)
      .map((o) => ({ day: strOr(o.day ?? o.date ?? o.name, ''), requests: reqs(o), tokens: toks(o), costUsd: cost(o), cacheHits: hits(o) }))
      .filter((d) => d.day !== '')
      .sort((a, b) => (a.day < b.day ? -1 : 1)),
    byModel: named(r.by_model ?? r.byModel ?? r.per_model ?? r.models, 'model'),
    byProvider: named(r.by_provider ?? r.byProvider ?? r.per_provider ?? r.providers, 'provider'),
  };
}

/** Analytics computed from records (used when a store offers no aggregate query for the filter). */
export function summarizeRecords(records: readonly LogRecord[]): AnalyticsSummary {
  const days = new Map<string, DayBucket>();
  const models = new Map<string, NamedBucket>();
  const providers = new Map<string, NamedBucket>();
  const s: AnalyticsSummary = { requests: 0, tokens: 0, costUsd: 0, cacheHits: 0, errors: 0, byDay: [], byModel: [], byProvider: [] };
  const bump = (m: Map<string, NamedBucket>, name: string, r: LogRecord) => {
    const b = m.get(name) ?? { name, requests: 0, tokens: 0, costUsd: 0 };
    b.requests++;
    b.tokens += num(r.tokens_used);
    b.costUsd += num(r.cost);
    m.set(name, b);
  };
  for (const r of records) {
    const hit = !!r.metacache?.hit;
    s.requests++;
    s.tokens += num(r.tokens_used);
    s.costUsd += num(r.cost);
    if (hit) s.cacheHits++;
    if (isErrorRecord(r)) s.errors++;
    const day = localDay(r.timestamp);
    const d = days.get(day) ?? { day, requests: 0, tokens: 0, costUsd: 0, cacheHits: 0 };
    d.requests++;
    d.tokens += num(r.tokens_used);
    d.costUsd += num(r.cost);
    if (hit) d.cacheHits++;
    days.set(day, d);
    bump(models, r.model || 'unknown', r);
    bump(providers, r.provider || 'unknown', r);
  }
  s.byDay = [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
  s.byModel = [...models.values()].sort((a, b) => b.requests - a.requests);
  s.byProvider = [...providers.values()].sort((a, b) => b.requests - a.requests);
  return s;
}

/** Error records: stored records carry `error_status`/`error_message`, read-back VASLogs an `error` object. */
export function isErrorRecord(r: Partial<Pick<AuditRecord, 'error_status' | 'error_message' | 'metrics'>> & { error?: unknown }): boolean {
  const e = r.error as { status?: unknown; message?: unknown } | null | undefined;
  return r.error_status != null || !!r.error_message || (e != null && (e.status != null || !!e.message)) || r.metrics?.success === false;
}

/** Local-day bounds of a filter as ISO date-times (start inclusive, end exclusive). */
export function filterBounds(f: LogFilter): { start?: string; end?: string } {
  const out: { start?: string; end?: string } = {};
  if (f.from) out.start = new Date(`${f.from}T00:00:00`).toISOString();
  if (f.to) {
    const d = new Date(`${f.to}T00:00:00`);
    d.setDate(d.getDate() + 1);
    out.end = d.toISOString();
  }
  return out;
}

/** YYYY-MM-DD of an ISO timestamp in the local time zone (how people think of "today"). */
export function localDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Does a record match a filter? Used to post-filter fields a store cannot filter on itself. */
export function matchesFilter(r: LogRecord, f: LogFilter): boolean {
  const day = localDay(r.timestamp);
  if (f.from && day < f.from) return false;
  if (f.to && day > f.to) return false;
  if (f.provider && r.provider !== f.provider) return false;
  if (f.model && r.model !== f.model) return false;
  if (f.cached === 'yes' && !r.metacache?.hit) return false;
  if (f.cached === 'no' && r.metacache?.hit) return false;
  // "compliant" means no violation was found (records the compliance layer never saw included), as in SQL.
  if (f.compliance === 'violated' && r.compliance_status !== 'violated') return false;
  if (f.compliance === 'compliant' && r.compliance_status === 'violated') return false;
  if (f.status === 'ok' && isErrorRecord(r)) return false;
  if (f.status === 'error' && !isErrorRecord(r)) return false;
  if (f.text) {
    const needle = f.text.toLowerCase();
    const hay = [r.request_id, r.model, r.provider, r.prompt_text, r.response_text, r.error_message, r.user_id, r.conversation_id]
      .filter((x): x is string => typeof x === 'string')
      .join('\n')
      .toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

/**
 * The part of a filter a remote gateway may not apply itself: older gateways filter provider, model,
 * dates, cached, one status and text, but not the compliance outcome. Our own store filters it all.
 */
export function postFilterOf(f: LogFilter): LogFilter {
  if (f.compliance === 'compliant' || (f.compliance === 'violated' && f.status)) return { compliance: f.compliance, status: f.status };
  return {};
}

/**
 * One page of records from a store that filters and pages in SQL. When `post` is not empty, rows are
 * also checked here, so paging has to happen here too (the store's pages hold at most 1000 rows, and a
 * short page means the end).
 */
export async function collectPage(
  q: LogPageQuery,
  post: LogFilter,
  fetchRows: (limit: number, offset: number) => Promise<LogRecord[]>,
  maxBatches: number,
): Promise<LogRecord[]> {
  const direct = Object.keys(post).length === 0;
  const out: LogRecord[] = [];
  let skip = direct ? 0 : q.offset;
  let offset = direct ? q.offset : 0;
  const batch = direct ? Math.min(q.limit, 1000) : Math.min(Math.max(q.limit, 200), 1000);
  for (let i = 0; i < maxBatches && out.length < q.limit; i++) {
    const rows = await fetchRows(batch, offset);
    offset += rows.length;
    for (const r of rows) {
      if (!matchesFilter(r, post)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(r);
      if (out.length >= q.limit) break;
    }
    if (rows.length < batch) break;
  }
  return out;
}

/** Days between `from` (YYYY-MM-DD) and now, rounded up, for stores whose query takes `days`. */
export function daysSince(from: string, now = Date.now()): number {
  const t = Date.parse(`${from}T00:00:00`);
  if (Number.isNaN(t)) return 30;
  return Math.max(1, Math.ceil((now - t) / 86_400_000) + 1);
}
