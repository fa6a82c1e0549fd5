/**
 * The non-chat operations: embeddings, rerank, images, audio transcription and speech, and the model
 * list across configured providers. Same shape as chat: prompt compliance on the text inputs → resolve →
 * adapter → upstream with retries → parse → audit + metrics. No cache. Every operation walks the model's
 * fallback chain (config.routing.fallbacks) with chat's retry/fallback policy, but only to targets whose
 * provider can do the operation; the others are skipped and named in the routing reason.
 */
import { setMaxListeners } from 'node:events';
import { GatewayError } from '../errors.js';
import type {
  BinaryResponse,
  ChatRequest,
  ResultMeta,
  EmbeddingRequest,
  EmbeddingResponse,
  ImageRequest,
  ImageResponse,
  ModelInfo,
  RequestContext,
  RerankRequest,
  RerankResponse,
  SpeechRequest,
  TranscriptionRequest,
  TranscriptionResponse,
  Usage,
} from '../types.js';
import type { Operation, ProviderAdapter, UpstreamRequest } from '../providers/types.js';
import type { UpstreamResponse } from '../upstream/client.js';
import type { Target } from '../routing/router.js';
import { listAdapters } from '../providers/index.js';
import { isProviderConfigured } from '../providers/settings.js';
import { rerankCostUsd } from '../pricing.js';
import { auditFlushed, baseMeta, finish, markWait, readJson, sendWithRetries, fallBackAfter, waitedSince, type Pipe } from './core.js';
import { blockedMeta, routingReason, toGatewayError } from './chat.js';
import { validateEmbeddings, validateImages, validateRerank, validateSpeech, validateTranscription } from './validate.js';

interface OpSpec<Req, Res> {
  op: Operation;
  label: string;
  validate(req: unknown): asserts req is Req;
  build(a: ProviderAdapter): ((req: Req, model: string, s: ReturnType<Pipe['settings']>) => UpstreamRequest) | undefined;
  /** `req` is the request as sent (after redaction). */
  parse(a: ProviderAdapter, res: UpstreamResponse, model: string, req: Req): Promise<Res>;
  usage?(res: Res): Usage;
  /** Cost when the provider bills this operation by something other than tokens (rerank search units). */
  costOf?(provider: string, model: string, res: Res): number;
  promptText?(req: Req): string | null;
  /** The text inputs that leave the machine, scanned by the compliance layer before sending. */
  texts?(req: Req): string[];
  /** The request with its text inputs replaced (same order as `texts`), for redaction. */
  withTexts?(req: Req, texts: string[]): Req;
}

/**
 * Prompt compliance for an operation's text inputs: each input is one user message of a ChatRequest
 * view, so the same policy, recognizers and redaction apply as for chat. Blocks throw (403); redaction
 * returns the request with the redacted inputs. Records the summary in meta.
 */
async function scanInputs<Req extends { model: string }>(p: Pipe, spec: OpSpec<Req, unknown>, req: Req, ctx: RequestContext, meta: ResultMeta): Promise<Req> {
  if (!p.compliance || !p.config.compliance.enabled || !spec.texts) return req;
  const texts = spec.texts(req);
  if (!texts.length) return req;
  const view: ChatRequest = { model: req.model, messages: texts.map((t) => ({ role: 'user', content: t })) };
  const decision = await p.compliance.scanPrompt(view, ctx);
  meta.compliance = decision.summary;
  if (decision.action === 'block') {
    blockedMeta(p, meta, req.model, decision.summary);
    throw new GatewayError('compliance_blocked', decision.explanation ?? `The ${spec.label} input was blocked by the compliance policy because it contains sensitive data. Remove it and try again.`, {
      details: { compliance: decision.summary, explanation: decision.explanation ?? null },
    });
  }
  if (decision.action !== 'redact' || !spec.withTexts) return req;
  const red = decision.request.messages.map((m, i) => (typeof m.content === 'string' ? m.content : texts[i]));
  return spec.withTexts(req, red);
}

