/**
 * The composition root: builds a whole gateway service from config — data dir, local token, the cache /
 * compliance / audit layers (each optional: a layer whose storage fails is left out and reported, it
 * never stops the gateway), the gateway core, and the HTTP listeners (main, compliance, management).
 * Used by the CLI (`smartflow gateway`), the SDK client's direct mode (no listener) and the extension.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resolveConfig, type GatewayConfig, type GatewayConfigInput } from './config.js';
import type { Logger } from './types.js';
import type { Route } from './server/route.js';
import { createGateway, type GatewayInstance } from './index.js';
import { createHttpServer, type HttpServerHandle } from './server/http.js';
import { managementRoutes } from './server/management.js';
import { systemClock } from './util/clock.js';
import { createStderrLogger } from './util/logger.js';
import { createCache, cacheRoutes, type ResponseCache } from './cache/index.js';
import { openAuditStore, auditRoutes, type AuditStore } from './audit/index.js';
import { createComplianceEngine, complianceRoutes, type ComplianceEngine } from './compliance/index.js';

/** The version reported by /api/health/comprehensive. */
export const GATEWAY_VERSION = '0.1.0';

/** Deep-partial config (every section and field optional); unset fields take DEFAULT_CONFIG. */
export type GatewayConfigOverrides = {
  [K in keyof GatewayConfig]?: GatewayConfig[K] extends Record<string, unknown> | unknown[] ? GatewayConfig[K] : GatewayConfig[K] extends object ? Partial<GatewayConfig[K]> : GatewayConfig[K];
};

export interface GatewayServiceOptions {
  /** dataDir defaults to SMARTFLOW_DATA_DIR, then defaultDataDir(). */
  config: GatewayConfigOverrides | GatewayConfigInput;
  env?: NodeJS.ProcessEnv;
  /** Provider keys by id or env var name (SecretStorage); they win over the environment. */
  providerKeys?: Record<string, string>;
  /** Bearer token; default SMARTFLOW_LOCAL_TOKEN, else `<dataDir>/token` (created 0600 on first start). */
  token?: string;
  /** Extra accepted bearer tokens. */
  virtualKeys?: string[];
  /** main: serve config.server.host:port (default true); compliance / management: a port, or false (default). */
  listen?: { main?: boolean; compliance?: number | false; management?: number | false };
  logger?: Logger;
  /** better_sqlite3.node for this host (Electron ABI). */
  nativeBinding?: string;
}

export interface LayerState<T> {
  /** The running layer, or undefined when it is disabled or failed to start. */
  layer?: T;
  enabled: boolean;
  error?: string;
}

export interface GatewayService {
  gateway: GatewayInstance;
  config: GatewayConfig;
  url?: string;
  complianceUrl?: string;
  managementUrl?: string;
  token: string;
  /** Where the token lives (undefined when it came from the environment or the options). */
  tokenPath?: string;
  dataDir: string;
  /** The audit store's SQLite engine, or null with the reason logs are not being kept. */
  storage: { engine: string | null; error?: string };
  audit?: AuditStore;
  cache?: ResponseCache;
  compliance?: ComplianceEngine;
  /** What started and what did not (for the CLI banner and the extension's status). */
  layers: { audit: LayerState<unknown>; cache: LayerState<unknown>; compliance: LayerState<unknown> };
  /** Replaces the accepted virtual keys on every listener (the local token always stays valid). */
  setVirtualKeys(keys: string[]): void;
  close(): Promise<void>;
}

/**
 * The per-user application-data folder: `$XDG_DATA_HOME/smartflow` or `~/.local/share/smartflow` on
 * Linux, `~/Library/Application Support/Smartflow` on macOS, `%APPDATA%\Smartflow` on Windows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Smartflow');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Smartflow');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'smartflow');
}

/**
 * The local bearer token: SMARTFLOW_LOCAL_TOKEN when set, else the one stored in `<dataDir>/token`,
 * else a new random one written there with mode 0600 (reused on every later start).
 */
export function loadOrCreateToken(dataDir: string, env: NodeJS.ProcessEnv, logger?: Logger): { token: string; path?: string; source: 'env' | 'file' | 'generated' | 'memory' } {
  const fromEnv = env.SMARTFLOW_LOCAL_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const path = join(dataDir, 'token');
  try {
    if (existsSync(path)) {
      const t = readFileSync(path, 'utf8').trim();
      if (t) return { token: t, path, source: 'file' };
    }
  } catch (e) {
    logger?.warn('could not read the token file; generating a new token', { path, error: (e as Error).message });
  }
  const token = `sf-local-${randomBytes(32).toString('base64url')}`;
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(path, token + '\n', { mode: 0o600 });
    chmodSync(path, 0o600); // the mode above is ignored when the file already existed (empty)
    return { token, path, source: 'generated' };
  } catch (e) {
    logger?.warn('could not store the token; it lives only as long as this process', { path, error: (e as Error).message });
    return { token, source: 'memory' };
  }
}

