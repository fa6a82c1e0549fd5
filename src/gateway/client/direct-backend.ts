/**
 * Direct mode: the embedded gateway runs inside this process (no listening socket). Chat and the other
 * /v1 operations call the Gateway object; the compliance / management / audit API paths are dispatched
 * to the same Route handlers the HTTP server uses, so both modes answer from one implementation and
 * direct mode gets the cache, compliance and audit log locally.
 */
import { randomUUID } from 'node:crypto';
import type { Route, RouteResult } from '../server/route.js';
import type {
  AnthropicMessagesRequest,
  BinaryResponse,
  ChatChunk,
  ChatRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  Gateway,
  ImageRequest,
  ImageResponse,
  ModelInfo,
  ProviderStatus,
  RequestContext,
  RerankRequest,
  RerankResponse,
  SpeechRequest,
  TranscriptionRequest,
  TranscriptionResponse,
} from '../types.js';
import type { ApiCall, Backend, CallOptions, Surface } from './backend.js';
import { SmartflowError, TimeoutError, errorFromResponse, errorFromThrown } from './errors.js';
import type { AIResponse } from './types.js';

/** What the direct backend needs from the composition root's GatewayService. */
export interface EmbeddedService {
  gateway: Gateway;
  close(): Promise<void>;
}

export interface DirectBackendOptions {
  service: EmbeddedService;
  /** The Route[] of every feature area (compliance, audit, cache, management). */
  routes: Route[];
  timeoutMs: number;
}

interface CompiledRoute {
  route: Route;
  re: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const pattern = route.path
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, re: new RegExp(`^${pattern}/?$`), names };
}

export class DirectBackend implements Backend {
  readonly mode = 'direct' as const;
  readonly target = 'the embedded gateway';
  private readonly service: EmbeddedService;
  private readonly routes: CompiledRoute[];
  private readonly timeoutMs: number;

  constructor(opts: DirectBackendOptions) {
    this.service = opts.service;
    this.routes = opts.routes.map(compile);
    this.timeoutMs = opts.timeoutMs;
  }

  get gateway(): Gateway {
    return this.service.gateway;
  }

  providers(): ProviderStatus[] {
    return this.service.gateway.providers();
  }

