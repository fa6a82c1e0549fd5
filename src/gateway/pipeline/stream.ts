/**
 * The streaming chat pipeline. Everything that can fail with a status (validation, compliance block,
 * routing, provider errors, retries, fallback) happens before the stream is returned, so HTTP callers
 * still get a proper status; after that, each upstream event becomes exactly one downstream chunk as soon
 * as it is parsed (no buffering), passing through the response scanner. Usage, cost, cache store and
 * the audit record are settled when the stream ends; `meta` resolves (or rejects) then.
 */
import { GatewayError } from '../errors.js';
import type { ChatChunk, ChatRequest, ChatResponse, ChatStream, ChatMessage, FinishReason, RequestContext, ResponseScanner, ResultMeta, ToolCall, Usage } from '../types.js';
import type { ProviderAdapter, UpstreamRequest } from '../providers/types.js';
import { createEventSplitter } from '../providers/sse.js';
import { sleep } from '../util/clock.js';
import { retryDelay } from '../upstream/retry.js';
import type { UpstreamResponse } from '../upstream/client.js';
import type { Target } from '../routing/router.js';
import { auditFlushed, baseMeta, finish, sendWithRetries, fallBackAfter, type Pipe } from './core.js';
import { sendChat } from './send-chat.js';
import { cacheableResponse, complyResponse, estimateUsage, hitMeta, mergeFindings, normUsage, prepareChat, routingReason, toGatewayError, type Prepared } from './chat.js';
import { auditPrompt, auditResponse, lastUserText, responseText } from './text.js';

interface Opened {
  res: UpstreamResponse;
  target: Target;
  adapter: ProviderAdapter;
  up: UpstreamRequest;
  attempts: number;
  waited: number;
  /** Set when the response is not one upstream call (n > 1 fan-out): how to open it again. */
  reopen?: () => Promise<{ res: UpstreamResponse; attempts: number }>;
}

export async function runChatStream(p: Pipe, req: ChatRequest, ctx: RequestContext): Promise<ChatStream> {
  const start = ctx.startedAt;
  const meta = baseMeta(ctx, typeof req?.model === 'string' ? req.model : '');
  let prep: Prepared | null = null;
  let waited = 0;
  p.metrics.begin();
  try {
    prep = await prepareChat(p, req, ctx, meta);
    if (prep.hit) {
      hitMeta(meta, prep.hit);
      return replay(p, prep, ctx, meta);
    }
    const o = await openStream(p, prep, ctx);
    waited = o.waited;
    return live(p, prep, ctx, meta, o);
  } catch (e) {
    const err = toGatewayError(e);
    meta.latencyMs = p.clock.now() - start;
    meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
    finish(p, {
      op: 'chat',
      ctx,
      meta,
      streamed: true,
      error: err,
      promptText: prep ? auditPrompt(p.config.audit.storePrompts, prep.req, prep.decision, p.compliance) : null,
      responseText: null,
    });
    p.metrics.end();
    await auditFlushed(p);
    throw err;
  }
}

/** Opens the upstream stream on the first target that answers 2xx (retries + fallback before any byte). */
async function openStream(p: Pipe, prep: Prepared, ctx: RequestContext): Promise<Opened> {
  const targets = prep.plan.targets;
  const req: ChatRequest = prep.sendReq.stream ? prep.sendReq : { ...prep.sendReq, stream: true };
  let attempts = 0;
  let waited = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    try {
      const r = await sendChat(p, t, req, ctx);
      attempts += r.attempts;
      waited += r.waitedMs;
      return { res: r.res, target: t, adapter: r.adapter, up: r.up, attempts, waited, reopen: r.reopen };
    } catch (e) {
      const err = toGatewayError(e);
      attempts += (err as { attempts?: number }).attempts ?? 1;
      if (fallBackAfter(p, err, t, targets[i + 1], 'chat_stream')) continue;
      throw err;
    }
  }
  throw new GatewayError('internal', 'No route was tried.');
}

/** A meta promise settled later by the stream's end (never an unhandled rejection). */
export function deferred(): { promise: Promise<ResultMeta>; resolve(m: ResultMeta): void; reject(e: unknown): void } {
  let resolve!: (m: ResultMeta) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<ResultMeta>((a, b) => {
    resolve = a;
    reject = b;
  });
  // Nobody is obliged to await meta; an unobserved rejection must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function once<T>(gen: () => AsyncGenerator<T>): () => AsyncIterator<T> {
  let used = false;
  return () => {
    if (used) throw new GatewayError('internal', 'A chat stream can only be iterated once.');
    used = true;
    return gen();
  };
}

