/**
 * Direct mode: a GatewayBackend over the gateway service running inside the extension host
 * (`startGatewayService` from src/gateway/compose.ts). The service's audit store, compliance engine
 * and cache are used in-process; nothing goes over HTTP except to the providers.
 *
 * The service is described structurally here (what this module uses of it) so a change in the
 * service's wider type surface does not ripple into the extension. No `vscode` import.
 */
import { randomUUID } from 'node:crypto';
import type { CacheStats, ChatRequest, ChatStream, ModelInfo, ProviderHealth, ProviderStatus, RequestContext } from '../gateway/types.js';
import type { LogFilter } from '../webview/protocol.js';
import {
  collectPage,
  filterBounds,
  redactWithFindings,
  summarizeRecords,
  toAnalyticsSummary,
  toScanOutcome,
  type AnalyticsSummary,
  type BackendInfo,
  type GatewayBackend,
  type LogPageQuery,
  type LogRecord,
  type ScanOutcome,
} from './backend.js';

/** What the extension uses of the embedded gateway service (see GatewayService in compose.ts). */
export interface EmbeddedService {
  gateway: {
    chatStream(req: ChatRequest, ctx: RequestContext): Promise<ChatStream>;
    listModels(ctx: RequestContext): Promise<ModelInfo[]>;
    providerHealth(): ProviderHealth[];
    providers(): ProviderStatus[];
    cacheStats(): CacheStats | null;
  };
  url?: string;
  token?: string;
  storage: { engine: string | null; error?: string | null };
  /** The audit store; its read API is checked at run time (isAuditStore). */
  audit?: unknown;
  /** The compliance engine; its scan API is checked at run time (isCompliance). */
  compliance?: unknown;
  layers?: { compliance?: { error?: string } };
  close(): Promise<void>;
}

export function isAuditStore(x: unknown): x is AuditStoreLike {
  const o = x as Partial<AuditStoreLike> | null | undefined;
  return !!o && typeof o.getLogs === 'function' && typeof o.getLog === 'function' && typeof o.onRecord === 'function';
}

export function isCompliance(x: unknown): x is ComplianceLike {
  const o = x as Partial<ComplianceLike> | null | undefined;
  return !!o && typeof o.intelligentScan === 'function';
}

export interface AuditStoreLike {
  getLogs(q: Record<string, unknown>): unknown;
  getLog(id: string): unknown;
  getAnalytics(q: Record<string, unknown>): unknown;
  exportLogs(q: Record<string, unknown>, format: 'csv' | 'jsonl'): AsyncIterable<string | Uint8Array>;
  onRecord(listener: (rec: unknown) => void): unknown;
}

export interface ComplianceLike {
  intelligentScan(input: { content: string; user_id?: string; org_id?: string; context?: string }): unknown;
  redactPii?(content: string): unknown;
  submitFeedback(input: { scan_id: string; is_false_positive: boolean; notes?: string; finding_index?: number; user_id?: string }): unknown;
}

/** The query the audit store understands for a filter (fields it cannot filter are post-filtered). */
export function storeQuery(filter: LogFilter, limit: number, offset: number): Record<string, unknown> {
  const q: Record<string, unknown> = { limit: Math.min(limit, 1000), offset, ...filterBounds(filter) };
  if (!filter.from) q.days = 36500;
  if (filter.provider) q.provider = filter.provider;
  if (filter.model) q.model = filter.model;
  if (filter.cached) q.cached = filter.cached === 'yes';
  if (filter.status) q.status = filter.status;
  if (filter.compliance) q.compliance = filter.compliance;
  if (filter.text) q.text = filter.text;
  return q;
}

function asRecords(v: unknown): LogRecord[] {
  if (Array.isArray(v)) return v as LogRecord[];
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.logs)) return o.logs as LogRecord[];
    if (Array.isArray(o.rows)) return o.rows as LogRecord[];
    if (Array.isArray(o.data)) return o.data as LogRecord[];
  }
  return [];
}

export class EmbeddedBackend implements GatewayBackend {
  readonly mode = 'direct' as const;
  private readonly listeners = new Set<() => void>();
  private unsubscribeStore: (() => void) | null = null;

  constructor(
    private readonly svc: EmbeddedService,
    private readonly extra: { localEndpointError: string | null; source: string },
  ) {
    if (isAuditStore(svc.audit)) {
      const off = svc.audit.onRecord(() => {
        for (const l of this.listeners) l();
      });
      this.unsubscribeStore = typeof off === 'function' ? (off as () => void) : null;
    }
  }

  get service(): EmbeddedService {
    return this.svc;
  }

