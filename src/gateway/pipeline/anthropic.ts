/**
 * The native Anthropic Messages path (`/anthropic/v1/messages`): the body goes to Anthropic as-is (after
 * the prompt compliance scan, which can block or redact its text). Replies are scanned per policy like
 * chat replies (see anthropic-scan.ts): JSON text blocks are redacted, SSE text deltas go through a
 * response scanner per block; with reply scanning off, SSE streams are passed through byte for byte.
 * The adapter's stream parser reads usage and the completion marker on the side. A stream that ends
 * early gets an Anthropic `error` event appended.
 *
 * The response cache (exact + semantic) serves this path too, in its own key namespace (see
 * anthropic-cache.ts for why): a hit is replayed as the native JSON message or as the native SSE event
 * sequence, through the same reply scanning as a live answer; complete answers (streamed ones assembled
 * from their events) are stored in the form the chat path stores, without restored placeholders.
 */
import { GatewayError } from '../errors.js';
import type { AnthropicMessagesRequest, CacheLookup, ChatMessage, ChatRequest, ContentPart, Gateway, PromptDecision, RequestContext, ResultMeta, Usage } from '../types.js';
import { createEventSplitter } from '../providers/sse.js';
import { auditFlushed, baseMeta, finish, markWait, readJson, sendWithRetries, waitedSince, type Pipe } from './core.js';
import { blockedMeta, estimateUsage, hitMeta, mergeFindings, normUsage, toGatewayError } from './chat.js';
import { ANTHROPIC_CACHE_NAMESPACE, MessageAssembler, cacheKeyView, isNativeMessage, nativeOf, replayEvents, sseText, toCacheEntry, type NativeMessage } from './anthropic-cache.js';
import { AnthropicStreamScanner, scanAnthropicJson } from './anthropic-scan.js';
import { validateAnthropic } from './validate.js';
import { auditPrompt, auditResponse, lastUserText } from './text.js';
import { deferred } from './stream.js';

type Result = Awaited<ReturnType<Gateway['anthropicMessages']>>;

interface Block {
  type: string;
  text?: string;
  [k: string]: unknown;
}

/** The text of an Anthropic body as a ChatRequest, so the compliance layer can scan it. */
function chatView(body: AnthropicMessagesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  const sys = body.system;
  if (typeof sys === 'string') messages.push({ role: 'system', content: sys });
  else if (Array.isArray(sys)) messages.push({ role: 'system', content: textParts(sys as Block[]) });
  for (const m of body.messages as Array<{ role: string; content: unknown }>) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    messages.push({ role, content: typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? textParts(m.content as Block[]) : '' });
  }
  return { model: body.model, messages };
}

function textParts(blocks: Block[]): ContentPart[] {
  return blocks.filter((b) => b && b.type === 'text' && typeof b.text === 'string').map((b) => ({ type: 'text', text: b.text as string }));
}

/** Writes redacted text back into the Anthropic body (same order of messages and text blocks). */
function applyRedaction(body: AnthropicMessagesRequest, red: ChatRequest): AnthropicMessagesRequest {
  const out: AnthropicMessagesRequest = { ...body };
  let i = 0;
  const put = (orig: unknown, repl: ChatMessage | undefined): unknown => {
    if (!repl) return orig;
    if (typeof orig === 'string') return typeof repl.content === 'string' ? repl.content : orig;
    if (!Array.isArray(orig) || !Array.isArray(repl.content)) return orig;
    const texts = repl.content.filter((p) => p.type === 'text') as Array<{ text: string }>;
    let k = 0;
    return (orig as Block[]).map((b) => (b && b.type === 'text' && typeof b.text === 'string' && k < texts.length ? { ...b, text: texts[k++].text } : b));
  };
  if (body.system !== undefined && (typeof body.system === 'string' || Array.isArray(body.system))) out.system = put(body.system, red.messages[i++]);
  out.messages = (body.messages as Array<{ role: string; content: unknown }>).map((m) => ({ ...m, content: put(m.content, red.messages[i++]) }));
  return out;
}

