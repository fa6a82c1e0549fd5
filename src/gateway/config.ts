/**
 * One typed configuration for the gateway, with defaults. The extension's `contributes.configuration`,
 * the CLI flags and `~/.smartflow/config.yaml` all map onto this shape; each layer owns its section.
 * Secrets (provider keys) are not part of it: they come from the environment or the extension's
 * SecretStorage through `resolveProviderSettings`.
 */

export interface ServerConfig {
  host: string;
  port: number;
  /** Request body limit in bytes (413 above it). */
  maxBodyBytes: number;
}

export interface RetryConfig {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest retry-after we will honour before giving up and returning 429. */
  maxRetryAfterMs: number;
}

export interface TimeoutConfig {
  connectMs: number;
  headersMs: number;
  /** Max silence between body bytes (streams included). */
  bodyMs: number;
}

export interface ProviderOverride {
  baseUrl?: string;
  apiVersion?: string;
  headers?: Record<string, string>;
  enabled?: boolean;
}

export interface RoutingConfig {
  /** model (as requested) -> ordered fallback models, e.g. {"gpt-4o": ["anthropic/claude-sonnet-4-6"]}. */
  fallbacks: Record<string, string[]>;
  /** Statuses that move on to the next fallback. */
  fallbackOn: number[];
}

export interface CacheConfig {
  enabled: boolean;
  semantic: boolean;
  /** Cosine similarity a semantic candidate must reach before verification. */
  similarityThreshold: number;
  ttlSeconds: number;
  maxEntries: number;
  maxBytes: number;
  /** Semantic hits only when temperature <= this. */
  maxTemperature: number;
  /** Allow semantic hits on multi-turn conversations when the whole prefix matches. */
  multiTurn: boolean;
  embedder: 'bundled' | 'transformers';
  /** transformers.js model id or local path. */
  embedderModel: string;
  embedderLocalPath?: string;
}

export type StorePromptMode = 'none' | 'redacted' | 'full';

export interface AuditConfig {
  enabled: boolean;
  storePrompts: StorePromptMode;
  retentionDays: number;
}

export interface ComplianceConfig {
  enabled: boolean;
  policy: string;
  /** Numbered placeholders ([EMAIL_1]) and restore originals in the response the user sees. */
  reversible: boolean;
  scanResponses: boolean;
  orgId: string;
  learningDays: number;
  /** Custom policies by name (same shape as the built-in ones in compliance/policies). */
  customPolicies: Record<string, unknown>;
}

export interface GatewayConfig {
  /** Folder for everything the gateway stores (SQLite files, token). */
  dataDir: string;
  server: ServerConfig;
  retry: RetryConfig;
  timeouts: TimeoutConfig;
  providers: Record<string, ProviderOverride>;
  routing: RoutingConfig;
  cache: CacheConfig;
  audit: AuditConfig;
  compliance: ComplianceConfig;
}

export const DEFAULT_CONFIG: Omit<GatewayConfig, 'dataDir'> = {
  server: { host: '127.0.0.1', port: 7775, maxBodyBytes: 25 * 1024 * 1024 },
  retry: { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 4000, maxRetryAfterMs: 30_000 },
  timeouts: { connectMs: 10_000, headersMs: 60_000, bodyMs: 120_000 },
  providers: {},
  routing: { fallbacks: {}, fallbackOn: [429, 500, 502, 503, 504] },
  cache: {
    enabled: true,
    semantic: true,
    similarityThreshold: 0.8,
    ttlSeconds: 7 * 24 * 3600,
    maxEntries: 100_000,
    maxBytes: 256 * 1024 * 1024,
    maxTemperature: 0.7,
    multiTurn: false,
    embedder: 'bundled',
    embedderModel: 'Xenova/all-MiniLM-L6-v2',
  },
  audit: { enabled: true, storePrompts: 'redacted', retentionDays: 90 },
  compliance: {
    enabled: true,
    policy: 'enterprise_standard',
    reversible: false,
    scanResponses: true,
    orgId: 'default',
    learningDays: 14,
    customPolicies: {},
  },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type GatewayConfigInput = DeepPartial<GatewayConfig> & { dataDir: string };

/** Merge user input over the defaults (objects merge, arrays and scalars replace). */
export function resolveConfig(input: GatewayConfigInput): GatewayConfig {
  return deepMerge(structuredClone(DEFAULT_CONFIG) as Record<string, unknown>, input as Record<string, unknown>) as unknown as GatewayConfig;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = base[k];
    if (isPlainObject(b) && isPlainObject(v)) base[k] = deepMerge({ ...b }, v);
    else base[k] = v;
  }
  return base;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
