/**
 * Extension settings → the embedded gateway's config (the one schema in src/gateway/config.ts). Pure
 * (no `vscode`), unit-tested. Secrets are not part of it: provider keys go to the service separately.
 */
import { DEFAULT_CONFIG, type GatewayConfigInput } from '../gateway/config.js';
import type { SmartflowSettings } from './settings-parse.js';

/** Loopback only: the local endpoint is for tools on this machine. */
export function gatewayConfigFor(s: SmartflowSettings, dataDir: string): GatewayConfigInput {
  const providers: Record<string, { baseUrl?: string }> = {};
  for (const [id, url] of Object.entries(s.providerBaseUrls)) providers[id] = { baseUrl: url };
  return {
    dataDir,
    server: { ...DEFAULT_CONFIG.server, host: '127.0.0.1', port: s.localEndpoint.port },
    providers,
    cache: { ...DEFAULT_CONFIG.cache, enabled: s.cache.enabled, semantic: s.cache.semantic, similarityThreshold: s.cache.similarityThreshold, ttlSeconds: s.cache.ttlSeconds },
    audit: { ...DEFAULT_CONFIG.audit, enabled: s.audit.enabled, storePrompts: s.audit.storePrompts, retentionDays: s.audit.retentionDays },
    compliance: { ...DEFAULT_CONFIG.compliance, enabled: s.compliance.enabled, policy: s.compliance.policy },
  };
}

