/**
 * Cost per request from the price table in `pricing-data.json` (USD per 1M input/output tokens by
 * provider and model-name prefix; the longest matching prefix wins, case-insensitively). Azure uses
 * OpenAI's prices for the deployment's model name; aggregators (OpenRouter, Vercel AI Gateway, Together,
 * …) look "vendor/model" names up in the vendor's table; ollama and local cost nothing. Unknown models
 * cost 0 and `priceFor` returns undefined so callers can say the price is unknown.
 */
import type { Usage } from './types.js';
import rawPrices from './pricing-data.json';

export interface ModelPrice {
  /** USD per 1M prompt tokens. */
  input: number;
  /** USD per 1M completion tokens. */
  output: number;
  /** USD per rerank search unit (Cohere). */
  perSearchUnit?: number;
  /** Self-hosted: no charge. */
  free?: boolean;
  /** Which table entry matched, e.g. "openai/gpt-4o-mini". */
  matched: string;
}

type Entry = { input: number; output: number; perSearchUnit?: number; free?: boolean };
/** Per table: entries sorted by prefix length, longest first, prefixes lower-cased. */
type Table = ReadonlyArray<readonly [string, Entry]>;

function compile(raw: Record<string, unknown>): ReadonlyMap<string, Table> {
  const out = new Map<string, Table>();
  for (const [provider, models] of Object.entries(raw)) {
    if (provider.startsWith('_') || typeof models !== 'object' || models === null) continue;
    const rows = Object.entries(models as Record<string, Entry>).map(([k, v]) => [k.toLowerCase(), v] as const);
    rows.sort((a, b) => b[0].length - a[0].length);
    out.set(provider, Object.freeze(rows));
  }
  return out;
}

/** Immutable, built once from the data file. */
const TABLES = compile(rawPrices as Record<string, unknown>);

/** Vendor segment of "vendor/model" names used by aggregators → our table name. */
const VENDOR_TABLE: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gemini',
  gemini: 'gemini',
  'x-ai': 'xai',
  xai: 'xai',
  mistralai: 'mistral',
  mistral: 'mistral',
  cohere: 'cohere',
  'meta-llama': 'meta',
  meta: 'meta',
  deepseek: 'deepseek',
  'deepseek-ai': 'deepseek',
  perplexity: 'perplexity',
};

function lookup(table: string, model: string): ModelPrice | undefined {
  const rows = TABLES.get(table);
  if (!rows) return undefined;
  const m = model.toLowerCase();
  for (const [prefix, e] of rows) {
    if (m.startsWith(prefix)) return { ...e, matched: `${table}/${prefix}` };
  }
  return undefined;
}

/** The price entry for a model served by a provider, or undefined when unknown. */
export function priceFor(provider: string, model: string): ModelPrice | undefined {
  let name = model.startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model;
  if (provider === 'azure') return lookup('openai', name);
  const own = lookup(provider, name);
  if (own) return own;
  const slash = name.indexOf('/');
  if (slash > 0) {
    const vendor = VENDOR_TABLE[name.slice(0, slash).toLowerCase()];
    name = name.slice(slash + 1);
    if (vendor) {
      // OpenRouter spells Anthropic versions with dots ("claude-3.5-sonnet").
      return lookup(vendor, name) ?? lookup(vendor, name.replace(/(\d)\.(\d)/g, '$1-$2'));
    }
  }
  return undefined;
}

/**
 * USD cost of one request's tokens.
 * @example costUsd('openai', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }) // 0.00045
 */
export function costUsd(provider: string, model: string, usage: Usage | Pick<Usage, 'prompt_tokens' | 'completion_tokens'> | undefined): number {
  return usage ? costFor(priceFor(provider, model), usage) : 0;
}

/** USD cost of `usage` at price `p` (0 when unknown or free). */
export function costFor(p: ModelPrice | undefined, usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens'> | undefined): number {
  if (!p || p.free || !usage) return 0;
  const usd = (usage.prompt_tokens * p.input + usage.completion_tokens * p.output) / 1_000_000;
  return Math.round(usd * 1e10) / 1e10;
}

/** `priceFor` with a bounded memo (one per gateway: the request path asks for the same few models). */
export function memoPriceFor(max = 1024): (provider: string, model: string) => ModelPrice | undefined {
  const memo = new Map<string, ModelPrice | null>();
  return (provider, model) => {
    const key = `${provider}\u0000${model}`;
    let p = memo.get(key);
    if (p === undefined) {
      if (memo.size >= max) memo.clear();
      p = priceFor(provider, model) ?? null;
      memo.set(key, p);
    }
    return p ?? undefined;
  };
}

/** USD cost of a rerank call billed by search units (Cohere); 0 when the model has no such price. */
export function rerankCostUsd(provider: string, model: string, searchUnits: number): number {
  const p = priceFor(provider, model);
  return p?.perSearchUnit ? Math.round(p.perSearchUnit * searchUnits * 1e10) / 1e10 : 0;
}
