/**
 * Request metrics in memory, rendered as Prometheus text for `/metrics`: requests and errors by
 * operation/provider/status, a latency histogram, the gateway's own added time, cache hits, tokens
 * and cost by provider. One instance per gateway (no module state); label sets are bounded by the
 * provider registry, operations and status codes.
 */

const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];
const ADDED_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100];

export interface Observation {
  op: string;
  provider: string;
  status: number;
  errorCode?: string;
  latencyMs: number;
  gatewayMs: number;
  cacheHit?: 'exact' | 'semantic' | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  streamed: boolean;
}

interface ObservationLabels {
  provider: string;
  request: string;
  opProvider: string;
  promptTokens: string;
  completionTokens: string;
  providerOnly: string;
}

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }
}

export class GatewayMetrics {
  private readonly requests = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly added = new Histogram(ADDED_BUCKETS_MS);
  private readonly cache = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private readonly cost = new Map<string, number>();
  private inflight = 0;

  constructor(private readonly startedAtWall: number) {}

  begin(): void {
    this.inflight++;
  }
  end(): void {
    this.inflight = Math.max(0, this.inflight - 1);
  }

  observe(o: Observation): void {
    const k = this.labelsFor(o);
    inc(this.requests, k.request, 1);
    if (o.errorCode) inc(this.errors, `op="${o.op}",provider="${k.provider}",code="${o.errorCode}"`, 1);
    let h = this.latency.get(k.opProvider);
    if (!h) this.latency.set(k.opProvider, (h = new Histogram(LATENCY_BUCKETS_MS)));
    h.observe(o.latencyMs);
    this.added.observe(o.gatewayMs);
    if (o.op === 'chat') inc(this.cache, o.cacheHit ? `result="hit_${o.cacheHit}"` : 'result="miss"', 1);
    if (o.promptTokens) inc(this.tokens, k.promptTokens, o.promptTokens);
    if (o.completionTokens) inc(this.tokens, k.completionTokens, o.completionTokens);
    if (o.costUsd) inc(this.cost, k.providerOnly, o.costUsd);
  }

  /**
   * The label strings of an observation, built once per (op, provider, status, streamed) and reused:
   * every request would otherwise format the same five strings. Bounded like the label sets themselves.
   */
  private readonly labelMemo = new Map<string, ObservationLabels>();
  private labelsFor(o: Observation): ObservationLabels {
    const memoKey = `${o.op}\n${o.provider}\n${o.status}\n${o.streamed}`;
    let k = this.labelMemo.get(memoKey);
    if (k) return k;
    const provider = esc(o.provider);
    k = {
      provider,
      request: `op="${o.op}",provider="${provider}",status="${o.status}",streamed="${o.streamed}"`,
      opProvider: `op="${o.op}",provider="${provider}"`,
      promptTokens: `provider="${provider}",type="prompt"`,
      completionTokens: `provider="${provider}",type="completion"`,
      providerOnly: `provider="${provider}"`,
    };
    if (this.labelMemo.size >= 1024) this.labelMemo.clear();
    this.labelMemo.set(memoKey, k);
    return k;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(wallNow: number): string {
    const out: string[] = [];
    const counter = (name: string, help: string, m: Map<string, number>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [labels, v] of m) out.push(`${name}{${labels}} ${v}`);
    };
    counter('smartflow_requests_total', 'Requests handled by the gateway.', this.requests);
    counter('smartflow_errors_total', 'Requests that ended in an error, by error code.', this.errors);
    out.push('# HELP smartflow_request_duration_ms End-to-end request latency in milliseconds.', '# TYPE smartflow_request_duration_ms histogram');
    for (const [labels, h] of this.latency) renderHistogram(out, 'smartflow_request_duration_ms', labels, h);
    out.push('# HELP smartflow_gateway_added_ms Time the gateway itself added per request (ms).', '# TYPE smartflow_gateway_added_ms histogram');
    renderHistogram(out, 'smartflow_gateway_added_ms', '', this.added);
    counter('smartflow_cache_requests_total', 'Chat requests by cache result.', this.cache);
    counter('smartflow_tokens_total', 'Tokens by provider and type.', this.tokens);
    counter('smartflow_cost_usd_total', 'Estimated cost in USD by provider.', this.cost);
    out.push('# HELP smartflow_inflight_requests Requests in progress.', '# TYPE smartflow_inflight_requests gauge', `smartflow_inflight_requests ${this.inflight}`);
    out.push('# HELP smartflow_uptime_seconds Seconds since the gateway started.', '# TYPE smartflow_uptime_seconds gauge', `smartflow_uptime_seconds ${Math.floor((wallNow - this.startedAtWall) / 1000)}`);
    return out.join('\n') + '\n';
  }

  /** Totals for health summaries. */
  totals(): { requests: number; errors: number } {
    let requests = 0;
    let errors = 0;
    for (const v of this.requests.values()) requests += v;
    for (const v of this.errors.values()) errors += v;
    return { requests, errors };
  }
}

function renderHistogram(out: string[], name: string, labels: string, h: Histogram): void {
  const sep = labels ? `${labels},` : '';
  for (let i = 0; i < h.buckets.length; i++) out.push(`${name}_bucket{${sep}le="${h.buckets[i]}"} ${h.counts[i]}`);
  out.push(`${name}_bucket{${sep}le="+Inf"} ${h.count}`);
  out.push(`${name}_sum${labels ? `{${labels}}` : ''} ${round(h.sum)}`);
  out.push(`${name}_count${labels ? `{${labels}}` : ''} ${h.count}`);
}

function inc(m: Map<string, number>, k: string, by: number): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

const NEEDS_ESCAPE = /[\\"\n]/;

function esc(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
