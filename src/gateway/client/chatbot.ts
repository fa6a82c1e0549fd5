/**
 * chatbotQuery(): answers operational questions about the gateway from the audit log and stats.
 *
 * The common questions (cache stats, errors by provider, spend by provider, health, request volume over
 * today / yesterday / this week / last N days) are answered deterministically from aggregates computed
 * here, so no model is needed and the numbers are exact. With a configured model the same aggregates are
 * handed to it to phrase the answer in prose (the numbers still come from the data, not the model).
 */
import type { AIResponse, CacheStats, ChatbotResult, LogQuery, Message, ProviderHealth, SystemHealth, VASLog } from './types.js';

/** The part of SmartflowClient the chatbot uses (kept structural to avoid an import cycle). */
export interface ChatbotClient {
  getCacheStats(): Promise<CacheStats>;
  getLogs(q?: LogQuery): Promise<VASLog[]>;
  getProviderHealth(): Promise<ProviderHealth[]>;
  getAnalytics(o?: { startDate?: string; endDate?: string }): Promise<Record<string, unknown>>;
  healthComprehensive(): Promise<SystemHealth>;
  chatCompletions(messages: Message[], o?: { model?: string; temperature?: number; cache?: 'default' | 'off' }): Promise<AIResponse>;
}

const DAY = 86_400_000;

const PROVIDER_WORDS: Array<[RegExp, string]> = [
  [/\bopen ?ai\b|\bgpt\b|\bchatgpt\b/i, 'openai'],
  [/\banthropic\b|\bclaude\b/i, 'anthropic'],
  [/\bgemini\b|\bgoogle\b/i, 'gemini'],
  [/\bazure\b/i, 'azure'],
  [/\bcohere\b/i, 'cohere'],
  [/\bmistral\b/i, 'mistral'],
  [/\bgroq\b/i, 'groq'],
  [/\bollama\b/i, 'ollama'],
  [/\bx\.?ai\b|\bgrok\b/i, 'xai'],
  [/\bopenrouter\b/i, 'openrouter'],
  [/\btogether\b/i, 'together'],
  [/\bfireworks\b/i, 'fireworks'],
  [/\bperplexity\b/i, 'perplexity'],
  [/\bnovita\b/i, 'novita'],
  [/\bnvidia\b|\bnim\b/i, 'nvidia_nim'],
  [/\bhugging ?face\b/i, 'huggingface'],
  [/\blocal\b/i, 'local'],
];

export interface Period {
  start: Date;
  end: Date;
  label: string;
}

const startOfUtcDay = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** The time window a question refers to (UTC days), or `dflt` when it names none. */
export function parsePeriod(q: string, now: Date, dflt: 'today' | 'week' | 'all'): Period {
  const today = startOfUtcDay(now);
  const s = q.toLowerCase();
  const lastN = /\b(?:last|past)\s+(\d{1,3})\s+days?\b/.exec(s);
  if (lastN) return { start: new Date(now.getTime() - Number(lastN[1]) * DAY), end: now, label: `the last ${lastN[1]} days` };
  if (/\byesterday\b/.test(s)) return { start: new Date(today.getTime() - DAY), end: new Date(today.getTime() - 1), label: 'yesterday' };
  if (/\btoday\b|\btoday's\b|\bso far\b/.test(s)) return { start: today, end: now, label: 'today' };
  if (/\blast week\b|\bpast week\b|\blast 7 days\b/.test(s)) return { start: new Date(now.getTime() - 7 * DAY), end: now, label: 'the last 7 days' };
  if (/\bthis week\b|\bweek\b/.test(s)) {
    const dow = (today.getUTCDay() + 6) % 7; // Monday = 0
    return { start: new Date(today.getTime() - dow * DAY), end: now, label: 'this week' };
  }
  if (/\bthis month\b|\bmonth\b/.test(s)) return { start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), end: now, label: 'this month' };
  if (dflt === 'today') return { start: today, end: now, label: 'today' };
  if (dflt === 'week') return { start: new Date(now.getTime() - 7 * DAY), end: now, label: 'the last 7 days' };
  return { start: new Date(now.getTime() - 30 * DAY), end: now, label: 'the last 30 days' };
}