async function runOp<Req extends { model: string }, Res>(p: Pipe, spec: OpSpec<Req, Res>, req: Req, ctx: RequestContext): Promise<Res> {
  const meta = baseMeta(ctx, typeof (req as { model?: unknown })?.model === 'string' ? req.model : '');
  let waited = 0;
  let sent: Req | null = null;
  p.metrics.begin();
  try {
    spec.validate(req);
    const send = await scanInputs(p, spec as OpSpec<Req, unknown>, req, ctx, meta);
    sent = send;
    const plan = p.router.plan(req.model);
    const { targets, skipped } = capableTargets(p, spec, plan.targets);
    meta.routingStrategy = plan.strategy;
    let res!: Res;
    let provider = '';
    let model = '';
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i];
      provider = t.provider;
      model = t.model;
      meta.provider = provider;
      meta.model = model;
      meta.routingReason = routingReason(t) + (skipped.length ? `; skipped ${skipped.join(', ')} (no ${spec.label})` : '');
      const ts = markWait(p);
      try {
        const adapter = p.adapter(provider);
        const up = spec.build(adapter)!.call(adapter, send, model, p.settings(adapter));
        const r = await sendWithRetries(p, adapter, up, ctx);
        meta.attempts += r.attempts;
        const tb = markWait(p);
        res = await spec.parse(adapter, r.res, model, send);
        const bodyMs = waitedSince(p, tb);
        waited += r.waitedMs + bodyMs;
        p.health.success(provider, r.waitedMs + bodyMs);
        p.router.succeeded(provider);
        break;
      } catch (e) {
        const err = toGatewayError(e);
        meta.attempts += (err as { attempts?: number }).attempts ?? 1;
        // A failed target's time was spent on the upstream (requests, backoff), not in the gateway.
        waited += waitedSince(p, ts);
        if (fallBackAfter(p, err, t, targets[i + 1], spec.op)) continue;
        throw err;
      }
    }
    if (spec.usage) {
      meta.usage = spec.usage(res);
      meta.costUsd = p.cost(provider, model, meta.usage);
    }
    if (spec.costOf) meta.costUsd = spec.costOf(provider, model, res);
    meta.latencyMs = p.clock.now() - ctx.startedAt;
    meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
    finish(p, { op: spec.op, ctx, meta, streamed: false, promptText: auditText(p, spec, req, send), responseText: null });
    await auditFlushed(p);
    return res;
  } catch (e) {
    const err = toGatewayError(e);
    meta.latencyMs = p.clock.now() - ctx.startedAt;
    meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
    finish(p, { op: spec.op, ctx, meta, streamed: false, error: err, promptText: sent ? auditText(p, spec, req, sent) : null, responseText: null });
    await auditFlushed(p);
    throw err;
  } finally {
    p.metrics.end();
  }
}

/**
 * The plan's targets whose provider can do the operation, in plan order, and the ones left out (as
 * "provider/model" for the routing reason). When none can, the primary's provider is named in a 400.
 */
function capableTargets<Req, Res>(p: Pipe, spec: OpSpec<Req, Res>, all: Target[]): { targets: Target[]; skipped: string[] } {
  const targets: Target[] = [];
  const skipped: string[] = [];
  for (const t of all) {
    const a = p.adapter(t.provider);
    if (a.operations.has(spec.op) && spec.build(a)) targets.push(t);
    else skipped.push(`${t.provider}/${t.model}`);
  }
  if (!targets.length) {
    const a = p.adapter(all[0].provider);
    const chain = all.length > 1 ? ` nor does any model in its fallback chain (${skipped.slice(1).join(', ')})` : '';
    throw new GatewayError('unsupported_operation', `${a.displayName} does not support ${spec.label}${chain}. Use a model from a provider that does (see docs/providers.md).`, { provider: a.id });
  }
  return { targets, skipped };
}

function auditText<Req>(p: Pipe, spec: OpSpec<Req, unknown>, req: Req, sent: Req): string | null {
  const mode = p.config.audit.storePrompts;
  if (mode === 'none' || !spec.promptText) return null;
  if (mode === 'full') return spec.promptText(req);
  // Redacted mode: what was sent, with the log redaction over it (as for chat prompts).
  if (!p.compliance) return null;
  const text = spec.promptText(sent);
  try {
    return text === null ? null : p.compliance.redactText(text);
  } catch {
    return null;
  }
}

const json = async (a: ProviderAdapter, res: UpstreamResponse) => readJson(res, a);

export function embeddings(p: Pipe, req: EmbeddingRequest, ctx: RequestContext): Promise<EmbeddingResponse> {
  return runOp(
    p,
    {
      op: 'embeddings',
      label: 'embeddings',
      validate: validateEmbeddings,
      build: (a) => a.buildEmbeddings,
      parse: async (a, res, model, r) => a.parseEmbeddings!(await json(a, res), model, r),
      usage: (r) => ({ prompt_tokens: r.usage.prompt_tokens, completion_tokens: 0, total_tokens: r.usage.total_tokens }),
      promptText: (r) => (typeof r.input === 'string' ? r.input : JSON.stringify(r.input)),
      // Token-id arrays carry no text to scan.
      texts: (r) => (typeof r.input === 'string' ? [r.input] : Array.isArray(r.input) && r.input.every((x) => typeof x === 'string') ? r.input : []),
      withTexts: (r, t) => ({ ...r, input: typeof r.input === 'string' ? t[0] : t }),
    },
    req,
    ctx,
  );
}