/** Assembles the streamed deltas into a ChatResponse (for the cache and the audit log). */
class Assembler {
  id = '';
  model = '';
  created = 0;
  private readonly choices = new Map<number, { content: string; role?: string; finish: FinishReason; tools: Map<number, ToolCall> }>();

  add(ch: ChatChunk): void {
    if (!this.id) {
      this.id = ch.id;
      this.model = ch.model;
      this.created = ch.created;
    }
    for (const c of ch.choices) {
      let a = this.choices.get(c.index);
      if (!a) this.choices.set(c.index, (a = { content: '', finish: null, tools: new Map() }));
      const d = c.delta;
      if (d) {
        if (d.role) a.role = d.role;
        if (typeof d.content === 'string') a.content += d.content;
        if (d.tool_calls) {
          for (const tc of d.tool_calls) {
            let t = a.tools.get(tc.index);
            if (!t) a.tools.set(tc.index, (t = { id: tc.id ?? '', type: 'function', function: { name: '', arguments: '' } }));
            if (tc.id) t.id = tc.id;
            if (tc.function?.name) t.function.name += tc.function.name;
            if (tc.function?.arguments) t.function.arguments += tc.function.arguments;
          }
        }
      }
      if (c.finish_reason) a.finish = c.finish_reason;
    }
  }

  /** Appends text the response scanner released after the fact (the visible text differs from raw). */
  response(usage: Usage | undefined, override?: Map<number, string>): ChatResponse {
    const choices = [...this.choices.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([index, a]) => {
        const message: ChatMessage = { role: 'assistant', content: override?.get(index) ?? a.content };
        if (a.tools.size) {
          message.tool_calls = [...a.tools.entries()].sort((x, y) => x[0] - y[0]).map(([, t]) => t);
          if (!message.content) message.content = null;
        }
        return { index, message, finish_reason: a.finish };
      });
    const res: ChatResponse = { id: this.id, object: 'chat.completion', created: this.created, model: this.model, choices };
    if (usage) res.usage = usage;
    return res;
  }
}