export async function anthropicMessages(p: Pipe, body: AnthropicMessagesRequest, ctx: RequestContext): Promise<Result> {
  const meta = baseMeta(ctx, typeof body?.model === 'string' ? body.model : '');
  let waited = 0;
  let decision: PromptDecision | null = null;
  let view: ChatRequest | null = null;
  let streaming = false;
  p.metrics.begin();
  try {
    validateAnthropic(body);
    streaming = body.stream === true;
    const t = p.router.plan(body.model).targets[0];
    if (t.provider !== 'anthropic') {
      throw new GatewayError('invalid_request', `The /anthropic/v1/messages path serves Anthropic models only; "${body.model}" routes to ${t.provider}. Use /v1/chat/completions for other providers.`, {
        details: { param: 'model' },
      });
    }
    meta.provider = t.provider;
    meta.model = t.model;
    meta.routingReason = `provider:${t.provider}`;
    const adapter = p.adapter('anthropic');
    if (!adapter.buildAnthropicMessages) throw new GatewayError('unsupported_operation', 'The native Anthropic path is not available in this build.', { provider: 'anthropic' });
    let send: AnthropicMessagesRequest = { ...body, model: t.model };
    view = chatView(send);
    if (p.compliance && p.config.compliance.enabled) {
      decision = await p.compliance.scanPrompt(view, ctx);
      meta.compliance = decision.summary;
      if (decision.action === 'block') {
        blockedMeta(p, meta, body.model, decision.summary);
        throw new GatewayError('compliance_blocked', decision.explanation ?? 'The prompt was blocked by the compliance policy because it contains sensitive data. Remove it and try again.', {
          details: { compliance: decision.summary, explanation: decision.explanation ?? null },
        });
      }
      if (decision.action === 'redact') send = applyRedaction(send, decision.request);
    }
    const mode = p.config.audit.storePrompts;
    // Same rule as chat: replies are scanned per policy, and reversible placeholders are restored.
    const restore = decision?.restore;
    const scanReplies = !!p.compliance && p.config.compliance.enabled && (p.config.compliance.scanResponses || !!restore);
    const newScanner = () => p.compliance!.responseScanner(ctx, restore);

    // Cache: looked up with what would be sent (after redaction), like chat.
    const cacheOn = !!p.cache && p.config.cache.enabled && ctx.cacheMode !== 'off';
    const keyView = cacheOn ? cacheKeyView(send, t.model) : null;
    if (keyView) {
      const hit = await lookup(p, keyView, ctx);
      if (hit) {
        hitMeta(meta, hit.lookup);
        // As on the chat path: the question as sent (redacted when the policy redacts).
        const cacheQuery = hit.lookup.matchedQuery ?? lastUserText(decision ? decision.request : view) ?? null;
        const done = (streamed: boolean, shown: string, err?: GatewayError) => {
          meta.latencyMs = p.clock.now() - ctx.startedAt;
          meta.gatewayMs = meta.latencyMs;
          finish(p, { op: 'anthropic_messages', ctx, meta, streamed, error: err, promptText: auditPrompt(mode, view, decision, p.compliance), responseText: auditResponse(mode, shown || null, p.compliance), cacheQuery });
        };
        if (!streaming) {
          let json: unknown = hit.msg;
          let shown = messageText(hit.msg);
          if (scanReplies) {
            const sc = scanAnthropicJson(json, newScanner);
            json = sc.body;
            shown = sc.text;
            meta.compliance = mergeFindings(meta.compliance, sc.findings);
          }
          done(false, shown);
          p.metrics.end();
          await auditFlushed(p);
          return { status: 200, body: json, meta };
        }
        return replayStream(p, ctx, meta, hit.msg, scanReplies ? new AnthropicStreamScanner(newScanner) : null, done);
      }
    }
    // What the cache keeps: the provider's answer with response-side findings redacted but reversible
    // placeholders not restored (no user's original values on disk), as on the chat path.
    const store = (raw: NativeMessage, shownIfSame: unknown) => {
      if (!keyView || ctx.cacheMode === 'no-store') return;
      try {
        const scan = !!p.compliance && p.config.compliance.enabled && p.config.compliance.scanResponses;
        const body = !scan ? raw : !restore && shownIfSame ? shownIfSame : scanAnthropicJson(raw, () => p.compliance!.responseScanner(ctx)).body;
        if (!isNativeMessage(body)) return;
        const entry = toCacheEntry(adapter, body, t.model);
        if (entry) p.cache!.store(keyView, ANTHROPIC_CACHE_NAMESPACE, entry, ctx, meta.costUsd);
      } catch (e) {
        p.logger.warn('cache store failed', { error: (e as Error).message });
      }
    };

    const up = adapter.buildAnthropicMessages(send as Record<string, unknown>, p.settings(adapter));
    const r = await sendWithRetries(p, adapter, up, ctx);
    meta.attempts = r.attempts;
    waited = r.waitedMs;

    if (!streaming) {
      const tb = markWait(p);
      let json = await readJson(r.res, adapter);
      waited += waitedSince(p, tb);
      const raw = json;
      let shown: string | null = null;
      if (scanReplies) {
        const sc = scanAnthropicJson(json, newScanner);
        json = sc.body;
        shown = sc.text;
        meta.compliance = mergeFindings(meta.compliance, sc.findings);
      }
      let text = '';
      try {
        const parsed = adapter.parseChat(json, t.model);
        meta.usage = parsed.usage ? normUsage(parsed.usage) : estimateUsage(view, '');
        meta.model = parsed.model || t.model;
        text = typeof parsed.choices[0]?.message.content === 'string' ? (parsed.choices[0].message.content as string) : '';
      } catch {
        meta.usage = estimateUsage(view, '');
      }
      meta.costUsd = p.cost(t.provider, t.model, meta.usage);
      p.health.success(t.provider, waited);
      p.router.succeeded(t.provider);
      if (r.res.status === 200 && isNativeMessage(raw)) store(raw, json);
      meta.latencyMs = p.clock.now() - ctx.startedAt;
      meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
      finish(p, { op: 'anthropic_messages', ctx, meta, streamed: false, promptText: auditPrompt(mode, view, decision, p.compliance), responseText: auditResponse(mode, (shown ?? text) || null, p.compliance) });
      p.metrics.end();
      await auditFlushed(p);
      return { status: r.res.status, body: json, meta };
    }

    const parser = adapter.createStreamParser(t.model, ctx.requestId);
    const splitter = createEventSplitter('sse');
    const metaD = deferred();
    const prepMs = p.clock.now() - ctx.startedAt - waited;
    // Early meta so the HTTP edge can compute its added-time header before the first byte.
    ctx.report?.({ ...meta, latencyMs: p.clock.now() - ctx.startedAt, gatewayMs: prepMs });
    const res = r.res;
    const v = view;
    const dec = decision;
    const rewriter = scanReplies ? new AnthropicStreamScanner(newScanner) : null;
    const asm = keyView && ctx.cacheMode !== 'no-store' ? new MessageAssembler() : null;
    const enc = new TextEncoder();
    async function* gen(): AsyncGenerator<Uint8Array> {
      let ok = false;
      let failure: GatewayError | undefined;
      let text = '';
      let procMs = 0;
      try {
        try {
          for await (const bytes of res.body) {
            const t0 = p.clock.now();
            let out = '';
            // Parse on the side for usage and the end marker; without reply scanning the bytes go out
            // untouched, with it each event is rewritten through the block's scanner.
            for (const ev of splitter.push(bytes)) {
              for (const ch of parser.push(ev)) for (const c of ch.choices) if (typeof c.delta.content === 'string') text += c.delta.content;
              if (rewriter) out += rewriter.push(ev);
              asm?.push(ev);
            }
            procMs += p.clock.now() - t0;
            if (!rewriter) yield bytes;
            else if (out) yield enc.encode(out);
          }
          let tail = '';
          for (const ev of splitter.end()) {
            parser.push(ev);
            if (rewriter) tail += rewriter.push(ev);
            asm?.push(ev);
          }
          parser.end();
          if (rewriter) tail += rewriter.end();
          if (tail) yield enc.encode(tail);
          ok = true;
        } catch (e) {
          failure = toGatewayError(e);
          if (failure.code !== 'aborted') {
            const err = { type: 'error', error: { type: failure.code === 'upstream_timeout' ? 'timeout_error' : 'api_error', message: failure.message } };
            yield enc.encode(`event: error\ndata: ${JSON.stringify(err)}\n\n`);
          }
        }
      } finally {
        const u: Usage | undefined = parser.usage();
        meta.usage = u ? normUsage(u) : estimateUsage(v, text);
        meta.costUsd = p.cost(t.provider, t.model, meta.usage);
        meta.latencyMs = p.clock.now() - ctx.startedAt;
        meta.gatewayMs = prepMs + procMs;
        if (rewriter) meta.compliance = mergeFindings(meta.compliance, rewriter.findings());
        const err = ok ? undefined : (failure ?? new GatewayError('aborted', 'The client disconnected before the stream finished.', { provider: t.provider }));
        if (ok) p.health.success(t.provider, meta.latencyMs);
        else if (err && err.code !== 'aborted') p.health.failure(t.provider);
        const whole = ok ? asm?.message() : null;
        if (whole) store(whole, null);
        finish(p, { op: 'anthropic_messages', ctx, meta, streamed: true, error: err, promptText: auditPrompt(mode, v, dec, p.compliance), responseText: auditResponse(mode, (rewriter ? rewriter.shown : text) || null, p.compliance) });
        if (err) metaD.reject(err);
        else metaD.resolve(meta);
        p.metrics.end();
        await auditFlushed(p);
      }
    }
    return { stream: { [Symbol.asyncIterator]: () => gen() }, meta: metaD.promise };
  } catch (e) {
    const err = toGatewayError(e);
    meta.latencyMs = p.clock.now() - ctx.startedAt;
    meta.gatewayMs = Math.max(0, meta.latencyMs - waited);
    finish(p, { op: 'anthropic_messages', ctx, meta, streamed: streaming, error: err, promptText: view ? auditPrompt(p.config.audit.storePrompts, view, decision, p.compliance) : null, responseText: null });
    p.metrics.end();
    throw err;
  }
}

