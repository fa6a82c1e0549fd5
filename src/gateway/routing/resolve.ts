/**
 * Model routing: which provider serves a model string. `provider/model` picks the provider explicitly
 * (the rest may contain more slashes, e.g. "openrouter/meta-llama/llama-3.1-405b"); otherwise the
 * reference's auto-detection rules apply. Nothing unknown falls through to OpenAI: an unknown model
 * gets an error listing what is accepted, and a known prefix we have not built names that prefix.
 */
import { GatewayError } from '../errors.js';
import { getAdapter, listAdapters, NOT_BUILT_PROVIDERS, requireAdapter } from '../providers/index.js';

export interface ResolvedModel {
  provider: string;
  model: string;
}

export interface ResolveOptions {
  /** Extra exact aliases, e.g. {"fast": "groq/llama-3.1-8b-instant"} (resolved once, no chains). */
  aliases?: Record<string, string>;
}

/** Auto-detection rules for models without a prefix, in order. */
export const AUTO_DETECT: ReadonlyArray<{ pattern: RegExp; label: string; provider: string }> = [
  { pattern: /^gpt-/, label: 'gpt-*', provider: 'openai' },
  { pattern: /^o1(-|$)/, label: 'o1*', provider: 'openai' },
  { pattern: /^o3(-|$)/, label: 'o3*', provider: 'openai' },
  { pattern: /^o4(-|$)/, label: 'o4*', provider: 'openai' },
  { pattern: /^chatgpt-/, label: 'chatgpt-*', provider: 'openai' },
  { pattern: /^whisper-/, label: 'whisper-*', provider: 'openai' },
  { pattern: /^dall-e-/, label: 'dall-e-*', provider: 'openai' },
  { pattern: /^text-embedding-/, label: 'text-embedding-*', provider: 'openai' },
  { pattern: /^tts-/, label: 'tts-*', provider: 'openai' },
  { pattern: /^ft:(gpt-|o\d)/, label: 'ft:gpt-*', provider: 'openai' },
  { pattern: /^claude-/, label: 'claude-*', provider: 'anthropic' },
  { pattern: /^gemini-/, label: 'gemini-*', provider: 'gemini' },
];

/**
 * @example
 *   resolveModel('gpt-4o')                        // { provider: 'openai', model: 'gpt-4o' }
 *   resolveModel('anthropic/claude-sonnet-4-6')    // { provider: 'anthropic', model: 'claude-sonnet-4-6' }
 *   resolveModel('openrouter/meta-llama/llama-3')  // { provider: 'openrouter', model: 'meta-llama/llama-3' }
 */
export function resolveModel(model: string, opts: ResolveOptions = {}): ResolvedModel {
  if (typeof model !== 'string' || model.trim() === '') {
    throw new GatewayError('invalid_request', 'The "model" field is required, e.g. "gpt-4o-mini" or "anthropic/claude-sonnet-4-6".');
  }
  let m = model.trim();
  const alias = opts.aliases && Object.prototype.hasOwnProperty.call(opts.aliases, m) ? opts.aliases[m] : undefined;
  if (alias) m = alias;

  const slash = m.indexOf('/');
  if (slash > 0) {
    const prefix = m.slice(0, slash);
    const rest = m.slice(slash + 1);
    if (getAdapter(prefix) || Object.prototype.hasOwnProperty.call(NOT_BUILT_PROVIDERS, prefix)) {
      requireAdapter(prefix); // throws unsupported_provider naming the prefix when not built
      if (!rest) {
        throw new GatewayError('invalid_request', `The model "${model}" names the provider "${prefix}/" but no model after it, e.g. "${prefix}/<model-name>".`);
      }
      return { provider: prefix, model: rest };
    }
    // "anthropic" spelled as "claude/…" etc. is not accepted; fall to the error below.
  }
  for (const rule of AUTO_DETECT) {
    if (rule.pattern.test(m)) {
      requireAdapter(rule.provider);
      return { provider: rule.provider, model: m };
    }
  }
  throw unknownModelError(model);
}

/** The error for a model no rule matches, listing the accepted prefixes and patterns. */
export function unknownModelError(model: string): GatewayError {
  const prefixes = listAdapters().map((a) => `${a.id}/`);
  const patterns = AUTO_DETECT.map((r) => `${r.label} → ${r.provider}`);
  return new GatewayError(
    'unknown_model',
    `Unknown model "${model}": no provider matches it. Prefix it with a provider (${prefixes.join(', ')}) or use a model name Smartflow detects (${patterns.join(', ')}).`,
    { details: { accepted_prefixes: prefixes, auto_detect: AUTO_DETECT.map((r) => ({ pattern: r.label, provider: r.provider })) } },
  );
}
