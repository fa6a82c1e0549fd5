/**
 * Usage analytics over a date range: totals and per day / provider / model — requests, tokens, cost,
 * cache hits and tokens saved, errors and error rate, compliance violations, latency p50/p95.
 *
 * Whole UTC days come from the `audit_daily` rollup (rollup.ts); the partial days at either end of a
 * range given as date-times are summed from the log rows themselves, so any range is exact while 30 or
 * 90 days cost a few hundred rollup rows. Percentiles are nearest-rank to within 1% (the histogram).
 */
import type { SqlDb } from '../storage/sqlite.js';
import { parseBound } from './query.js';
import { DAY_MS, SAMPLE_SQL, UsageAgg, parseHist, sampleOf, type DailyRow } from './rollup.js';

export interface AnalyticsQuery {
  /** ISO date (YYYY-MM-DD) or date-time; default: 30 days before `end`. */
  start?: string;
  /** ISO date (inclusive) or date-time (exclusive); default: the end of today (UTC). */
  end?: string;
}

export interface UsageAggregate {
  requests: number;
  tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** USD. */
  cost: number;
  cache_hits: number;
  cache_hit_rate: number;
  tokens_saved: number;
  errors: number;
  error_rate: number;
  violations: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}

export interface Analytics {
  /** The range used, [start, end). */
  start: string;
  end: string;
  totals: UsageAggregate;
  by_day: Array<UsageAggregate & { date: string }>;
  by_provider: Array<UsageAggregate & { provider: string }>;
  by_model: Array<UsageAggregate & { model: string }>;
}

function toAggregate(a: UsageAgg): UsageAggregate {
  return {
    requests: a.requests,
    tokens: a.tokens,
    prompt_tokens: a.prompt_tokens,
    completion_tokens: a.completion_tokens,
    cost: Math.round(a.cost * 1e6) / 1e6,
    cache_hits: a.cache_hits,
    cache_hit_rate: a.requests ? a.cache_hits / a.requests : 0,
    tokens_saved: a.tokens_saved,
    errors: a.errors,
    error_rate: a.requests ? a.errors / a.requests : 0,
    violations: a.violations,
    latency_p50_ms: a.percentile(50),
    latency_p95_ms: a.percentile(95),
  };
}

class Buckets {
  readonly total = new UsageAgg();
  readonly day = new Map<number, UsageAgg>();
  readonly provider = new Map<string, UsageAgg>();
  readonly model = new Map<string, UsageAgg>();

  private static at<K>(m: Map<K, UsageAgg>, k: K): UsageAgg {
    let a = m.get(k);
    if (!a) m.set(k, (a = new UsageAgg()));
    return a;
  }

  addRollup(r: DailyRow): void {
    // Parse the histogram once for the four aggregates it feeds.
    const hist = parseHist(r.latency_hist);
    this.total.merge(r, hist);
    Buckets.at(this.day, Number(r.day)).merge(r, hist);
    Buckets.at(this.provider, r.provider).merge(r, hist);
    Buckets.at(this.model, r.model).merge(r, hist);
  }

  addRows(db: SqlDb, from: number, to: number): void {
    if (from >= to) return;
    for (const row of db.prepare(`${SAMPLE_SQL} WHERE ts >= ? AND ts < ?`).iterate<Record<string, unknown>>(from, to)) {
      const s = sampleOf(row);
      this.total.add(s);
      Buckets.at(this.day, Math.floor(s.ts / DAY_MS)).add(s);
      Buckets.at(this.provider, s.provider).add(s);
      Buckets.at(this.model, s.model).add(s);
    }
  }

  result(start: number, end: number): Analytics {
    // Most requests first; ties by name so the order never depends on where the numbers came from.
    const byRequests = (m: Map<string, UsageAgg>) => [...m.entries()].sort((a, b) => b[1].requests - a[1].requests || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      totals: toAggregate(this.total),
      by_day: [...this.day.entries()].sort((a, b) => a[0] - b[0]).map(([d, a]) => ({ date: new Date(d * DAY_MS).toISOString().slice(0, 10), ...toAggregate(a) })),
      by_provider: byRequests(this.provider).map(([provider, a]) => ({ provider, ...toAggregate(a) })),
      by_model: byRequests(this.model).map(([model, a]) => ({ model, ...toAggregate(a) })),
    };
  }
}

export function resolveRange(q: AnalyticsQuery, nowMs: number): { start: number; end: number } {
  const end = q.end ? parseBound(q.end, 'end') : (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS;
  const start = q.start ? parseBound(q.start, 'start') : end - 30 * DAY_MS;
  return { start, end };
}

/** Analytics from the rollup for whole days plus the log rows for partial days. */
export function analytics(db: SqlDb, q: AnalyticsQuery, nowMs: number): Analytics {
  const { start, end } = resolveRange(q, nowMs);
  const b = new Buckets();
  const firstDay = Math.ceil(start / DAY_MS);
  const endDay = Math.floor(end / DAY_MS);
  if (firstDay < endDay) {
    for (const r of db.prepare('SELECT * FROM audit_daily WHERE day >= ? AND day < ?').all<DailyRow>(firstDay, endDay)) b.addRollup(r);
    b.addRows(db, start, firstDay * DAY_MS);
    b.addRows(db, endDay * DAY_MS, end);
  } else {
    b.addRows(db, start, end);
  }
  return b.result(start, end);
}

/** The same numbers from the log rows alone (a cross-check for tests and `smartflow` diagnostics). */
export function analyticsFromRows(db: SqlDb, q: AnalyticsQuery, nowMs: number): Analytics {
  const { start, end } = resolveRange(q, nowMs);
  const b = new Buckets();
  b.addRows(db, start, end);
  return b.result(start, end);
}
