/**
 * The chat pipeline (non-streaming) and the preparation it shares with streams: validate → compliance
 * prompt scan (block / redact) → route plan → cache lookup → upstream with retries → fallback chain →
 * response compliance → cache store → audit + metrics → ResultMeta.
 */
import { GatewayError, isGatewayError } from '../errors.js';
import type { ChatRequest, ChatResponse, ChatResult, ComplianceSummary, PromptDecision, RequestContext, ResultMeta, Usage, CacheLookup } from '../types.js';
import type { Plan, Target } from '../routing/router.js';
import { auditFlushed, baseMeta, finish, markWait, readJson, fallBackAfter, waitedSince, type Pipe } from './core.js';
import { sendChat } from './send-chat.js';
import { validateChat } from './validate.js';
import { auditPrompt, auditResponse, lastUserText, messageText, responseText } from './text.js';

export interface Prepared {
  req: ChatRequest;
  /** What goes upstream (redacted when the policy says so). */
  sendReq: ChatRequest;
  decision: PromptDecision | null;
  plan: Plan;
  meta: ResultMeta;
  hit: CacheLookup | null;
}

/** Validation, prompt compliance, routing plan and cache lookup. Failures are audited by the caller. */
export async function prepareChat(p: Pipe, req: ChatRequest, ctx: RequestContext, meta: ResultMeta): Promise<Prepared> {
  validateChat(req);
  meta.model = req.model;
  let decision: PromptDecision | null = null;
  let sendReq = req;
  if (p.compliance && p.config.compliance.enabled) {
    decision = await p.compliance.scanPrompt(req, ctx);
    meta.compliance = decision.summary;
    if (decision.action === 'block') {
      blockedMeta(p, meta, req.model, decision.summary);
      throw new GatewayError(
        'compliance_blocked',
        decision.explanation ?? 'The prompt was blocked by the compliance policy because it contains sensitive data. Remove it and try again.',
        { details: { compliance: decision.summary, explanation: decision.explanation ?? null } },
      );
    }
    sendReq = decision.request;
  }
  const plan = p.router.plan(sendReq.model);
  meta.provider = plan.targets[0].provider;
  meta.routingStrategy = plan.strategy;
  let hit: CacheLookup | null = null;
  if (p.cache && p.config.cache.enabled && ctx.cacheMode !== 'off') {
    try {
      hit = await p.cache.lookup(sendReq, plan.targets[0].provider, ctx);
      if (!hit) p.cache.recordMiss();
    } catch (e) {
      // A broken cache must never fail a request; it becomes a miss.
      p.logger.warn('cache lookup failed', { error: (e as Error).message });
      hit = null;
    }
  }
  return { req, sendReq, decision, plan, meta, hit };
}