  private ctx(o: CallOptions, timed: boolean): RequestContext {
    const timeout = timed ? AbortSignal.timeout(this.timeoutMs) : undefined;
    const signals = [o.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length === 1 ? signals[0] : signals.length ? AbortSignal.any(signals) : new AbortController().signal;
    return {
      requestId: randomUUID(),
      signal,
      userId: o.userId,
      conversationId: o.conversationId,
      cacheMode: o.cache === 'off' ? 'off' : 'default',
      source: 'client',
      startedAt: performance.now(),
    };
  }

  /** Runs one call with a fresh context; `timed` = false for streams (a long answer is not a timeout). */
  private async run<T>(what: string, o: CallOptions, fn: (ctx: RequestContext) => Promise<T>, timed = true): Promise<T> {
    const ctx = this.ctx(o, timed);
    try {
      return await fn(ctx);
    } catch (e) {
      if (ctx.signal.aborted && !o.signal?.aborted) {
        throw new TimeoutError(`${what}: no answer within ${Math.round(this.timeoutMs / 1000)}s. Raise the client's timeout or check the provider.`, { code: 'timeout', cause: e });
      }
      throw errorFromThrown(e, what, this.target);
    }
  }

  chat(req: ChatRequest, o: CallOptions): Promise<AIResponse> {
    return this.run('chat', o, async (ctx) => {
      const { response, meta } = await this.service.gateway.chat({ ...req, stream: false }, ctx);
      const first = response.choices?.[0]?.message?.content;
      return {
        content: typeof first === 'string' ? first : Array.isArray(first) ? first.map((p) => (p.type === 'text' ? p.text : '')).join('') : '',
        choices: response.choices,
        usage: response.usage ?? meta.usage,
        model: response.model,
        id: response.id,
        cached: meta.cached,
        cacheHitType: meta.cacheHitType,
        provider: meta.provider,
        requestId: meta.requestId,
        costUsd: meta.costUsd,
      };
    });
  }

  async chatStream(req: ChatRequest, o: CallOptions): Promise<AsyncIterable<ChatChunk>> {
    // Our own controller so leaving the loop early (break) stops the upstream call too.
    const ac = new AbortController();
    const signal = o.signal ? AbortSignal.any([o.signal, ac.signal]) : ac.signal;
    const stream = await this.run('streamChat', { ...o, signal }, (ctx) => this.service.gateway.chatStream({ ...req, stream: true }, ctx), false);
    // The meta promise rejects when the stream fails; the iterator reports that error, so do not leak an unhandled rejection.
    stream.meta.catch(() => undefined);
    const target = this.target;
    return {
      async *[Symbol.asyncIterator]() {
        let finished = false;
        try {
          for await (const chunk of stream) yield chunk;
          finished = true;
        } catch (e) {
          if (signal.aborted) throw new SmartflowError('streamChat: aborted', { code: 'aborted', cause: e });
          throw errorFromThrown(e, 'streamChat', target);
        } finally {
          if (!finished) ac.abort();
        }
      },
    };
  }

  anthropicMessages(body: AnthropicMessagesRequest, o: CallOptions): Promise<unknown> {
    return this.run('claudeMessage', o, async (ctx) => {
      const r = await this.service.gateway.anthropicMessages({ ...body, stream: false }, ctx);
      if ('stream' in r) throw new SmartflowError('claudeMessage: expected a JSON response, got a stream.');
      if (r.status >= 400) throw errorFromResponse(r.status, r.body, { get: () => null }, 'claudeMessage');
      return r.body;
    });
  }

  embeddings(req: EmbeddingRequest, o: CallOptions): Promise<EmbeddingResponse> {
    return this.run('embeddings', o, (ctx) => this.service.gateway.embeddings(req, ctx));
  }
  rerank(req: RerankRequest, o: CallOptions): Promise<RerankResponse> {
    return this.run('rerank', o, (ctx) => this.service.gateway.rerank(req, ctx));
  }
  images(req: ImageRequest, o: CallOptions): Promise<ImageResponse> {
    return this.run('imageGeneration', o, (ctx) => this.service.gateway.images(req, ctx));
  }
  transcription(req: TranscriptionRequest, o: CallOptions): Promise<TranscriptionResponse> {
    return this.run('audioTranscription', o, (ctx) => this.service.gateway.transcription(req, ctx));
  }
  speech(req: SpeechRequest, o: CallOptions): Promise<BinaryResponse> {
    return this.run('textToSpeech', o, (ctx) => this.service.gateway.speech(req, ctx));
  }
  listModels(o: CallOptions): Promise<ModelInfo[]> {
    return this.run('listModels', o, (ctx) => this.service.gateway.listModels(ctx));
  }

  async api(_surface: Surface, call: ApiCall): Promise<unknown> {
    const what = `${call.method} ${call.path}`;
    if (call.method === 'GET' && call.path === '/health') return { status: 'ok', mode: 'direct' };
    for (const c of this.routes) {
      if (c.route.method !== call.method) continue;
      const m = c.re.exec(call.path);
      if (!m) continue;
      const params: Record<string, string> = {};
      c.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) query.set(k, String(v));
      return this.run(what, { signal: call.signal }, async (ctx) => {
        // Round-trip the body through JSON so handlers see exactly what they would over HTTP.
        const body = call.body === undefined ? undefined : JSON.parse(JSON.stringify(call.body));
        const res: RouteResult = await c.route.handler({ method: call.method, path: call.path, params, query, headers: { ...(call.headers ?? {}) }, body, ctx });
        const status = res.status ?? 200;
        if ('json' in res) {
          if (status >= 400) throw errorFromResponse(status, res.json, { get: (n) => res.headers?.[n] ?? null }, what);
          return res.json;
        }
        if ('text' in res) {
          if (status >= 400) throw errorFromResponse(status, res.text, { get: (n) => res.headers?.[n] ?? null }, what);
          return res.text;
        }
        let out = '';
        const dec = new TextDecoder();
        for await (const part of res.stream) out += typeof part === 'string' ? part : dec.decode(part, { stream: true });
        return out;
      });
    }
    throw new SmartflowError(`${what}: not available in direct mode (the embedded gateway has no such API). Connect to a gateway with \`smartflow configure\` if you need it.`, { status: 404, code: 'not_found' });
  }

  async close(): Promise<void> {
    await this.service.close();
  }
}