export function parseProvider(q: string): string | undefined {
  for (const [re, id] of PROVIDER_WORDS) if (re.test(q)) return id;
  return undefined;
}

export type Intent = 'cache_stats' | 'provider_errors' | 'spend' | 'health' | 'usage' | 'unknown';

export function parseIntent(q: string): Intent {
  const s = q.toLowerCase();
  if (/\bcache|hit ?rate|\bhits?\b|tokens? saved/.test(s)) return 'cache_stats';
  if (/\berrors?\b|\bfail(ed|ures?|ing)?\b|\bbroken\b/.test(s)) return 'provider_errors';
  if (/\bspen[dt]\b|\bspending\b|\bcosts?\b|\bbill|\bmoney\b|\$|\bexpens/.test(s)) return 'spend';
  if (/\bhealth|\bstatus\b|\bdown\b|\bup\b|\blatency\b|\boutage/.test(s)) return 'health';
  if (/\brequests?\b|\bcalls?\b|how many|\busage\b|\btokens?\b|\btraffic\b|\bmodels?\b/.test(s)) return 'usage';
  return 'unknown';
}

/** Reads every log record in the period (newest first, paged, deduplicated; capped at `max`). */
async function logsInPeriod(client: ChatbotClient, p: Period, provider: string | undefined, max = 20_000): Promise<{ logs: VASLog[]; truncated: boolean }> {
  const seen = new Set<string>();
  const out: VASLog[] = [];
  const page = 1000;
  for (let offset = 0; offset < max; offset += page) {
    const batch = await client.getLogs({ limit: page, offset, provider, filters: { start: p.start.toISOString(), end: p.end.toISOString() } });
    let fresh = 0;
    let older = false;
    for (const l of batch) {
      if (seen.has(l.request_id)) continue;
      seen.add(l.request_id);
      fresh++;
      const t = Date.parse(l.timestamp);
      if (t < p.start.getTime()) older = true;
      else if (t <= p.end.getTime()) out.push(l);
    }
    if (batch.length < page || fresh === 0 || older) return { logs: out, truncated: false };
  }
  return { logs: out, truncated: true };
}

const isError = (l: VASLog): boolean => l.metrics?.success === false || (typeof l.error_status === 'number' && l.error_status >= 400);
const usd = (n: number): string => (n >= 0.01 || n === 0 ? `$${n.toFixed(2)}` : `$${n.toFixed(4)}`);
const pct = (n: number): string => `${(n * 100).toFixed(1)}%`;

export interface Bucket {
  requests: number;
  errors: number;
  cost_usd: number;
  tokens: number;
  cache_hits: number;
  tokens_saved: number;
}

export interface Aggregates {
  totals: Bucket;
  by_provider: Record<string, Bucket>;
  by_model: Record<string, Bucket>;
  /** Where the numbers came from: the gateway's analytics endpoint, or a scan of the log records. */
  source: 'analytics' | 'logs';
  truncated?: boolean;
}

const empty = (): Bucket => ({ requests: 0, errors: 0, cost_usd: 0, tokens: 0, cache_hits: 0, tokens_saved: 0 });

function fromAnalyticsRow(r: Record<string, unknown>): Bucket {
  return {
    requests: Number(r.requests) || 0,
    errors: Number(r.errors) || 0,
    cost_usd: Number(r.cost) || 0,
    tokens: Number(r.tokens) || 0,
    cache_hits: Number(r.cache_hits) || 0,
    tokens_saved: Number(r.tokens_saved) || 0,
  };
}

