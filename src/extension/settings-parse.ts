/**
 * The extension's settings, validated: `parseSettings(get)` turns raw `smartflow.*` values into typed
 * settings with defaults, reporting every bad value instead of throwing (a bad setting never breaks
 * activation). Pure (no `vscode`), unit-tested; settings.ts feeds it from `workspace.getConfiguration`.
 */
import { DEFAULT_CONFIG } from '../gateway/config.js';

export type StorePrompts = 'none' | 'redacted' | 'full';

export interface SmartflowSettings {
  mode: 'direct' | 'gateway';
  gatewayUrl: string;
  defaultModel: string;
  cache: { enabled: boolean; semantic: boolean; similarityThreshold: number; ttlSeconds: number };
  compliance: { enabled: boolean; policy: string };
  localEndpoint: { enabled: boolean; port: number };
  audit: { enabled: boolean; retentionDays: number; storePrompts: StorePrompts };
  providerBaseUrls: Record<string, string>;
  enabledProviders: string[];
  /** Human-readable problems with the settings (each names the setting and what was used instead). */
  problems: string[];
}


/** Provider ids the wizard offers, with their display names and key env var (for messages only). */
export const WIZARD_PROVIDERS: ReadonlyArray<{ id: string; label: string; needsKey: boolean }> = [
  { id: 'openai', label: 'OpenAI', needsKey: true },
  { id: 'anthropic', label: 'Anthropic', needsKey: true },
  { id: 'gemini', label: 'Google Gemini', needsKey: true },
  { id: 'azure', label: 'Azure OpenAI', needsKey: true },
  { id: 'mistral', label: 'Mistral', needsKey: true },
  { id: 'groq', label: 'Groq', needsKey: true },
  { id: 'xai', label: 'xAI', needsKey: true },
  { id: 'openrouter', label: 'OpenRouter', needsKey: true },
  { id: 'together', label: 'Together AI', needsKey: true },
  { id: 'fireworks', label: 'Fireworks', needsKey: true },
  { id: 'perplexity', label: 'Perplexity', needsKey: true },
  { id: 'cohere', label: 'Cohere', needsKey: true },
  { id: 'ollama', label: 'Ollama (local)', needsKey: false },
  { id: 'local', label: 'Local OpenAI-compatible server', needsKey: false },
];

/**
 * Validates raw setting values (`get('cache.enabled')` …) into typed settings. A bad value is replaced by
 * its default and described in `problems`, never thrown.
 */
export function parseSettings(get: (key: string) => unknown): SmartflowSettings {
  const problems: string[] = [];
  const pick = <T>(key: string, dflt: T, ok: (v: unknown) => boolean): T => {
    const v = get(key);
    if (v === undefined || v === null) return dflt;
    if (!ok(v)) {
      problems.push(`smartflow.${key} has an invalid value (${JSON.stringify(v).slice(0, 60)}); using ${JSON.stringify(dflt)}. Fix it in Settings.`);
      return dflt;
    }
    return v as T;
  };
  const isBool = (v: unknown) => typeof v === 'boolean';
  const isStr = (v: unknown) => typeof v === 'string';
  const intIn = (lo: number, hi: number) => (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  const numIn = (lo: number, hi: number) => (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

  const mode = pick<'direct' | 'gateway'>('mode', 'direct', (v) => v === 'direct' || v === 'gateway');
  let gatewayUrl = pick('gateway.url', '', isStr).trim();
  if (gatewayUrl && !/^https?:\/\/[^\s/]+/i.test(gatewayUrl)) {
    problems.push(`smartflow.gateway.url "${gatewayUrl.slice(0, 80)}" is not an http(s) URL. Set it to e.g. https://smartflow.example.com.`);
    gatewayUrl = '';
  }
  const baseUrlsRaw = pick<Record<string, unknown>>('providers.baseUrls', {}, (v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  const providerBaseUrls: Record<string, string> = {};
  for (const [id, url] of Object.entries(baseUrlsRaw)) {
    if (typeof url === 'string' && /^https?:\/\//i.test(url.trim())) providerBaseUrls[id] = url.trim();
    else problems.push(`smartflow.providers.baseUrls.${id} is not an http(s) URL; ignored.`);
  }
  return {
    mode,
    gatewayUrl,
    defaultModel: pick('defaultModel', 'gpt-4o-mini', (v) => typeof v === 'string' && v.trim().length > 0).trim(),
    cache: {
      enabled: pick('cache.enabled', true, isBool),
      semantic: pick('cache.semantic', true, isBool),
      similarityThreshold: pick('cache.similarityThreshold', DEFAULT_CONFIG.cache.similarityThreshold, numIn(0.5, 1)),
      ttlSeconds: pick('cache.ttlSeconds', 604800, intIn(0, 10 * 365 * 86400)),
    },
    compliance: { enabled: pick('compliance.enabled', true, isBool), policy: pick('compliance.policy', 'enterprise_standard', (v) => typeof v === 'string' && /^[\w.-]{1,64}$/.test(v)) },
    localEndpoint: { enabled: pick('localEndpoint.enabled', true, isBool), port: pick('localEndpoint.port', 7775, intIn(0, 65535)) },
    audit: {
      enabled: pick('audit.enabled', true, isBool),
      retentionDays: pick('audit.retentionDays', 90, intIn(1, 36500)),
      storePrompts: pick<StorePrompts>('audit.storePrompts', 'redacted', (v) => v === 'none' || v === 'redacted' || v === 'full'),
    },
    providerBaseUrls,
    enabledProviders: pick<string[]>('providers.enabled', [], (v) => Array.isArray(v) && v.every(isStr)),
    problems,
  };
}