/** Meta for a cache hit: no upstream, no cost, routing "cache". */
export function hitMeta(meta: ResultMeta, hit: CacheLookup): void {
  meta.cached = true;
  meta.cacheHitType = hit.hitType;
  meta.cacheTier = hit.tier;
  meta.model = hit.response.model || meta.model;
  meta.usage = hit.response.usage ? { ...hit.response.usage } : { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  meta.costUsd = 0;
  meta.routingStrategy = 'cache';
  meta.routingReason = `cache_hit:tier=${hit.tier}`;
  meta.attempts = 0;
}

export function routingReason(t: Target): string {
  return t.reason === 'primary' ? `provider:${t.provider}` : `provider:${t.provider} (${t.reason})`;
}

/** Rough token estimate for providers that report no usage (4 characters per token). */
export function estimateUsage(req: ChatRequest, completion: string): Usage {
  let chars = 0;
  for (const m of req.messages) chars += messageText(m).length;
  const prompt = Math.ceil(chars / 4);
  const comp = Math.ceil(completion.length / 4);
  return { prompt_tokens: prompt, completion_tokens: comp, total_tokens: prompt + comp };
}

/**
 * Adds reply findings to the prompt's summary. Every violation says which text its offsets point into
 * (`source`); a finding already present (same source, type and span) is not added twice.
 */
export function mergeFindings(summary: ComplianceSummary | undefined, findings: ComplianceSummary['violations']): ComplianceSummary | undefined {
  if (!findings.length) return summary;
  const base: ComplianceSummary = summary ?? { status: 'compliant', action: 'allow', redactedByType: {}, violations: [] };
  const violations = base.violations.map((v) => (v.source ? v : { ...v, source: 'prompt' as const }));
  const seen = new Set(violations.map(violationKey));
  for (const f of findings) {
    const v = { ...f, recognizer: f.recognizer || 'response', source: 'response' as const };
    const k = violationKey(v);
    if (seen.has(k)) continue;
    seen.add(k);
    violations.push(v);
  }
  return { ...base, status: 'violated', violations };
}

function violationKey(v: ComplianceSummary['violations'][number]): string {
  return `${v.source ?? 'prompt'}:${v.type}:${v.start}:${v.end}`;
}

/**
 * Audit fields for a request the compliance policy blocked: the provider the model would have gone to
 * (when it resolves) and why nothing was sent.
 */
export function blockedMeta(p: Pipe, meta: ResultMeta, model: string, summary: ComplianceSummary): void {
  if (!meta.provider) {
    try {
      meta.provider = p.router.plan(model).targets[0].provider;
    } catch {
      /* the model does not resolve: the block is still the answer */
    }
  }
  meta.routingReason = `compliance_blocked:${summary.policy ?? 'policy'}`;
}

/** Applies response-side compliance (scan + restore of reversible placeholders) to a full response. */
export function complyResponse(p: Pipe, ctx: RequestContext, decision: PromptDecision | null, res: ChatResponse): { res: ChatResponse; findings: ComplianceSummary['violations'] } {
  const scan = !!p.compliance && p.config.compliance.enabled && p.config.compliance.scanResponses;
  const restore = decision?.restore;
  const findings: ComplianceSummary['violations'] = [];
  if (!scan && !restore) return { res, findings };
  const choices = res.choices.map((c) => {
    if (typeof c.message.content !== 'string') return c;
    let text = c.message.content;
    if (scan) {
      const sc = p.compliance!.responseScanner(ctx, restore);
      text = sc.push(text) + sc.flush();
      findings.push(...sc.findings());
    } else if (restore) {
      text = restore(text);
    }
    return { ...c, message: { ...c.message, content: text } };
  });
  return { res: { ...res, choices }, findings };
}

/**
 * The response as the cache may keep it: what the response scanner would show, but without restoring
 * reversible placeholders — secrets the provider returned are redacted (the cache is on disk), and no
 * user's original values ever land in it (restore runs again on every hit with that request's values).
 */
export function cacheableResponse(p: Pipe, ctx: RequestContext, res: ChatResponse): ChatResponse {
  if (!p.compliance || !p.config.compliance.enabled || !p.config.compliance.scanResponses) return res;
  return {
    ...res,
    choices: res.choices.map((c) => {
      if (typeof c.message.content !== 'string' || !c.message.content) return c;
      const sc = p.compliance!.responseScanner(ctx);
      return { ...c, message: { ...c.message, content: sc.push(c.message.content) + sc.flush() } };
    }),
  };
}

export async function runChat(p: Pipe, req: ChatRequest, ctx: RequestContext): Promise<ChatResult> {
  const start = ctx.startedAt;
  const meta = baseMeta(ctx, typeof req?.model === 'string' ? req.model : '');
  let prep: Prepared | null = null;
  let waited = 0;
  p.metrics.begin();
  try {
    prep = await prepareChat(p, req, ctx, meta);
    let response: ChatResponse;
    let upstreamRes: ChatResponse | null = null;
    let target: Target | null = null;
    if (prep.hit) {
      hitMeta(meta, prep.hit);
      response = prep.hit.response;
    } else {
      const r = await callChat(p, prep, ctx);
      waited = r.waited;
      upstreamRes = r.response;
      response = r.response;
      target = r.target;
      meta.provider = target.provider;
      meta.model = response.model || target.model;
      meta.attempts = r.attempts;
      meta.routingReason = routingReason(target);
      meta.usage = response.usage ? normUsage(response.usage) : estimateUsage(prep.sendReq, responseText(response));
      meta.costUsd = p.cost(target.provider, target.model, meta.usage);
    }
    const c = complyResponse(p, ctx, prep.decision, response);
    response = c.res;
    meta.compliance = mergeFindings(meta.compliance, c.findings);
    if (upstreamRes && target && p.cache && p.config.cache.enabled && ctx.cacheMode !== 'off' && ctx.cacheMode !== 'no-store') {
      try {
        // The cache keeps the provider's answer for the (possibly redacted) request, with response-side
        // findings redacted; restore and response scanning run again on every hit.
        // Without restore, the response the user got is exactly the cacheable form: no second scan.
        const toCache = prep.decision?.restore ? cacheableResponse(p, ctx, upstreamRes) : response;
        p.cache.store(prep.sendReq, prep.plan.targets[0].provider, toCache, ctx, meta.costUsd);
      } catch (e) {
        p.logger.warn('cache store failed', { error: (e as Error).message });
      }
    }
    meta.latencyMs = p.clock.now() - start;
    meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
    const mode = p.config.audit.storePrompts;
    // The audit texts (a redaction pass each in "redacted" mode) only matter when a record is written.
    const audited = !!p.audit && p.config.audit.enabled;
    finish(p, {
      op: 'chat',
      ctx,
      meta,
      streamed: false,
      promptText: audited ? auditPrompt(mode, req, prep.decision, p.compliance) : null,
      responseText: audited ? auditResponse(mode, responseText(response), p.compliance) : null,
      cacheQuery: audited && prep.hit ? (prep.hit.matchedQuery ?? lastUserText(prep.sendReq)) : null,
    });
    if (audited) await auditFlushed(p);
    return { response, meta };
  } catch (e) {
    const err = toGatewayError(e);
    meta.latencyMs = p.clock.now() - start;
    meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
    finish(p, {
      op: 'chat',
      ctx,
      meta,
      streamed: false,
      error: err,
      promptText: prep || isChat(req) ? auditPrompt(p.config.audit.storePrompts, isChat(req) ? req : null, prep?.decision ?? null, p.compliance) : null,
      responseText: null,
    });
    await auditFlushed(p);
    throw err;
  } finally {
    p.metrics.end();
  }
}

function isChat(req: unknown): req is ChatRequest {
  return typeof req === 'object' && req !== null && Array.isArray((req as ChatRequest).messages) && (req as ChatRequest).messages.every((m) => typeof m === 'object' && m !== null);
}

/** Tries each target of the plan in order (retries inside each), returning the first success. */
async function callChat(p: Pipe, prep: Prepared, ctx: RequestContext): Promise<{ response: ChatResponse; target: Target; attempts: number; waited: number }> {
  const targets = prep.plan.targets;
  let attempts = 0;
  let waited = 0;
  const req = prep.sendReq.stream ? { ...prep.sendReq, stream: false } : prep.sendReq;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    try {
      const r = await sendChat(p, t, req, ctx);
      const adapter = r.adapter;
      attempts += r.attempts;
      // The body wait starts where the header wait ended (same instant: no second mark needed).
      const tb = r.doneAt ?? markWait(p);
      const body = await readJson(r.res, adapter);
      const bodyMs = waitedSince(p, tb);
      waited += r.waitedMs + bodyMs;
      const response = adapter.parseChat(body, t.model);
      p.health.success(t.provider, r.waitedMs + bodyMs);
      p.router.succeeded(t.provider);
      return { response, target: t, attempts, waited };
    } catch (e) {
      const err = toGatewayError(e);
      attempts += (err as { attempts?: number }).attempts ?? 1;
      if (fallBackAfter(p, err, t, targets[i + 1], 'chat')) continue;
      throw err;
    }
  }
  throw new GatewayError('internal', 'No route was tried.');
}

export function normUsage(u: Usage): Usage {
  const prompt = u.prompt_tokens ?? 0;
  const completion = u.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: u.total_tokens ?? prompt + completion };
}

export function toGatewayError(e: unknown): GatewayError {
  if (isGatewayError(e)) return e;
  return new GatewayError('internal', `Internal gateway error: ${(e as Error)?.message ?? String(e)}. Please report it with the request id.`, { cause: e });
}