/** Totals per provider/model over the period: from /api/analytics when it has our shape, else from the logs. */
export async function aggregate(client: ChatbotClient, p: Period, provider?: string): Promise<Aggregates> {
  try {
    const a = await client.getAnalytics({ startDate: p.start.toISOString(), endDate: p.end.toISOString() });
    if (a && typeof a.totals === 'object' && Array.isArray(a.by_provider) && Array.isArray(a.by_model)) {
      const byProvider: Record<string, Bucket> = {};
      for (const r of a.by_provider as Array<Record<string, unknown>>) byProvider[String(r.provider)] = fromAnalyticsRow(r);
      const byModel: Record<string, Bucket> = {};
      for (const r of a.by_model as Array<Record<string, unknown>>) byModel[String(r.model)] = fromAnalyticsRow(r);
      const totals = provider ? (byProvider[provider] ?? empty()) : fromAnalyticsRow(a.totals as Record<string, unknown>);
      return { totals, by_provider: byProvider, by_model: byModel, source: 'analytics' };
    }
  } catch {
    // Gateways without /api/analytics (or with another shape): fall back to reading the records.
  }
  const { logs, truncated } = await logsInPeriod(client, p, provider);
  const agg: Aggregates = { totals: empty(), by_provider: {}, by_model: {}, source: 'logs', truncated };
  for (const l of logs) {
    for (const b of [agg.totals, (agg.by_provider[l.provider || 'unknown'] ??= empty()), (agg.by_model[l.model || 'unknown'] ??= empty())]) {
      b.requests++;
      if (isError(l)) b.errors++;
      b.cost_usd += Number(l.cost) || 0;
      b.tokens += Number(l.tokens_used) || 0;
      if (l.metacache?.hit) {
        b.cache_hits++;
        b.tokens_saved += Number(l.metacache.tokens_saved) || 0;
      }
    }
  }
  return agg;
}

const iso = (d: Date): string => d.toISOString();