function live(p: Pipe, prep: Prepared, ctx: RequestContext, meta: ResultMeta, o: Opened): ChatStream {
  const { adapter, target: t, up } = o;
  const d = deferred();
  meta.provider = t.provider;
  meta.model = t.model;
  meta.attempts = o.attempts;
  meta.routingReason = routingReason(t);
  const clientWantsUsage = prep.req.stream_options?.include_usage === true;
  const dropUsage = up.injectedUsage === true && !clientWantsUsage;
  const scan = !!p.compliance && p.config.compliance.enabled && (p.config.compliance.scanResponses || !!prep.decision?.restore);
  const prepMs = p.clock.now() - ctx.startedAt - o.waited;
  const early = { requestId: ctx.requestId, provider: t.provider, model: t.model, cached: false, cacheHitType: null };
  // Lets the HTTP edge compute its added-time header before the first chunk (final meta comes at the end).
  ctx.report?.({ ...meta, latencyMs: p.clock.now() - ctx.startedAt, gatewayMs: prepMs });

  async function* gen(): AsyncGenerator<ChatChunk> {
    let splitter = createEventSplitter(adapter.streamFormat);
    let parser = adapter.createStreamParser(t.model, ctx.requestId);
    let asm = new Assembler();
    let scanners = scan ? new Map<number, { sc: ResponseScanner; flushed: boolean; shown: string }>() : null;
    let usage: Usage | undefined;
    let processingMs = 0;
    let firstByteMs = -1;
    let completed = false;
    let failure: GatewayError | undefined;
    let res = o.res;
    let streamRetries = p.config.retry.maxRetries;
    // Once a chunk was handed to the consumer the stream can no longer be retried.
    let forwarded = false;
    const out: ChatChunk[] = [];

    const scannerFor = (index: number) => {
      let s = scanners!.get(index);
      if (!s) scanners!.set(index, (s = { sc: p.compliance!.responseScanner(ctx, prep.decision?.restore), flushed: false, shown: '' }));
      return s;
    };
    const take = (ch: ChatChunk): void => {
      if (ch.usage) {
        usage = ch.usage;
        if (dropUsage) {
          if (ch.choices.length === 0) return;
          delete ch.usage;
        }
      }
      asm.add(ch);
      if (scanners) {
        for (const c of ch.choices) {
          const hasText = typeof c.delta?.content === 'string' && c.delta.content.length > 0;
          if (!hasText && !c.finish_reason) continue;
          const s = scannerFor(c.index);
          let text = hasText ? s.sc.push(c.delta.content as string) : '';
          if (c.finish_reason && !s.flushed) {
            text += s.sc.flush();
            s.flushed = true;
          }
          if (hasText || text) c.delta.content = text;
          s.shown += text;
        }
      }
      out.push(ch);
    };

    try {
      for (;;) {
        try {
          for await (const bytes of res.body) {
            const t0 = p.clock.now();
            if (firstByteMs < 0) firstByteMs = t0 - ctx.startedAt;
            for (const ev of splitter.push(bytes)) for (const ch of parser.push(ev)) take(ch);
            processingMs += p.clock.now() - t0;
            if (out.length) {
              forwarded = true;
              for (let i = 0; i < out.length; i++) yield out[i];
              out.length = 0;
            }
          }
          for (const ev of splitter.end()) for (const ch of parser.push(ev)) take(ch);
          for (const ch of parser.end()) take(ch);
          if (scanners) {
            // Held-back text of a choice that never sent finish_reason still belongs to the user.
            for (const [index, s] of scanners) {
              if (s.flushed) continue;
              const rest = s.sc.flush();
              s.flushed = true;
              s.shown += rest;
              if (rest) out.push({ id: asm.id, object: 'chat.completion.chunk', created: asm.created, model: asm.model, choices: [{ index, delta: { content: rest }, finish_reason: null }] });
            }
          }
          if (out.length) forwarded = true;
          for (let i = 0; i < out.length; i++) yield out[i];
          out.length = 0;
          completed = true;
          break;
        } catch (e) {
          const err = toGatewayError(e);
          const transient = err.code === 'upstream_unreachable' || err.code === 'upstream_timeout' || err.code === 'stream_truncated';
          if (forwarded || !transient || streamRetries <= 0 || ctx.signal.aborted) throw err;
          // Nothing reached the client yet: retry the same provider transparently.
          streamRetries--;
          p.health.failure(t.provider);
          p.logger.debug('retrying a stream that failed before its first chunk', { provider: t.provider, code: err.code });
          await sleep(retryDelay(0, p.config.retry, undefined, p.random), ctx.signal).catch(() => undefined);
          const r = o.reopen ? await o.reopen() : await sendWithRetries(p, adapter, up, ctx);
          meta.attempts += r.attempts;
          res = r.res;
          splitter = createEventSplitter(adapter.streamFormat);
          parser = adapter.createStreamParser(t.model, ctx.requestId);
          asm = new Assembler();
          scanners = scan ? new Map() : null;
          usage = undefined;
          out.length = 0;
        }
      }
    } catch (e) {
      failure = toGatewayError(e);
      throw failure;
    } finally {
      settle(completed, failure);
      // The audit row is committed before the client sees the end of the stream.
      await auditFlushed(p);
    }

    function settle(ok: boolean, err: GatewayError | undefined): void {
      try {
        const raw = asm.response(undefined);
        const u = parser.usage() ?? usage;
        meta.usage = u ? normUsage(u) : estimateUsage(prep.sendReq, responseText(raw));
        meta.model = asm.model || t.model;
        meta.costUsd = p.cost(t.provider, t.model, meta.usage);
        meta.latencyMs = p.clock.now() - ctx.startedAt;
        meta.gatewayMs = prepMs + processingMs;
        let shownText = responseText(raw);
        const shownByChoice = (): Map<number, string> => {
          const shown = new Map<number, string>();
          if (scanners) for (const [i, s] of scanners) shown.set(i, s.shown);
          return shown;
        };
        if (scanners) {
          const findings = [];
          for (const s of scanners.values()) findings.push(...s.sc.findings());
          shownText = responseText(asm.response(undefined, shownByChoice()));
          meta.compliance = mergeFindings(meta.compliance, findings);
        }
        const mode = p.config.audit.storePrompts;
        if (ok) {
          p.health.success(t.provider, firstByteMs >= 0 ? firstByteMs : meta.latencyMs);
          p.router.succeeded(t.provider);
          if (p.cache && p.config.cache.enabled && ctx.cacheMode !== 'off' && ctx.cacheMode !== 'no-store') {
            try {
              const toCache = !scanners ? asm.response(meta.usage) : prep.decision?.restore ? cacheableResponse(p, ctx, asm.response(meta.usage)) : asm.response(meta.usage, shownByChoice());
              p.cache.store(prep.sendReq, prep.plan.targets[0].provider, toCache, ctx, meta.costUsd);
            } catch (e) {
              p.logger.warn('cache store failed', { error: (e as Error).message });
            }
          }
          finish(p, { op: 'chat', ctx, meta, streamed: true, promptText: auditPrompt(mode, prep.req, prep.decision, p.compliance), responseText: auditResponse(mode, shownText, p.compliance) });
          d.resolve(meta);
        } else {
          const e =
            err ??
            new GatewayError('aborted', ctx.signal.aborted ? 'The client disconnected before the stream finished.' : 'The stream was closed before it finished.', { provider: t.provider });
          if (e.code === 'stream_truncated' || e.code === 'upstream_timeout' || e.code === 'upstream_unreachable') {
            p.health.failure(t.provider);
            p.router.failed(t.provider, t.model, e.message);
          }
          finish(p, { op: 'chat', ctx, meta, streamed: true, error: e, promptText: auditPrompt(mode, prep.req, prep.decision, p.compliance), responseText: auditResponse(mode, shownText || null, p.compliance) });
          d.reject(e);
        }
      } catch (e) {
        d.reject(e);
      } finally {
        p.metrics.end();
      }
    }
  }

  return { meta: d.promise, early, [Symbol.asyncIterator]: once(gen) };
}

