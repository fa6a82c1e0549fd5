/**
 * Management endpoints (the reference's port 7778; the main port serves them too): comprehensive
 * health, provider health, routing status and force_provider, cache stats and Prometheus metrics.
 */
import { GatewayError } from '../errors.js';
import type { Gateway, ProviderHealth } from '../types.js';
import type { Route } from './route.js';

export interface ManagementOptions {
  version: string;
  /** Prometheus text; absent → /metrics answers 404. */
  metricsText?: () => string;
  /** Wall-clock ms when the gateway started. */
  startedAt: number;
  wallNow: () => number;
  /** Storage engines in use, for the health report. */
  storage?: () => Record<string, unknown>;
}

const M: Array<'management'> = ['management'];

/** Overall status: unhealthy when every provider with traffic is unhealthy, degraded when any is not healthy. */
export function overallStatus(providers: ProviderHealth[]): 'healthy' | 'degraded' | 'unhealthy' {
  const active = providers.filter((p) => p.requests_total > 0);
  if (active.length && active.every((p) => p.status === 'unhealthy')) return 'unhealthy';
  if (active.some((p) => p.status !== 'healthy')) return 'degraded';
  return 'healthy';
}

export function managementRoutes(gateway: Gateway, opts: ManagementOptions): Route[] {
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/api/health/comprehensive',
      surfaces: M,
      handler: () => {
        const providers = gateway.providerHealth();
        const byId: Record<string, ProviderHealth> = {};
        for (const p of providers) byId[p.provider] = p;
        const now = opts.wallNow();
        return {
          json: {
            status: overallStatus(providers),
            uptime_seconds: Math.floor((now - opts.startedAt) / 1000),
            version: opts.version,
            providers: byId,
            cache: gateway.cacheStats() ?? { enabled: false },
            routing: gateway.routingStatus(),
            storage: opts.storage?.() ?? {},
            timestamp: new Date(now).toISOString(),
          },
        };
      },
    },
    { method: 'GET', path: '/api/providers/health', surfaces: M, handler: () => ({ json: gateway.providerHealth() }) },
    { method: 'GET', path: '/api/providers', surfaces: M, handler: () => ({ json: gateway.providers() }) },
    { method: 'GET', path: '/api/routing/status', surfaces: M, handler: () => ({ json: gateway.routingStatus() }) },
    {
      method: 'POST',
      path: '/api/routing/force',
      surfaces: M,
      handler: (req) => {
        const b = (req.body ?? {}) as { provider?: unknown; duration_seconds?: unknown };
        if (typeof b.provider !== 'string' || !b.provider) {
          throw new GatewayError('invalid_request', 'Missing required field "provider" (a provider id such as "openai").', { details: { param: 'provider' } });
        }
        const secs = b.duration_seconds === undefined ? 300 : Number(b.duration_seconds);
        return { json: gateway.forceProvider(b.provider, secs) };
      },
    },
    {
      method: 'GET',
      path: '/api/cache/stats',
      surfaces: M,
      handler: () => {
        const s = gateway.cacheStats();
        if (!s) throw new GatewayError('storage_unavailable', 'The cache is not running (disabled in the settings, or its storage failed to open; see /api/health/comprehensive).');
        return { json: s };
      },
    },
  ];
  if (opts.metricsText) {
    const text = opts.metricsText;
    routes.push({ method: 'GET', path: '/metrics', surfaces: M, handler: () => ({ text: text(), contentType: 'text/plain; version=0.0.4; charset=utf-8' }) });
  }
  return routes;
}
