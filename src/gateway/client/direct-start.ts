/**
 * Starts the embedded gateway for direct mode (no listening socket) and wraps it in a DirectBackend.
 * Kept apart from client.ts and loaded lazily, so gateway-mode users never load the gateway, SQLite or
 * the compliance engine.
 */
import { auditRoutes, type AuditStore } from '../audit/index.js';
import { cacheRoutes } from '../cache/index.js';
import { GATEWAY_VERSION, defaultDataDir, startGatewayService, type GatewayService } from '../compose.js';
import { complianceRoutes, type ComplianceEngine } from '../compliance/index.js';
import type { GatewayConfigInput, ProviderOverride } from '../config.js';
import { managementRoutes } from '../server/management.js';
import type { Route } from '../server/route.js';
import type { Logger } from '../types.js';
import { DirectBackend } from './direct-backend.js';
import type { DirectGatewayConfig } from './types.js';

export interface DirectStartOptions {
  env: NodeJS.ProcessEnv;
  dataDir?: string;
  providerKeys: Record<string, string>;
  providerOverrides: Record<string, ProviderOverride>;
  config?: DirectGatewayConfig;
  timeoutMs: number;
  nativeBinding?: string;
  onWarning?: (message: string) => void;
}

/** The embedded gateway must not write to the host program's stderr: warnings go to onWarning. */
function clientLogger(onWarning?: (m: string) => void): Logger {
  const fmt = (msg: string, f?: Record<string, unknown>): string => (f && Object.keys(f).length ? `${msg} ${JSON.stringify(f)}` : msg);
  return {
    debug() {},
    info() {},
    warn: (m, f) => onWarning?.(`Smartflow: ${fmt(m, f)}`),
    error: (m, f) => onWarning?.(`Smartflow: ${fmt(m, f)}`),
  };
}

/**
 * The Route[] the HTTP server would mount. Uses `service.routes` when the composition root exposes it;
 * otherwise builds the same list from the service's layers. Feature routes come first because our
 * matcher takes the first match and a feature's own version of a path (e.g. /api/cache/stats) wins.
 */
export function serviceRoutes(service: GatewayService): Route[] {
  const exposed = (service as GatewayService & { routes?: Route[] }).routes;
  if (Array.isArray(exposed)) return exposed;
  const features: Route[] = [];
  if (service.cache) features.push(...cacheRoutes(service.cache));
  if (service.compliance) features.push(...complianceRoutes(service.compliance as unknown as ComplianceEngine));
  if (service.audit) features.push(...auditRoutes(service.audit as unknown as AuditStore));
  const mgmt = managementRoutes(service.gateway, {
    version: GATEWAY_VERSION,
    metricsText: () => service.gateway.metricsText(),
    startedAt: service.gateway.startedAt,
    wallNow: () => Date.now(),
    storage: () => ({ data_dir: service.dataDir, audit: { engine: service.storage.engine, error: service.storage.error ?? null } }),
  });
  return [...features, ...mgmt];
}

/** A DirectBackend on a service someone else owns: closing the client leaves the service running. */
export function attachDirectBackend(service: GatewayService, timeoutMs: number): DirectBackend {
  return new DirectBackend({ service: { gateway: service.gateway, close: async () => undefined }, routes: serviceRoutes(service), timeoutMs });
}

export async function startDirectBackend(o: DirectStartOptions): Promise<DirectBackend> {
  // Same default folder as `smartflow gateway`, so `smartflow logs` shows direct-mode calls too (SQLite WAL allows both).
  const dataDir = o.dataDir ?? o.env.SMARTFLOW_DATA_DIR ?? defaultDataDir(o.env);
  const service = await startGatewayService({
    // resolveConfig deep-merges each section over the defaults, so partial sections are complete at run time.
    config: { ...(o.config ?? {}), dataDir, providers: { ...o.providerOverrides, ...(o.config?.providers ?? {}) } } as GatewayConfigInput,
    env: o.env,
    providerKeys: o.providerKeys,
    listen: { main: false, compliance: false, management: false },
    nativeBinding: o.nativeBinding,
    logger: clientLogger(o.onWarning),
  });
  if (service.storage.error) o.onWarning?.(`Smartflow direct mode: ${service.storage.error}`);
  return new DirectBackend({ service, routes: serviceRoutes(service), timeoutMs: o.timeoutMs });
}
