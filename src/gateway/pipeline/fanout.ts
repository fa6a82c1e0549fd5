/**
 * `n > 1` for providers that answer one choice per request (adapters with `singleChoice`: Anthropic's
 * Messages API, Cohere, Groq, Ollama). The request is fanned out into n parallel upstream calls of one
 * choice each (with the usual retries each); their answers become choices[0..n-1] with summed usage, so
 * cost is the sum too. Streams are merged as they arrive: every chunk carries its choice's index, one id
 * for the whole response, and one usage chunk with the sum at the end.
 *
 * The result looks to the chat pipeline like one upstream response of an OpenAI-shaped provider (a view
 * of the adapter that parses the merged JSON / chunk stream), so caching, compliance, audit and fallback
 * work unchanged. If one of the n calls fails the others are cancelled and the error is the request's.
 */
import { setMaxListeners } from 'node:events';
import { GatewayError } from '../errors.js';
import type { ChatChunk, ChatRequest, ChatResponse, RequestContext, Usage } from '../types.js';
import type { ProviderAdapter, UpstreamRequest } from '../providers/types.js';
import type { UpstreamResponse } from '../upstream/client.js';
import type { Target } from '../routing/router.js';
import { createEventSplitter } from '../providers/sse.js';
import { createOpenAiStreamParser } from '../providers/openai-compatible.js';
import { markWait, readJson, sendWithRetries, waitedSince, type Pipe, type SendResult } from './core.js';

/** Most parallel upstream calls one request may fan out into. */
export const MAX_FAN_OUT = 16;

export interface FanOutResult extends SendResult {
  adapter: ProviderAdapter;
  up: UpstreamRequest;
  /** Opens the whole fan-out again (a stream that failed before its first chunk is retried this way). */
  reopen: () => Promise<SendResult>;
}

/** Whether `req` asks for more choices than `adapter` can give in one call. */
export function needsFanOut(adapter: ProviderAdapter, req: ChatRequest): boolean {
  return adapter.singleChoice === true && typeof req.n === 'number' && req.n > 1;
}

/** Sends `req` (n > 1) to `t` as n one-choice calls; see the module comment. */
export async function sendFanOut(p: Pipe, t: Target, adapter: ProviderAdapter, req: ChatRequest, ctx: RequestContext): Promise<FanOutResult> {
  const n = req.n as number;
  if (!Number.isInteger(n) || n > MAX_FAN_OUT) {
    throw new GatewayError(
      'invalid_request',
      `${adapter.displayName} returns one choice per request, so Smartflow sends n separate requests in parallel; n must be a whole number from 1 to ${MAX_FAN_OUT} (got ${n}). Ask for fewer choices, or send several requests.`,
      { provider: adapter.id, details: { param: 'n' } },
    );
  }
  const one: ChatRequest = { ...req };
  delete one.n;
  const up = adapter.buildChat(one, t.model, p.settings(adapter));
  const view = viewOf(adapter);
  const open = (): Promise<SendResult> => (req.stream ? openStreams(p, adapter, up, n, t.model, ctx) : callAll(p, adapter, up, n, t.model, ctx));
  return { ...(await open()), adapter: view, up, reopen: open };
}

/** The adapter as the pipeline sees a fanned-out response: merged JSON, and an OpenAI chunk stream. */
function viewOf(adapter: ProviderAdapter): ProviderAdapter {
  return {
    ...adapter,
    streamFormat: 'sse',
    parseChat: (body) => body as ChatResponse,
    createStreamParser: (model) => createOpenAiStreamParser(adapter.displayName, adapter.id, model),
  };
}

/** A controller that aborts with the client's signal, for cancelling the other calls when one fails. */
function linked(ctx: RequestContext, n: number): { ac: AbortController; sub: RequestContext; release(): void } {
  const ac = new AbortController();
  // undici adds one abort listener per call on the shared signal.
  setMaxListeners(n * 2 + 10, ac.signal);
  const onAbort = () => ac.abort(ctx.signal.reason);
  if (ctx.signal.aborted) ac.abort(ctx.signal.reason);
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  return { ac, sub: { ...ctx, signal: ac.signal }, release: () => ctx.signal.removeEventListener('abort', onAbort) };
}

/** Runs n calls; the first failure cancels the rest and is thrown (with the attempts so far). */
async function all<T extends { attempts: number }>(n: number, ac: AbortController, one: () => Promise<T>): Promise<T[]> {
  let failed = false;
  const results = await Promise.allSettled(
    Array.from({ length: n }, () =>
      one().catch((e: unknown) => {
        if (!failed) {
          failed = true;
          ac.abort(e);
        }
        throw e;
      }),
    ),
  );
  // The failure that started it, not the cancellations it caused (unless the client cancelled them all).
  const firstErr = results.find((r) => r.status === 'rejected' && (r.reason as GatewayError)?.code !== 'aborted') ?? results.find((r) => r.status === 'rejected');
  if (firstErr) {
    const e = (firstErr as PromiseRejectedResult).reason as GatewayError;
    (e as { attempts?: number }).attempts = results.reduce((s, r) => s + (r.status === 'fulfilled' ? r.value.attempts : ((r.reason as { attempts?: number })?.attempts ?? 1)), 0);
    throw e;
  }
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

async function callAll(p: Pipe, adapter: ProviderAdapter, up: UpstreamRequest, n: number, model: string, ctx: RequestContext): Promise<SendResult> {
  const { ac, sub, release } = linked(ctx, n);
  const m = markWait(p);
  try {
    const got = await all(n, ac, async () => {
      const r = await sendWithRetries(p, adapter, up, sub);
      return { res: adapter.parseChat(await readJson(r.res, adapter), model), attempts: r.attempts };
    });
    const merged = merge(got.map((g) => g.res));
    const text = JSON.stringify(merged);
    return { res: synthetic(text, 'application/json'), attempts: got.reduce((s, g) => s + g.attempts, 0), waitedMs: waitedSince(p, m) };
  } finally {
    release();
  }
}

/** n one-choice responses → one response with choices[0..n-1] and summed usage. */
export function merge(parts: ChatResponse[]): ChatResponse {
  const first = parts[0];
  const choices = parts.map((r, i) => ({ ...r.choices[0], index: i }));
  const out: ChatResponse = { id: first.id, object: 'chat.completion', created: first.created, model: first.model, choices };
  if (parts.every((r) => r.usage)) out.usage = sumUsage(parts.map((r) => r.usage!));
  return out;
}

function sumUsage(us: Usage[]): Usage {
  const s = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const u of us) {
    s.prompt_tokens += u.prompt_tokens ?? 0;
    s.completion_tokens += u.completion_tokens ?? 0;
    s.total_tokens += u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0);
  }
  return s;
}

