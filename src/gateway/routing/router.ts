/**
 * Routing decisions: which (provider, model) targets a request tries, in order. The requested model is
 * resolved first; a forced provider (force_provider) takes over for its duration; the configured
 * fallback chain follows; providers that are currently unhealthy move to the back of the line. Also
 * keeps what `get_routing_status` reports: active provider, chains, last failure.
 */
import { GatewayError } from '../errors.js';
import type { Clock, RoutingStatus } from '../types.js';
import type { RoutingConfig } from '../config.js';
import type { HealthTracker } from './health.js';

export interface Target {
  provider: string;
  model: string;
  /** Why this target is in the plan: "primary", "forced", "fallback", "unhealthy-primary". */
  reason: string;
}

export interface Plan {
  targets: Target[];
  strategy: 'direct' | 'fallback' | 'forced';
}

export type ResolveFn = (model: string) => { provider: string; model: string };

export class Router {
  private forced: { provider: string; until: number } | null = null;
  private lastFailure: RoutingStatus['last_failure'] = null;
  private active: string | null = null;

  constructor(
    private readonly cfg: RoutingConfig,
    private readonly resolve: ResolveFn,
    private readonly health: HealthTracker,
    private readonly clock: Clock,
    private readonly isKnownProvider: (id: string) => boolean,
  ) {}

  /**
   * The static part of a plan per requested model (resolved primary + fallback chain): the config and
   * the provider registry are fixed for the gateway's lifetime, so it is computed once per model string.
   * Forced-provider and health reordering are applied on every call (they change at runtime). Bounded
   * so arbitrary model strings cannot grow it without limit; models that fail to resolve are not kept.
   */
  private baseTargets = new Map<string, readonly Target[]>();

  /** Targets to try for a requested model. Throws unknown_model / unsupported_provider from resolve. */
  plan(requested: string): Plan {
    let base = this.baseTargets.get(requested);
    if (!base) {
      base = this.buildBase(requested);
      if (this.baseTargets.size >= 512) this.baseTargets = new Map();
      this.baseTargets.set(requested, base);
    }
    const forced = this.forced ? this.currentForced() : null;
    if (!forced && (base.length === 1 || !this.health.isUnhealthy(base[0].provider))) {
      // The common case: no override, so the memoised (frozen) targets are the plan.
      return { targets: base as Target[], strategy: base.length > 1 ? 'fallback' : 'direct' };
    }
    const targets = base.map((t) => ({ ...t }));
    const primary = targets[0];
    if (forced) {
      const onForced = targets.find((t) => t.provider === forced);
      const first: Target = onForced ? { ...onForced, reason: 'forced' } : { provider: forced, model: primary.model, reason: 'forced' };
      const rest = targets.filter((t) => !(t.provider === first.provider && t.model === first.model));
      return { targets: [first, ...rest], strategy: 'forced' };
    }
    if (targets.length > 1 && this.health.isUnhealthy(targets[0].provider)) {
      // Try healthy fallbacks first while the primary is failing; it stays last as a final attempt.
      const healthy = targets.filter((t) => !this.health.isUnhealthy(t.provider));
      if (healthy.length) {
        const unhealthy = targets.filter((t) => this.health.isUnhealthy(t.provider)).map((t) => ({ ...t, reason: t.reason === 'primary' ? 'unhealthy-primary' : t.reason }));
        return { targets: [...healthy, ...unhealthy], strategy: 'fallback' };
      }
    }
    return { targets, strategy: targets.length > 1 ? 'fallback' : 'direct' };
  }

  private buildBase(requested: string): readonly Target[] {
    const primary = this.resolve(requested);
    const chain = this.cfg.fallbacks[requested] ?? this.cfg.fallbacks[`${primary.provider}/${primary.model}`] ?? [];
    const targets: Target[] = [Object.freeze({ ...primary, reason: 'primary' })];
    for (const m of chain) {
      try {
        const t = this.resolve(m);
        if (!targets.some((x) => x.provider === t.provider && x.model === t.model)) targets.push(Object.freeze({ ...t, reason: 'fallback' }));
      } catch {
        // A bad entry in the chain must not break the primary route; it is reported by validateRouting().
      }
    }
    return Object.freeze(targets);
  }

  private currentForced(): string | null {
    if (!this.forced) return null;
    if (this.clock.wallNow() >= this.forced.until) {
      this.forced = null;
      return null;
    }
    return this.forced.provider;
  }

  /** force_provider(provider, seconds): every request goes to `provider` first until it expires. 0 clears it. */
  force(provider: string, seconds: number): RoutingStatus {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new GatewayError('invalid_request', 'duration_seconds must be a number of seconds ≥ 0 (0 clears the forced provider).');
    }
    if (seconds === 0) {
      this.forced = null;
      return this.status();
    }
    if (!this.isKnownProvider(provider)) {
      throw new GatewayError('invalid_request', `Unknown provider "${provider}". Use a provider id such as openai, anthropic, gemini (see /v1/models or the providers list).`);
    }
    this.forced = { provider, until: this.clock.wallNow() + seconds * 1000 };
    return this.status();
  }

  succeeded(provider: string): void {
    this.active = provider;
  }

  failed(provider: string, model: string, message: string): void {
    this.lastFailure = { provider, model, message, at: new Date(this.clock.wallNow()).toISOString() };
  }

  status(): RoutingStatus {
    const forced = this.currentForced();
    return {
      active_provider: forced ?? this.active,
      forced_provider: forced,
      forced_until: forced && this.forced ? new Date(this.forced.until).toISOString() : null,
      fallback_chains: { ...this.cfg.fallbacks },
      last_failure: this.lastFailure,
      strategy: forced ? 'forced' : Object.keys(this.cfg.fallbacks).length ? 'fallback' : 'direct',
    };
  }
}