export function rerank(p: Pipe, req: RerankRequest, ctx: RequestContext): Promise<RerankResponse> {
  return runOp(
    p,
    {
      op: 'rerank',
      label: 'rerank',
      validate: validateRerank,
      build: (a) => a.buildRerank,
      parse: async (a, res, model, r) => a.parseRerank!(await json(a, res), model, r),
      usage: (r) => ({ prompt_tokens: r.usage?.total_tokens ?? 0, completion_tokens: 0, total_tokens: r.usage?.total_tokens ?? 0 }),
      costOf: (provider, model, r) => {
        const units = r.usage?.search_units;
        if (!units) return p.cost(provider, model, { prompt_tokens: r.usage?.total_tokens ?? 0, completion_tokens: 0, total_tokens: r.usage?.total_tokens ?? 0 });
        try {
          return rerankCostUsd(provider, model, units);
        } catch {
          return 0;
        }
      },
      promptText: (r) => r.query,
      texts: (r) => [r.query, ...r.documents.map((d) => (typeof d === 'string' ? d : ''))],
      withTexts: (r, t) => ({ ...r, query: t[0], documents: r.documents.map((d, i) => (typeof d === 'string' ? t[i + 1] : d)) }),
    },
    req,
    ctx,
  );
}

export function images(p: Pipe, req: ImageRequest, ctx: RequestContext): Promise<ImageResponse> {
  return runOp(
    p,
    {
      op: 'images',
      label: 'image generation',
      validate: validateImages,
      build: (a) => a.buildImages,
      parse: async (a, res) => a.parseImages!(await json(a, res)),
      promptText: (r) => r.prompt,
      texts: (r) => [r.prompt],
      withTexts: (r, t) => ({ ...r, prompt: t[0] }),
    },
    req,
    ctx,
  );
}

export function transcription(p: Pipe, req: TranscriptionRequest, ctx: RequestContext): Promise<TranscriptionResponse> {
  return runOp(
    p,
    {
      op: 'transcription',
      label: 'audio transcription',
      validate: validateTranscription,
      build: (a) => a.buildTranscription,
      parse: async (a, res) => {
        const ct = String(res.headers['content-type'] ?? '');
        const text = await res.text();
        return a.parseTranscription!(text, ct);
      },
    },
    req,
    ctx,
  );
}

export function speech(p: Pipe, req: SpeechRequest, ctx: RequestContext): Promise<BinaryResponse> {
  return runOp(
    p,
    {
      op: 'speech',
      label: 'text to speech',
      validate: validateSpeech,
      build: (a) => a.buildSpeech,
      parse: async (_a, res) => ({ data: await res.bytes(), contentType: String(res.headers['content-type'] ?? 'audio/mpeg') }),
      promptText: (r) => r.input,
      texts: (r) => [r.input],
      withTexts: (r, t) => ({ ...r, input: t[0] }),
    },
    req,
    ctx,
  );
}

/**
 * Models across every configured provider, fetched in parallel. A provider that fails to answer is
 * skipped (and logged) so one outage does not empty the list; if every configured provider fails, the
 * first error is returned.
 */
export async function listModels(p: Pipe, ctx: RequestContext): Promise<ModelInfo[]> {
  const configured = configuredAdapters(p).filter((a) => a.operations.has('models') && a.buildListModels && a.parseListModels);
  // One abort listener per provider call on the same signal is expected here, not a leak.
  setMaxListeners(Math.max(20, configured.length * 2), ctx.signal);
  const results = await Promise.allSettled(
    configured.map(async (a) => {
      const up = a.buildListModels!(p.settings(a));
      const r = await sendWithRetries(p, a, up, ctx);
      return a.parseListModels!(await readJson(r.res, a));
    }),
  );
  const out: ModelInfo[] = [];
  const seen = new Set<string>();
  let firstErr: unknown;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      for (const m of r.value) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        out.push(m.provider ? m : { ...m, provider: configured[i].id });
      }
    } else {
      firstErr ??= r.reason;
      p.logger.warn('listing models failed', { provider: configured[i].id, error: (r.reason as Error)?.message });
    }
  });
  if (!out.length && firstErr) throw toGatewayError(firstErr);
  return out;
}

/**
 * Providers a request could reach: a key is present, or no key is needed and the base URL was set
 * explicitly (a local server we were told about), and the config does not disable it.
 */
export function configuredAdapters(p: Pipe): ProviderAdapter[] {
  return listAdapters().filter((a) => {
    const o = p.config.providers[a.id];
    if (o?.enabled === false) return false;
    const s = p.settings(a);
    if (!isProviderConfigured(a, s)) return false;
    if (!s.apiKey && a.keyOptional) return s.baseUrl !== a.defaultBaseUrl.replace(/\/+$/, '') || o?.enabled === true;
    return true;
  });
}
