/**
 * `createGateway(deps)`: the gateway core assembled from what it is given — config, environment and
 * provider keys, clock, logger, upstream client, and the optional cache / compliance / audit layers.
 * No module-level state: two gateways in one process share nothing.
 *
 * @example
 *   const gw = createGateway({ config: resolveConfig({ dataDir }), env: process.env, clock: systemClock(), logger: silentLogger });
 *   const { response, meta } = await gw.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, gw.context());
 */
import { performance } from 'node:perf_hooks';
import type { GatewayConfig } from './config.js';
import type { AuditSink, CacheLayer, Clock, ComplianceLayer, Gateway, Logger, ProviderSettings, RequestContext, ProviderStatus } from './types.js';
import type { ProviderAdapter } from './providers/types.js';
import { listAdapters, NOT_BUILT_PROVIDERS, requireAdapter, getAdapter } from './providers/index.js';
import { resolveProviderSettings, isProviderConfigured } from './providers/settings.js';
import { resolveModel } from './routing/resolve.js';
import { createUpstream, type Upstream } from './upstream/client.js';
import { HealthTracker } from './routing/health.js';
import { Router } from './routing/router.js';
import { GatewayMetrics } from './pipeline/metrics.js';
import type { Pipe } from './pipeline/core.js';
import { runChat } from './pipeline/chat.js';
import { runChatStream } from './pipeline/stream.js';
import { anthropicMessages } from './pipeline/anthropic.js';
import * as ops from './pipeline/ops.js';
import { newRequestId } from './util/ids.js';
import { costFor, memoPriceFor } from './pricing.js';

export interface GatewayDeps {
  config: GatewayConfig;
  env: Record<string, string | undefined>;
  /** Provider keys by provider id or env var name (e.g. from VS Code SecretStorage); they win over env. */
  providerKeys?: Record<string, string>;
  clock: Clock;
  logger: Logger;
  /** Upstream HTTP client; default: an undici Agent with the config's timeouts (closed by close()). */
  upstream?: Upstream;
  cache?: CacheLayer | null;
  compliance?: ComplianceLayer | null;
  audit?: AuditSink | null;
  newId?: () => string;
  /** Jitter source for retry backoff (tests pass a fixed one). */
  random?: () => number;
  /**
   * Cumulative event-loop idle ms (default: `performance.eventLoopUtilization().idle`), used so the
   * gateway's added time does not count loop work done while a request waits on its upstream; null
   * counts the whole wait as upstream time (e.g. with a fake clock).
   */
  loopIdle?: (() => number) | null;
}

/** The gateway plus what its hosts need around it. */
export interface GatewayInstance extends Gateway {
  /** A fresh RequestContext (new request id, start time now); pass overrides such as signal or userId. */
  context(init?: Partial<RequestContext>): RequestContext;
  /** Prometheus text for /metrics. */
  metricsText(): string;
  /** Process start (wall ms) for uptime. */
  readonly startedAt: number;
}

export function createGateway(deps: GatewayDeps): GatewayInstance {
  const { config, clock, logger } = deps;
  const ownUpstream = !deps.upstream;
  const upstream = deps.upstream ?? createUpstream({ timeouts: config.timeouts });
  const newId = deps.newId ?? newRequestId;
  const settingsCache = new Map<string, ProviderSettings>();
  const settings = (a: ProviderAdapter): ProviderSettings => {
    let s = settingsCache.get(a.id);
    if (!s) {
      s = resolveProviderSettings(a, deps.env, config.providers[a.id], deps.providerKeys);
      settingsCache.set(a.id, s);
    }
    return s;
  };
  const health = new HealthTracker(clock);
  const router = new Router(config.routing, (m) => resolveModel(m), health, clock, (id) => !!getAdapter(id));
  const startedAt = clock.wallNow();
  const metrics = new GatewayMetrics(startedAt);
  // The price table is a prefix walk; a gateway sees a handful of models, so remember each answer.
  const price = memoPriceFor();
  const pipe: Pipe = {
    config,
    clock,
    logger,
    upstream,
    cache: deps.cache ?? null,
    compliance: deps.compliance ?? null,
    audit: deps.audit ?? null,
    health,
    router,
    metrics,
    settings,
    adapter: (id) => requireAdapter(id),
    random: deps.random ?? Math.random,
    loopIdle: deps.loopIdle === undefined ? () => performance.eventLoopUtilization().idle : deps.loopIdle,
    cost: (provider, model, usage) => {
      try {
        return costFor(price(provider, model), usage);
      } catch {
        return 0;
      }
    },
  };
  let closed = false;

  return {
    startedAt,
    context(init = {}) {
      return { requestId: init.requestId ?? newId(), signal: init.signal ?? new AbortController().signal, startedAt: init.startedAt ?? clock.now(), ...stripUndefined(init) } as RequestContext;
    },
    chat: (req, ctx) => runChat(pipe, req, ctx),
    chatStream: (req, ctx) => runChatStream(pipe, req, ctx),
    anthropicMessages: (body, ctx) => anthropicMessages(pipe, body, ctx),
    embeddings: (req, ctx) => ops.embeddings(pipe, req, ctx),
    rerank: (req, ctx) => ops.rerank(pipe, req, ctx),
    images: (req, ctx) => ops.images(pipe, req, ctx),
    transcription: (req, ctx) => ops.transcription(pipe, req, ctx),
    speech: (req, ctx) => ops.speech(pipe, req, ctx),
    listModels: (ctx) => ops.listModels(pipe, ctx),
    providerHealth: () => health.snapshot(ops.configuredAdapters(pipe).map((a) => a.id)),
    routingStatus: () => router.status(),
    forceProvider: (provider, seconds) => router.force(provider, seconds),
    providers(): ProviderStatus[] {
      const built = listAdapters().map((a) => {
        const s = settings(a);
        return { id: a.id, displayName: a.displayName, configured: isProviderConfigured(a, s) && config.providers[a.id]?.enabled !== false, keyEnv: a.apiKeyEnv, baseUrl: s.baseUrl, implemented: true };
      });
      const notBuilt = Object.entries(NOT_BUILT_PROVIDERS).map(([id, nb]) => ({ id, displayName: nb.displayName, configured: false, keyEnv: nb.apiKeyEnv, baseUrl: '', implemented: false }));
      return [...built, ...notBuilt];
    },
    cacheStats: () => (pipe.cache ? pipe.cache.stats() : null),
    metricsText: () => metrics.render(clock.wallNow()),
    async close() {
      if (closed) return;
      closed = true;
      if (ownUpstream) await upstream.close();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export type { Gateway } from './types.js';
export { resolveConfig, DEFAULT_CONFIG } from './config.js';
export type { GatewayConfig, GatewayConfigInput } from './config.js';
export { GatewayError, isGatewayError } from './errors.js';
export { systemClock } from './util/clock.js';
export { silentLogger, createStderrLogger } from './util/logger.js';
export { createUpstream } from './upstream/client.js';
export type { Upstream, UpstreamResponse } from './upstream/client.js';