/** A cache lookup that never fails the request (a broken cache is a miss), with the native message. */
async function lookup(p: Pipe, view: ChatRequest, ctx: RequestContext): Promise<{ lookup: CacheLookup; msg: NativeMessage } | null> {
  try {
    const hit = await p.cache!.lookup(view, ANTHROPIC_CACHE_NAMESPACE, ctx);
    const msg = hit ? nativeOf(hit.response) : null;
    if (hit && msg) return { lookup: hit, msg };
    p.cache!.recordMiss();
  } catch (e) {
    p.logger.warn('cache lookup failed', { error: (e as Error).message });
  }
  return null;
}

function messageText(msg: NativeMessage): string {
  return msg.content.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

/** A cache hit as the native SSE event sequence, through the reply scanner when the policy scans. */
function replayStream(
  p: Pipe,
  ctx: RequestContext,
  meta: ResultMeta,
  msg: NativeMessage,
  rewriter: AnthropicStreamScanner | null,
  done: (streamed: boolean, shown: string, err?: GatewayError) => void,
): Result {
  const metaD = deferred();
  ctx.report?.({ ...meta, latencyMs: p.clock.now() - ctx.startedAt, gatewayMs: p.clock.now() - ctx.startedAt });
  async function* gen(): AsyncGenerator<Uint8Array> {
    let ok = false;
    try {
      let out = '';
      for (const ev of replayEvents(msg)) out += rewriter ? rewriter.push(ev) : sseText(ev);
      if (rewriter) out += rewriter.end();
      yield new TextEncoder().encode(out);
      ok = true;
    } finally {
      if (rewriter) meta.compliance = mergeFindings(meta.compliance, rewriter.findings());
      const err = ok ? undefined : new GatewayError('aborted', 'The client disconnected before the stream finished.', { provider: meta.provider });
      done(true, rewriter ? rewriter.shown : messageText(msg), err);
      if (err) metaD.reject(err);
      else metaD.resolve(meta);
      p.metrics.end();
      await auditFlushed(p);
    }
  }
  return { stream: { [Symbol.asyncIterator]: () => gen() }, meta: metaD.promise };
}
