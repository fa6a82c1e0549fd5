/**
 * Audit-log presentation logic without VS Code: days → requests grouping, each request's label,
 * description and icon kind, and the rows/totals/charts the log browser shows. Unit-tested.
 */
import type { ChartData, LogRow, LogTotals } from '../webview/protocol.js';
import { isErrorRecord, localDay, type AnalyticsSummary, type LogRecord } from './backend.js';

export type RecordKind = 'ok' | 'cached' | 'violation' | 'error';

export interface DayGroup {
  day: string;
  records: LogRecord[];
  requests: number;
  costUsd: number;
  tokens: number;
}

/** Error beats violation beats cached beats ok: the icon shows the most important fact. */
export function recordKind(r: LogRecord): RecordKind {
  if (isErrorRecord(r)) return 'error';
  if (r.compliance_status === 'violated') return 'violation';
  if (r.metacache?.hit) return 'cached';
  return 'ok';
}

/** Codicon id per kind. */
export const KIND_ICON: Record<RecordKind, string> = { ok: 'pass', cached: 'zap', violation: 'shield', error: 'error' };

export function fmtUsd(v: number): string {
  if (!v) return '$0';
  return v < 0.01 ? `$${v.toFixed(5)}` : `$${v.toFixed(4)}`;
}

function hms(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '??:??:??';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function requestLabel(r: LogRecord): { label: string; description: string; tooltip: string; kind: RecordKind } {
  const kind = recordKind(r);
  const hit = r.metacache?.hit ? ` · cached ${r.metacache.hit_type ?? ''}`.trimEnd() : '';
  const err = kind === 'error' ? ` · error ${(r.error_status ?? (r.error as { status?: number } | null)?.status) ?? ''}`.trimEnd() : '';
  const viol = kind === 'violation' ? ' · compliance violation' : '';
  const tooltip = [
    `${r.provider}/${r.model}`,
    `tokens ${r.tokens_used} · cost ${fmtUsd(r.cost)} · latency ${Math.round(r.latency_ms)} ms`,
    `request ${r.request_id}`,
    r.timestamp,
  ].join('\n');
  return { label: `${hms(r.timestamp)}  ${r.model || 'unknown model'}`, description: `${r.tokens_used} tok · ${fmtUsd(r.cost)}${hit}${viol}${err}`, tooltip, kind };
}

/** Groups newest-first records by local day, newest day first. */
export function groupByDay(records: readonly LogRecord[]): DayGroup[] {
  const map = new Map<string, DayGroup>();
  for (const r of records) {
    const day = localDay(r.timestamp);
    let g = map.get(day);
    if (!g) {
      g = { day, records: [], requests: 0, costUsd: 0, tokens: 0 };
      map.set(day, g);
    }
    g.records.push(r);
    g.requests++;
    g.costUsd += r.cost || 0;
    g.tokens += r.tokens_used || 0;
  }
  return [...map.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
}

export function toLogRow(r: LogRecord): LogRow {
  const err = r.error as { status?: number | null; message?: string | null } | null | undefined;
  return {
    id: r.request_id,
    timestamp: r.timestamp,
    provider: r.provider,
    model: r.model,
    tokens: r.tokens_used || 0,
    costUsd: r.cost || 0,
    latencyMs: Math.round(r.latency_ms || 0),
    cached: !!r.metacache?.hit,
    cacheHitType: r.metacache?.hit ? (r.metacache.hit_type ?? 'exact') : null,
    compliance: r.compliance_status ?? null,
    ok: !isErrorRecord(r),
    errorMessage: r.error_message ?? err?.message ?? null,
  };
}

export function totalsOf(s: AnalyticsSummary): LogTotals {
  return { requests: s.requests, tokens: s.tokens, costUsd: s.costUsd, cacheHitRate: s.requests ? s.cacheHits / s.requests : 0 };
}

export function chartsOf(s: AnalyticsSummary, top = 8): ChartData {
  return {
    days: s.byDay.map((d) => ({ day: d.day, requests: d.requests, costUsd: d.costUsd, cacheHitRate: d.requests ? d.cacheHits / d.requests : 0 })),
    topModels: s.byModel.slice(0, top).map((m) => ({ name: m.name, requests: m.requests, costUsd: m.costUsd })),
    topProviders: s.byProvider.slice(0, top).map((m) => ({ name: m.name, requests: m.requests, costUsd: m.costUsd })),
  };
}
