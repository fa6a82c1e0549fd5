/**
 * Resolves a provider's key, base URL and extras from (in order of precedence) explicit keys (the
 * extension's SecretStorage), config overrides, and the environment, using the env var names from the
 * reference's prefix table. Keys are only ever returned, never logged.
 */
import type { ProviderOverride } from '../config.js';
import type { ProviderSettings } from '../types.js';
import type { ProviderAdapter } from './types.js';
import { AZURE_DEFAULT_API_VERSION } from './azure.js';

export type Env = Record<string, string | undefined>;

/**
 * @param keys provider keys by provider id ("openai") or env var name ("OPENAI_API_KEY"); they win over env.
 * @example resolveProviderSettings(getAdapter('anthropic')!, process.env, config.providers.anthropic)
 */
export function resolveProviderSettings(
  adapter: Pick<ProviderAdapter, 'id' | 'apiKeyEnv' | 'baseUrlEnv' | 'defaultBaseUrl'>,
  env: Env,
  overrides?: ProviderOverride,
  keys?: Record<string, string | undefined>,
): ProviderSettings {
  const apiKey =
    nonEmpty(keys?.[adapter.id]) ?? (adapter.apiKeyEnv ? nonEmpty(keys?.[adapter.apiKeyEnv]) ?? nonEmpty(env[adapter.apiKeyEnv]) : undefined);
  const base = nonEmpty(overrides?.baseUrl) ?? nonEmpty(env[adapter.baseUrlEnv]) ?? adapter.defaultBaseUrl;
  const s: ProviderSettings = { baseUrl: base.replace(/\/+$/, '') };
  if (apiKey) s.apiKey = apiKey;
  if (adapter.id === 'azure') s.apiVersion = nonEmpty(overrides?.apiVersion) ?? nonEmpty(env.AZURE_API_VERSION) ?? AZURE_DEFAULT_API_VERSION;
  else if (overrides?.apiVersion) s.apiVersion = overrides.apiVersion;
  if (overrides?.headers && Object.keys(overrides.headers).length) s.headers = { ...overrides.headers };
  return s;
}

/** Whether requests can be made: a key is present (or optional) and there is a base URL. */
export function isProviderConfigured(adapter: Pick<ProviderAdapter, 'apiKeyEnv' | 'keyOptional'>, s: ProviderSettings): boolean {
  if (!s.baseUrl) return false;
  return Boolean(s.apiKey) || Boolean(adapter.keyOptional) || !adapter.apiKeyEnv;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined;
}