async function openStreams(p: Pipe, adapter: ProviderAdapter, up: UpstreamRequest, n: number, model: string, ctx: RequestContext): Promise<SendResult> {
  const { ac, sub, release } = linked(ctx, n);
  const m = markWait(p);
  let got: SendResult[];
  try {
    got = await all(n, ac, () => sendWithRetries(p, adapter, up, sub));
  } catch (e) {
    release();
    throw e;
  }
  const body = interleave(got.map((g) => g.res), adapter, model, ctx.requestId, ac, release);
  return { res: synthetic(body, 'text/event-stream'), attempts: got.reduce((s, g) => s + g.attempts, 0), waitedMs: waitedSince(p, m) };
}

/**
 * Merges n provider streams into one OpenAI chunk stream as events arrive (no buffering beyond what has
 * arrived and not been read yet): chunk i of stream k goes out with choice index k, the first id seen
 * for all, sub-stream usage chunks dropped in favour of one summed usage chunk before `[DONE]`.
 */
function interleave(parts: UpstreamResponse[], adapter: ProviderAdapter, model: string, requestId: string, ac: AbortController, release: () => void): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      const enc = new TextEncoder();
      const queue: Uint8Array[] = [];
      let head = 0;
      let wake: (() => void) | null = null;
      let failure: unknown;
      let running = parts.length;
      const usages: Array<Usage | undefined> = [];
      let id = '';
      let created = 0;
      let modelName = '';
      const notify = () => {
        const w = wake;
        wake = null;
        w?.();
      };
      const take = (ch: ChatChunk, k: number) => {
        if (!ch.choices.length) return; // a usage-only chunk: summed at the end
        if (!id) {
          id = ch.id;
          created = ch.created;
          modelName = ch.model;
        }
        const out: ChatChunk = { id, object: 'chat.completion.chunk', created, model: modelName, choices: ch.choices.map((c) => ({ ...c, index: k })) };
        queue.push(enc.encode(`data: ${JSON.stringify(out)}\n\n`));
      };
      const pump = async (res: UpstreamResponse, k: number) => {
        const splitter = createEventSplitter(adapter.streamFormat);
        const parser = adapter.createStreamParser(model, requestId);
        try {
          for await (const bytes of res.body) {
            for (const ev of splitter.push(bytes)) for (const ch of parser.push(ev)) take(ch, k);
            notify();
          }
          for (const ev of splitter.end()) for (const ch of parser.push(ev)) take(ch, k);
          for (const ch of parser.end()) take(ch, k);
          usages[k] = parser.usage();
        } catch (e) {
          if (failure === undefined) {
            failure = e;
            ac.abort(e);
          }
        } finally {
          running--;
          notify();
        }
      };
      parts.forEach((r, k) => void pump(r, k));
      try {
        for (;;) {
          while (head < queue.length) {
            const b = queue[head];
            queue[head++] = undefined as unknown as Uint8Array;
            yield b;
          }
          if (failure !== undefined) throw failure;
          if (running === 0) break;
          await new Promise<void>((r) => (wake = r));
        }
        const tail: string[] = [];
        if (usages.every((u) => u)) {
          tail.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: modelName, choices: [], usage: sumUsage(usages as Usage[]) })}\n\n`);
        }
        tail.push('data: [DONE]\n\n');
        yield enc.encode(tail.join(''));
      } finally {
        // The consumer stopped early (client gone, stream closed): cancel whatever is still running.
        if (running > 0) ac.abort(new GatewayError('aborted', 'The stream was closed before it finished.'));
        release();
      }
    },
  };
}

/** An UpstreamResponse over bytes the gateway already has (merged JSON) or produces (merged stream). */
function synthetic(body: string | AsyncIterable<Uint8Array>, contentType: string): UpstreamResponse {
  const enc = new TextEncoder();
  const iter: AsyncIterable<Uint8Array> =
    typeof body === 'string'
      ? {
          async *[Symbol.asyncIterator]() {
            yield enc.encode(body);
          },
        }
      : body;
  const text = async () => {
    if (typeof body === 'string') return body;
    const dec = new TextDecoder();
    let s = '';
    for await (const b of iter) s += dec.decode(b, { stream: true });
    return s + dec.decode();
  };
  return {
    status: 200,
    headers: { 'content-type': contentType },
    body: iter,
    text,
    json: async () => JSON.parse(await text()),
    bytes: async () => enc.encode(await text()),
    dump: async () => {
      if (typeof body !== 'string') for await (const _ of iter) void _;
    },
  };
}