export async function chatbotQuery(client: ChatbotClient, query: string, o: { model?: string; now?: Date } = {}): Promise<ChatbotResult> {
  const now = o.now ?? new Date();
  const intent = parseIntent(query);
  const provider = parseProvider(query);
  let period: Period | undefined;
  let data: Record<string, unknown> = {};
  let response: string;

  switch (intent) {
    case 'cache_stats': {
      period = parsePeriod(query, now, 'today');
      const [overall, agg] = await Promise.all([client.getCacheStats(), aggregate(client, period, provider)]);
      const t = agg.totals;
      const rate = t.requests ? t.cache_hits / t.requests : 0;
      data = { period: { requests: t.requests, cache_hits: t.cache_hits, hit_rate: rate, tokens_saved: t.tokens_saved }, overall, source: agg.source };
      response =
        `Cache ${period.label}: ${t.cache_hits} of ${t.requests} requests served from cache (${pct(rate)} hit rate), ${t.tokens_saved.toLocaleString('en-US')} tokens saved. ` +
        `Since the cache started: ${overall.hits} hits, ${overall.misses} misses (${pct(overall.hit_rate)}), L1 ${overall.l1_hits} / L2 ${overall.l2_hits} / L3 ${overall.l3_hits}, ` +
        `${overall.tokens_saved.toLocaleString('en-US')} tokens and ${usd(overall.cost_saved_cents / 100)} saved, ${overall.entries} entries.`;
      break;
    }
    case 'provider_errors': {
      period = parsePeriod(query, now, 'week');
      const agg = await aggregate(client, period, provider);
      const ranked = Object.entries(agg.by_provider).filter(([k]) => !provider || k === provider).sort((a, b) => b[1].errors - a[1].errors || b[1].requests - a[1].requests);
      data = { by_provider: agg.by_provider, total_requests: agg.totals.requests, total_errors: agg.totals.errors, source: agg.source };
      if (!agg.totals.requests) response = `No requests were logged ${period.label}, so there were no provider errors.`;
      else if (!ranked[0] || ranked[0][1].errors === 0) response = `No provider errors ${period.label} (${agg.totals.requests} requests, all succeeded).`;
      else {
        const [top, s] = ranked[0];
        const others = ranked.slice(1).filter(([, v]) => v.errors > 0).map(([k, v]) => `${k} ${v.errors}`);
        response = `${top} had the most errors ${period.label}: ${s.errors} of ${s.requests} requests failed (${pct(s.errors / s.requests)}).${others.length ? ` Others: ${others.join(', ')}.` : ' No other provider had errors.'}`;
      }
      break;
    }
    case 'spend': {
      period = parsePeriod(query, now, 'today');
      const agg = await aggregate(client, period, provider);
      data = { by_provider: agg.by_provider, total_cost_usd: agg.totals.cost_usd, provider: provider ?? null, source: agg.source };
      if (provider) {
        const s = agg.by_provider[provider] ?? empty();
        response = `Spend on ${provider} ${period.label}: ${usd(s.cost_usd)} across ${s.requests} requests (${s.tokens.toLocaleString('en-US')} tokens).`;
      } else {
        const parts = Object.entries(agg.by_provider).sort((a, b) => b[1].cost_usd - a[1].cost_usd).map(([k, v]) => `${k} ${usd(v.cost_usd)}`);
        response = `Total spend ${period.label}: ${usd(agg.totals.cost_usd)} across ${agg.totals.requests} requests${parts.length ? ` (${parts.join(', ')})` : ''}.`;
      }
      break;
    }
    case 'health': {
      const [sys, providers] = await Promise.all([client.healthComprehensive(), client.getProviderHealth()]);
      const list = provider ? providers.filter((p) => p.provider === provider) : providers;
      data = { system: sys, providers: list };
      const ps = list.map((p) => `${p.provider} ${p.status} (${Math.round(p.latency_ms)} ms, ${pct(p.success_rate)} success, ${p.requests_total} requests)`);
      response = `Gateway status: ${sys.status}${sys.uptime_seconds ? `, up ${Math.round(sys.uptime_seconds)}s` : ''}. ${ps.length ? `Providers: ${ps.join('; ')}.` : 'No provider has served a request yet.'}`;
      break;
    }
    case 'usage': {
      period = parsePeriod(query, now, 'today');
      const agg = await aggregate(client, period, provider);
      data = { totals: agg.totals, by_provider: agg.by_provider, by_model: agg.by_model, source: agg.source };
      const top = Object.entries(agg.by_model).sort((a, b) => b[1].requests - a[1].requests).slice(0, 3).map(([m, v]) => `${m} ${v.requests}`);
      response = `${agg.totals.requests} requests ${period.label}${provider ? ` to ${provider}` : ''}, ${agg.totals.tokens.toLocaleString('en-US')} tokens.${top.length && !provider ? ` Top models: ${top.join(', ')}.` : ''}`;
      break;
    }
    default:
      response =
        'I can answer questions about cache stats ("show me today\'s cache stats"), provider errors ("which provider had the most errors this week?"), ' +
        'spend ("what did we spend on OpenAI yesterday?"), health ("is anthropic healthy?") and request volume ("how many requests today?").';
  }

  if (o.model && intent !== 'unknown') {
    try {
      const r = await client.chatCompletions(
        [
          { role: 'system', content: 'You answer operational questions about a Smartflow AI gateway. Use only the numbers in the JSON aggregates provided; do not invent data. Answer in two or three sentences.' },
          { role: 'user', content: `Question: ${query}\nPeriod: ${period?.label ?? 'current'}\nAggregates: ${JSON.stringify(data)}\nDraft answer: ${response}` },
        ],
        { model: o.model, temperature: 0, cache: 'off' },
      );
      if (r.content.trim()) response = r.content.trim();
    } catch (e) {
      data = { ...data, model_error: (e as Error).message };
    }
  }
  return { query, response, intent, data, ...(period ? { period: { start: iso(period.start), end: iso(period.end), label: period.label } } : {}) };
}
