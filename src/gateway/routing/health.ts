/**
 * Provider health, learned from real traffic: latency EWMA, success / error rate over a sliding window
 * of recent outcomes, request totals and a healthy / degraded / unhealthy verdict. Only provider faults
 * (429, 5xx, timeouts, unreachable) count as errors; a 400 caused by the caller does not.
 */
import type { Clock, ProviderHealth } from '../types.js';

const WINDOW = 50;
const ALPHA = 0.2;

interface Entry {
  latencyEwma: number;
  total: number;
  /** Ring buffer of recent outcomes: 1 = success, 0 = failure. */
  ring: Uint8Array;
  ringLen: number;
  ringPos: number;
  consecutiveFailures: number;
  lastFailureAt: number;
  lastUpdated: number;
}

export interface HealthOptions {
  /** Consecutive failures after which a provider is unhealthy. */
  unhealthyAfter?: number;
  /** How long (ms) an unhealthy verdict from consecutive failures lasts without new traffic. */
  cooldownMs?: number;
  /** Latency EWMA above which a provider is degraded. */
  slowMs?: number;
}

export class HealthTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly unhealthyAfter: number;
  private readonly cooldownMs: number;
  private readonly slowMs: number;

  constructor(private readonly clock: Clock, opts: HealthOptions = {}) {
    this.unhealthyAfter = opts.unhealthyAfter ?? 3;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.slowMs = opts.slowMs ?? 20_000;
  }

  private entry(provider: string): Entry {
    let e = this.entries.get(provider);
    if (!e) {
      e = { latencyEwma: 0, total: 0, ring: new Uint8Array(WINDOW), ringLen: 0, ringPos: 0, consecutiveFailures: 0, lastFailureAt: 0, lastUpdated: 0 };
      this.entries.set(provider, e);
    }
    return e;
  }

  /** A completed upstream call; latency is time to the full response (or first byte for streams). */
  success(provider: string, latencyMs: number): void {
    const e = this.entry(provider);
    e.latencyEwma = e.total === 0 || e.latencyEwma === 0 ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * e.latencyEwma;
    this.push(e, 1);
    e.consecutiveFailures = 0;
  }

  /** A provider fault (429, 5xx, timeout, unreachable, truncated stream). */
  failure(provider: string): void {
    const e = this.entry(provider);
    this.push(e, 0);
    e.consecutiveFailures++;
    e.lastFailureAt = this.clock.wallNow();
  }

  /** A request that reached the provider but failed for a reason that is not the provider's fault. */
  neutral(provider: string): void {
    const e = this.entry(provider);
    e.total++;
    e.lastUpdated = this.clock.wallNow();
  }

  private push(e: Entry, v: 0 | 1): void {
    e.ring[e.ringPos] = v;
    e.ringPos = (e.ringPos + 1) % WINDOW;
    if (e.ringLen < WINDOW) e.ringLen++;
    e.total++;
    e.lastUpdated = this.clock.wallNow();
  }

  status(provider: string): ProviderHealth['status'] {
    const e = this.entries.get(provider);
    if (!e) return 'healthy';
    return this.verdict(e, this.rates(e).errorRate);
  }

  /** True while a provider should be tried after the others (recent consecutive failures). */
  isUnhealthy(provider: string): boolean {
    return this.status(provider) === 'unhealthy';
  }

  private rates(e: Entry): { successRate: number; errorRate: number } {
    if (e.ringLen === 0) return { successRate: 1, errorRate: 0 };
    let ok = 0;
    for (let i = 0; i < e.ringLen; i++) ok += e.ring[i];
    const successRate = ok / e.ringLen;
    return { successRate, errorRate: 1 - successRate };
  }

  private verdict(e: Entry, errorRate: number): ProviderHealth['status'] {
    const recentFailure = this.clock.wallNow() - e.lastFailureAt < this.cooldownMs;
    if (e.consecutiveFailures >= this.unhealthyAfter && recentFailure) return 'unhealthy';
    if (e.ringLen >= 4 && errorRate >= 0.5) return 'unhealthy';
    if (errorRate >= 0.1 || e.latencyEwma > this.slowMs || (e.consecutiveFailures > 0 && recentFailure)) return 'degraded';
    return 'healthy';
  }

  snapshot(providers?: Iterable<string>): ProviderHealth[] {
    const ids = new Set<string>(providers ?? []);
    for (const k of this.entries.keys()) ids.add(k);
    const out: ProviderHealth[] = [];
    for (const id of [...ids].sort()) {
      const e = this.entries.get(id);
      if (!e) {
        out.push({ provider: id, status: 'healthy', latency_ms: 0, success_rate: 1, error_rate: 0, requests_total: 0, last_updated: new Date(this.clock.wallNow()).toISOString() });
        continue;
      }
      const { successRate, errorRate } = this.rates(e);
      out.push({
        provider: id,
        status: this.verdict(e, errorRate),
        latency_ms: Math.round(e.latencyEwma * 100) / 100,
        success_rate: round4(successRate),
        error_rate: round4(errorRate),
        requests_total: e.total,
        last_updated: new Date(e.lastUpdated || this.clock.wallNow()).toISOString(),
      });
    }
    return out;
  }
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