/** A cache hit replayed as a proper stream: role + content, finish, then usage if the client asked. */
function replay(p: Pipe, prep: Prepared, ctx: RequestContext, meta: ResultMeta): ChatStream {
  const d = deferred();
  const hit = prep.hit!;
  const c = complyResponse(p, ctx, prep.decision, hit.response);
  meta.compliance = mergeFindings(meta.compliance, c.findings);
  const res = c.res;
  const includeUsage = prep.req.stream_options?.include_usage === true;
  const early = { requestId: ctx.requestId, provider: meta.provider, model: meta.model, cached: true, cacheHitType: hit.hitType };
  const id = res.id || `chatcmpl-${ctx.requestId}`;
  const created = res.created || Math.floor(p.clock.wallNow() / 1000);

  async function* gen(): AsyncGenerator<ChatChunk> {
    let ok = false;
    try {
      const base = { id, object: 'chat.completion.chunk' as const, created, model: res.model || meta.model };
      for (const ch of res.choices) {
        const delta: ChatChunk['choices'][number]['delta'] = { role: 'assistant', content: typeof ch.message.content === 'string' ? ch.message.content : ch.message.content === null ? null : '' };
        if (ch.message.tool_calls?.length) delta.tool_calls = ch.message.tool_calls.map((t, index) => ({ index, id: t.id, type: 'function' as const, function: { ...t.function } }));
        yield { ...base, choices: [{ index: ch.index, delta, finish_reason: null }] };
      }
      yield { ...base, choices: res.choices.map((ch) => ({ index: ch.index, delta: {}, finish_reason: ch.finish_reason ?? 'stop' })) };
      if (includeUsage) yield { ...base, choices: [], usage: meta.usage };
      ok = true;
    } finally {
      meta.latencyMs = p.clock.now() - ctx.startedAt;
      meta.gatewayMs = meta.latencyMs;
      const mode = p.config.audit.storePrompts;
      const err = ok ? undefined : new GatewayError('aborted', 'The client disconnected before the stream finished.');
      finish(p, {
        op: 'chat',
        ctx,
        meta,
        streamed: true,
        error: err,
        promptText: auditPrompt(mode, prep.req, prep.decision, p.compliance),
        responseText: auditResponse(mode, responseText(res), p.compliance),
        cacheQuery: hit.matchedQuery ?? lastUserText(prep.sendReq),
      });
      if (err) d.reject(err);
      else d.resolve(meta);
      p.metrics.end();
      await auditFlushed(p);
    }
  }
  return { meta: d.promise, early, [Symbol.asyncIterator]: once(gen) };
}