  info(): BackendInfo {
    return {
      mode: 'direct',
      url: this.svc.url ?? null,
      storageEngine: isAuditStore(this.svc.audit) ? (this.svc.storage?.engine ?? null) : null,
      storageError: this.svc.storage?.error ?? (isAuditStore(this.svc.audit) ? null : 'the audit store cannot be read in this build: logs are not shown'),
      localEndpointError: this.extra.localEndpointError,
    };
  }

  private ctx(signal: AbortSignal): RequestContext {
    return { requestId: randomUUID(), signal, source: this.extra.source, startedAt: performance.now() };
  }

  listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    return this.svc.gateway.listModels(this.ctx(signal ?? new AbortController().signal));
  }

  chatStream(req: ChatRequest, signal: AbortSignal): Promise<ChatStream> {
    return this.svc.gateway.chatStream({ ...req, stream: true }, this.ctx(signal));
  }

  private compliance(): ComplianceLike {
    if (!isCompliance(this.svc.compliance)) {
      const why = this.svc.layers?.compliance?.error;
      throw new Error(`The compliance engine is not available in this session${why ? ` (${why})` : ''}. Check setting smartflow.compliance.enabled, then run "Smartflow: Restart Gateway".`);
    }
    return this.svc.compliance;
  }

  async scan(content: string): Promise<ScanOutcome> {
    return toScanOutcome(await this.compliance().intelligentScan({ content, context: 'vscode' }));
  }

  async redact(content: string): Promise<string> {
    const c = this.compliance();
    if (c.redactPii) {
      const r = await c.redactPii(content);
      if (typeof r === 'string') return r;
      if (typeof r === 'object' && r !== null && typeof (r as { redacted_content?: unknown }).redacted_content === 'string') return (r as { redacted_content: string }).redacted_content;
    }
    const s = await this.scan(content);
    return redactWithFindings(content, s.findings);
  }

  async submitFeedback(scanId: string, isFalsePositive: boolean, notes?: string, findingIndex?: number): Promise<void> {
    await this.compliance().submitFeedback({ scan_id: scanId, is_false_positive: isFalsePositive, notes, ...(findingIndex === undefined ? {} : { finding_index: findingIndex }) });
  }

  private store(): AuditStoreLike {
    if (!isAuditStore(this.svc.audit)) throw Object.assign(new Error(`Logs are not available: ${this.svc.storage?.error ?? 'the audit store cannot be read'}.`), { code: 'storage_unavailable' });
    return this.svc.audit;
  }

  async getLogs(q: LogPageQuery): Promise<LogRecord[]> {
    const store = this.store();
    // Our store filters everything in SQL, so nothing is post-filtered here.
    return collectPage(q, {}, async (limit, offset) => asRecords(await store.getLogs(storeQuery(q.filter, limit, offset))), 50);
  }

  async getLog(id: string): Promise<LogRecord | null> {
    const r = await this.store().getLog(id);
    return (r ?? null) as LogRecord | null;
  }

  async analytics(filter: LogFilter): Promise<AnalyticsSummary> {
    const onlyDates = !filter.provider && !filter.model && !filter.cached && !filter.compliance && !filter.status && !filter.text;
    if (onlyDates) {
      try {
        const b = filterBounds(filter);
        const raw = await this.store().getAnalytics({ start: b.start ?? '2000-01-01', ...(b.end ? { end: b.end } : {}) });
        const s = toAnalyticsSummary(raw);
        if (s.requests > 0 || s.byDay.length > 0) return s;
      } catch {
        // Fall through to computing from records.
      }
    }
    const rows = await this.getLogs({ filter, limit: 20_000, offset: 0 });
    return summarizeRecords(rows);
  }

  async *exportLogs(filter: LogFilter, format: 'csv' | 'jsonl'): AsyncIterable<string> {
    const decoder = new TextDecoder();
    const { limit: _l, offset: _o, ...q } = storeQuery(filter, 1, 0);
    void _l;
    void _o;
    for await (const chunk of this.store().exportLogs(q, format)) {
      yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    }
  }

  onRecord(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async providers(): Promise<Array<ProviderStatus & { health: ProviderHealth | null }>> {
    const health = new Map(this.svc.gateway.providerHealth().map((h) => [h.provider, h]));
    return this.svc.gateway.providers().map((p) => ({ ...p, health: health.get(p.id) ?? null }));
  }

  async cacheStats(): Promise<CacheStats | null> {
    return this.svc.gateway.cacheStats();
  }

  async close(): Promise<void> {
    this.unsubscribeStore?.();
    this.listeners.clear();
    await this.svc.close();
  }
}
