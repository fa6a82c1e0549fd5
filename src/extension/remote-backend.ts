/**
 * Gateway mode: a GatewayBackend over a remote Smartflow gateway, authenticated with the virtual key.
 * JSON calls go through the SDK's HttpBackend (same error mapping as SmartflowClient); the chat stream
 * and the log export are read here directly because the views need the response headers (provider,
 * cache hit, request id) and a streamed body. Our gateway serves the compliance and management APIs on
 * its main port too, so all calls go to the configured URL. No `vscode` import.
 */
import { request } from 'undici';
import type { CacheHitType, CacheStats, ChatChunk, ChatRequest, ChatStream, ModelInfo, ProviderHealth, ProviderStatus, ResultMeta } from '../gateway/types.js';
import { HttpBackend } from '../gateway/client/http-backend.js';
import { errorFromResponse, errorFromThrown, SmartflowError } from '../gateway/client/errors.js';
import { sseEvents } from '../gateway/client/sse.js';
import type { LogFilter } from '../webview/protocol.js';
import {
  filterBounds,
  collectPage,
  postFilterOf,
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

/** The remote API paths (documented by the gateway's management/compliance API). */
export const REMOTE_PATHS = {
  scan: '/api/compliance/intelligent/scan',
  redact: '/api/compliance/redact',
  feedback: '/api/compliance/feedback',
  logs: '/api/logs',
  log: (id: string) => `/api/logs/${encodeURIComponent(id)}`,
  exportLogs: '/api/logs/export',
  analytics: '/api/analytics',
  providerHealth: '/api/providers/health',
  providers: '/api/providers',
  cacheStats: '/api/cache/stats',
} as const;

export interface RemoteOptions {
  url: string;
  virtualKey?: string;
  timeoutMs?: number;
  /** How often to look for new audit records while someone listens (ms). */
  pollMs?: number;
}

function filterQuery(f: LogFilter): Record<string, string | number | boolean | undefined> {
  const b = filterBounds(f);
  return {
    start: b.start,
    end: b.end,
    days: f.from ? undefined : 36500,
    provider: f.provider,
    model: f.model,
    cached: f.cached ? f.cached === 'yes' : undefined,
    status: f.status,
    compliance: f.compliance,
    text: f.text,
  };
}

function asRecords(v: unknown): LogRecord[] {
  if (Array.isArray(v)) return v as LogRecord[];
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const k of ['logs', 'data', 'rows']) if (Array.isArray(o[k])) return o[k] as LogRecord[];
  }
  return [];
}

export class RemoteBackend implements GatewayBackend {
  readonly mode = 'gateway' as const;
  private readonly http: HttpBackend;
  private readonly base: string;
  private readonly listeners = new Set<() => void>();
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private newest: string | null = null;

  constructor(private readonly opts: RemoteOptions) {
    this.base = opts.url.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.http = new HttpBackend({ baseUrl: this.base, apiKey: opts.virtualKey, timeoutMs: opts.timeoutMs ?? 30_000, complianceUrl: this.base, managementUrl: this.base });
  }

  info(): BackendInfo {
    return { mode: 'gateway', url: this.base, storageEngine: 'remote gateway', storageError: null, localEndpointError: null };
  }

  private headers(json: boolean, accept = 'application/json'): Record<string, string> {
    const h: Record<string, string> = { accept, 'x-smartflow-source': 'extension' };
    if (json) h['content-type'] = 'application/json';
    if (this.opts.virtualKey) h.authorization = `Bearer ${this.opts.virtualKey}`;
    return h;
  }

  listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    return this.http.listModels({ signal });
  }

  async chatStream(req: ChatRequest, signal: AbortSignal): Promise<ChatStream> {
    const started = performance.now();
    let res;
    try {
      res = await request(`${this.base}/v1/chat/completions`, {
        method: 'POST',
        headers: this.headers(true, 'text/event-stream'),
        body: JSON.stringify({ ...req, stream: true, stream_options: { include_usage: true } }),
        signal,
      });
    } catch (e) {
      throw errorFromThrown(e, 'chat', this.base);
    }
    const hdr = (n: string): string | null => {
      const v = res.headers[n];
      return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
    };
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      throw errorFromResponse(res.statusCode, body, { get: hdr }, 'chat');
    }
    const cacheHdr = hdr('x-smartflow-cache') ?? '';
    const hitType: CacheHitType | null = cacheHdr.includes('semantic') ? 'semantic' : cacheHdr.includes('exact') || cacheHdr === 'hit' ? 'exact' : null;
    const requestId = hdr('x-smartflow-request-id') ?? '';
    const provider = hdr('x-smartflow-provider') ?? (req.model.includes('/') ? req.model.split('/')[0] : 'remote');
    const early = { requestId, provider, model: req.model, cached: hitType !== null, cacheHitType: hitType };
    let resolveMeta!: (m: ResultMeta) => void;
    let rejectMeta!: (e: unknown) => void;
    const meta = new Promise<ResultMeta>((ok, fail) => {
      resolveMeta = ok;
      rejectMeta = fail;
    });
    meta.catch(() => undefined);
    const body = res.body;
    const base = this.base;
    async function* iterate(): AsyncGenerator<ChatChunk> {
      let usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
      let model = req.model;
      let done = false;
      try {
        for await (const ev of sseEvents(body)) {
          if (ev.data === '[DONE]') {
            done = true;
            break;
          }
          const obj = JSON.parse(ev.data) as ChatChunk & { error?: { code?: string; message?: string } };
          if (ev.event === 'error' || obj.error) {
            const code = obj.error?.code;
            throw errorFromResponse(code === 'compliance_blocked' ? 403 : code === 'rate_limited' ? 429 : 502, obj, { get: () => null }, 'chat');
          }
          if (obj.usage) usage = obj.usage;
          if (obj.model) model = obj.model;
          yield obj;
        }
        if (!done && !signal.aborted) throw new SmartflowError('chat: the stream ended before it was complete. Try again.', { code: 'stream_truncated' });
        resolveMeta({
          requestId,
          provider,
          model,
          cached: hitType !== null,
          cacheHitType: hitType,
          usage,
          costUsd: Number(hdr('x-smartflow-cost') ?? 0) || 0,
          latencyMs: performance.now() - started,
          gatewayMs: Number(hdr('x-smartflow-gateway-ms') ?? 0) || 0,
          routingStrategy: 'remote',
          routingReason: 'remote gateway',
          attempts: 1,
        });
      } catch (e) {
        const err = signal.aborted ? new SmartflowError('chat: stopped', { code: 'aborted', cause: e }) : errorFromThrown(e, 'chat', base);
        rejectMeta(err);
        throw err;
      } finally {
        body.destroy();
      }
    }
    const it = iterate();
    return { [Symbol.asyncIterator]: () => it, meta, early };
  }

  async scan(content: string, signal?: AbortSignal): Promise<ScanOutcome> {
    return toScanOutcome(await this.http.api('compliance', { method: 'POST', path: REMOTE_PATHS.scan, body: { content, context: 'vscode' }, signal }));
  }

  async redact(content: string): Promise<string> {
    const r = await this.http.api('compliance', { method: 'POST', path: REMOTE_PATHS.redact, body: { content } });
    if (typeof r === 'string') return r;
    const o = (r ?? {}) as Record<string, unknown>;
    for (const k of ['redacted_content', 'redacted', 'content']) if (typeof o[k] === 'string') return o[k] as string;
    throw new SmartflowError('redact: the gateway answered without redacted text.');
  }

  async submitFeedback(scanId: string, isFalsePositive: boolean, notes?: string, findingIndex?: number): Promise<void> {
    await this.http.api('compliance', {
      method: 'POST',
      path: REMOTE_PATHS.feedback,
      body: { scan_id: scanId, is_false_positive: isFalsePositive, notes, ...(findingIndex === undefined ? {} : { finding_index: findingIndex }) },
    });
  }

  async getLogs(q: LogPageQuery): Promise<LogRecord[]> {
    const fetchRows = async (limit: number, offset: number) =>
      asRecords(await this.http.api('management', { method: 'GET', path: REMOTE_PATHS.logs, query: { ...filterQuery(q.filter), limit, offset } }));
    return collectPage(q, postFilterOf(q.filter), fetchRows, 20);
  }

  async getLog(id: string): Promise<LogRecord | null> {
    try {
      const r = await this.http.api('management', { method: 'GET', path: REMOTE_PATHS.log(id) });
      const o = r as Record<string, unknown> | null;
      return (o && typeof o.log === 'object' ? o.log : o) as LogRecord | null;
    } catch (e) {
      if (e instanceof SmartflowError && e.status === 404) return null;
      throw e;
    }
  }

  async analytics(filter: LogFilter): Promise<AnalyticsSummary> {
    const onlyDates = !filter.provider && !filter.model && !filter.cached && !filter.compliance && !filter.status && !filter.text;
    if (onlyDates) {
      const b = filterBounds(filter);
      const raw = await this.http.api('management', { method: 'GET', path: REMOTE_PATHS.analytics, query: { start_date: b.start ?? '2000-01-01', start: b.start ?? '2000-01-01', end_date: b.end, end: b.end } });
      return toAnalyticsSummary(raw);
    }
    return summarizeRecords(await this.getLogs({ filter, limit: 5000, offset: 0 }));
  }

  async *exportLogs(filter: LogFilter, format: 'csv' | 'jsonl'): AsyncIterable<string> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filterQuery(filter), format })) if (v !== undefined) qs.set(k, String(v));
    let res;
    try {
      res = await request(`${this.base}${REMOTE_PATHS.exportLogs}?${qs}`, { method: 'GET', headers: this.headers(false, '*/*') });
    } catch (e) {
      throw errorFromThrown(e, 'export', this.base);
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      throw errorFromResponse(res.statusCode, text, { get: () => null }, 'export');
    }
    res.body.setEncoding('utf8');
    for await (const chunk of res.body) yield chunk as string;
  }

  onRecord(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.pollTimer) {
      this.pollTimer = setInterval(() => void this.poll(), this.opts.pollMs ?? 5000);
      this.pollTimer.unref?.();
    }
    return () => {
      this.listeners.delete(listener);
      if (!this.listeners.size && this.pollTimer) {
        clearInterval(this.pollTimer);
        this.pollTimer = null;
      }
    };
  }

  private async poll(): Promise<void> {
    try {
      const rows = asRecords(await this.http.api('management', { method: 'GET', path: REMOTE_PATHS.logs, query: { limit: 1, days: 36500 } }));
      const id = rows[0]?.request_id ?? null;
      if (id !== this.newest) {
        const first = this.newest === null;
        this.newest = id;
        if (!first) for (const l of this.listeners) l();
      }
    } catch {
      // The gateway may be briefly unreachable; the status view reports connectivity.
    }
  }

  async providers(): Promise<Array<ProviderStatus & { health: ProviderHealth | null }>> {
    const [list, health] = await Promise.all([
      this.http.api('management', { method: 'GET', path: REMOTE_PATHS.providers }).catch(() => []),
      this.http.api('management', { method: 'GET', path: REMOTE_PATHS.providerHealth }).catch(() => []),
    ]);
    const hs = new Map((Array.isArray(health) ? (health as ProviderHealth[]) : []).map((h) => [h.provider, h]));
    const ps = Array.isArray(list) ? (list as ProviderStatus[]) : [];
    const out = ps.map((p) => ({ ...p, health: hs.get(p.id) ?? null }));
    for (const [id, h] of hs) if (!ps.some((p) => p.id === id)) out.push({ id, displayName: id, configured: true, baseUrl: this.base, implemented: true, health: h });
    return out;
  }

  async cacheStats(): Promise<CacheStats | null> {
    const r = (await this.http.api('management', { method: 'GET', path: REMOTE_PATHS.cacheStats })) as CacheStats | { stats?: CacheStats } | null;
    if (!r) return null;
    return 'hit_rate' in r ? r : (r.stats ?? null);
  }

  async close(): Promise<void> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.listeners.clear();
    await this.http.close();
  }
}