/** Starts a gateway service. Close it with `service.close()`. */
export async function startGatewayService(opts: GatewayServiceOptions): Promise<GatewayService> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createStderrLogger((env.SMARTFLOW_LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error') || 'info');
  const clock = systemClock();
  const dataDir = opts.config.dataDir || env.SMARTFLOW_DATA_DIR || defaultDataDir(env);
  const config = resolveConfig({ ...(opts.config as GatewayConfigInput), dataDir });
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    logger.warn('could not create the data dir; stores that need it will be off', { dataDir, error: (e as Error).message });
  }
  const tok = opts.token ? { token: opts.token, path: undefined } : loadOrCreateToken(dataDir, env, logger);
  const closers: Array<() => void | Promise<void>> = [];
  const routes: Route[] = [];

  // ---- layers: each optional, each allowed to fail without stopping the gateway -------------------
  const layers: GatewayService['layers'] = {
    audit: { enabled: config.audit.enabled },
    cache: { enabled: config.cache.enabled },
    compliance: { enabled: config.compliance.enabled },
  };

  let cache: ResponseCache | undefined;
  if (config.cache.enabled) {
    try {
      cache = createCache({ dataDir, config: config.cache, clock, logger, nativeBinding: opts.nativeBinding });
      const c = cache;
      closers.push(() => c.close());
      layers.cache.layer = cache;
      routes.push(...cacheRoutes(cache));
    } catch (e) {
      layers.cache.error = (e as Error).message;
      logger.warn('cache disabled: it failed to start', { error: layers.cache.error });
    }
  }

  let compliance: ComplianceEngine | undefined;
  if (config.compliance.enabled) {
    try {
      compliance = createComplianceEngine({ dataDir, config: config.compliance, clock, logger, nativeBinding: opts.nativeBinding });
      const c = compliance;
      closers.push(() => c.close());
      layers.compliance.layer = compliance;
      routes.push(...complianceRoutes(compliance));
    } catch (e) {
      layers.compliance.error = (e as Error).message;
      logger.warn('compliance disabled: it failed to start (prompts are NOT being scanned)', { error: layers.compliance.error });
    }
  }

  let audit: AuditStore | undefined;
  const storage: GatewayService['storage'] = { engine: null };
  if (config.audit.enabled) {
    try {
      audit = openAuditStore({ path: join(dataDir, 'audit.db'), clock, logger, retentionDays: config.audit.retentionDays, nativeBinding: opts.nativeBinding });
      const a = audit;
      closers.push(() => a.close());
      if (audit.engine === 'none') {
        storage.error = audit.status.reason ?? audit.status.description;
        layers.audit.error = storage.error;
      } else {
        storage.engine = audit.engine;
        layers.audit.layer = audit;
      }
      // The routes answer storage_unavailable themselves when the engine is 'none'.
      routes.push(...auditRoutes(audit));
    } catch (e) {
      storage.error = `the audit log failed to open (${(e as Error).message}): requests are not being logged`;
      layers.audit.error = storage.error;
      logger.warn('audit log disabled', { error: storage.error });
    }
  } else {
    storage.error = 'audit logging is disabled in the settings: requests are not being logged';
  }

  const gateway = createGateway({
    config,
    env,
    providerKeys: opts.providerKeys,
    clock,
    logger,
    cache: cache ?? null,
    compliance: compliance ?? null,
    audit: audit && audit.engine !== 'none' ? audit : null,
  });

  const mgmt = managementRoutes(gateway, {
    version: GATEWAY_VERSION,
    metricsText: () => gateway.metricsText(),
    startedAt: gateway.startedAt,
    wallNow: () => clock.wallNow(),
    storage: () => ({
      data_dir: dataDir,
      audit: { engine: storage.engine, error: storage.error ?? null },
      cache: { enabled: !!cache, error: layers.cache.error ?? null, ...(cache ? { info: cache.info() } : {}) },
      compliance: { enabled: !!compliance, error: layers.compliance.error ?? null },
    }),
  });
  // Feature routes come after management so a feature's own version of a path (e.g. /api/cache/stats) wins.
  const allRoutes = [...mgmt, ...routes];
  const tokens = [tok.token, ...(opts.virtualKeys ?? [])];
  const servers: HttpServerHandle[] = [];
  const listen = opts.listen ?? {};
  const start = async (surface: 'main' | 'compliance' | 'management', port: number) => {
    const h = await createHttpServer({ gateway, routes: allRoutes, tokens, host: config.server.host, port, maxBodyBytes: config.server.maxBodyBytes, surface, clock, logger });
    servers.push(h);
    return h.url;
  };
  const service: GatewayService = {
    gateway,
    config,
    token: tok.token,
    tokenPath: tok.path,
    dataDir,
    storage,
    audit,
    cache,
    compliance,
    layers,
    setVirtualKeys(keys) {
      for (const s of servers) s.setTokens([tok.token, ...keys]);
    },
    async close() {
      await Promise.allSettled(servers.map((s) => s.close()));
      await gateway.close();
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch (e) {
          logger.warn('closing a layer failed', { error: (e as Error).message });
        }
      }
    },
  };
  try {
    if (listen.main !== false) service.url = await start('main', config.server.port);
    if (typeof listen.compliance === 'number') service.complianceUrl = await start('compliance', listen.compliance);
    if (typeof listen.management === 'number') service.managementUrl = await start('management', listen.management);
  } catch (e) {
    await service.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      throw new Error(`Port already in use (${err.message}). Stop the other process or pick another port (--port).`);
    }
    throw e;
  }
  // The first scan loads the recognizers' data (name list, phone metadata) and costs ~100 ms: pay it now,
  // off the request path, rather than on the user's first prompt.
  const engine = compliance;
  if (engine) setImmediate(() => void engine.redactPii('Warm-up: Jane Doe, jane@example.com, +1 415 555 0100, 4111 1111 1111 1111.'));
  return service;
}
