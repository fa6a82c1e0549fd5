/**
 * Gateway mode: the client talks HTTP to a Smartflow gateway (ours, started with `smartflow gateway`, or
 * an enterprise one). /v1/* and /anthropic/* go to the main URL; the compliance and management APIs go
 * to the URLs the client chose (see surfaceUrls in mode.ts). Our gateway also serves those APIs on its
 * main port, so when a side URL refuses the connection (nothing listens there) we fall back to the main
 * URL and remember it. Only a refused connection: a side port that answers, whatever it answers, is
 * never second-guessed. One undici Agent per client keeps connections alive.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import type {
  AnthropicMessagesRequest,
  BinaryResponse,
  CacheHitType,
  ChatChunk,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  ImageRequest,
  ImageResponse,
  ModelInfo,
  RerankRequest,
  RerankResponse,
  SpeechRequest,
  TranscriptionRequest,
  TranscriptionResponse,
} from '../types.js';
import { queryString, type ApiCall, type Backend, type CallOptions, type Surface } from './backend.js';
import { ConnectionError, SmartflowError, errorFromResponse, errorFromThrown } from './errors.js';
import { sseEvents } from './sse.js';
import type { AIResponse } from './types.js';

export interface HttpBackendOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  complianceUrl: string;
  managementUrl: string;
}

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | null => {
  const v = h[name];
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
};
const headerGetter = (h: Headers) => ({ get: (n: string) => header(h, n.toLowerCase()) });

export class HttpBackend implements Backend {
  readonly mode = 'gateway' as const;
  readonly target: string;
  readonly baseUrl: string;
  private readonly opts: HttpBackendOptions;
  private readonly agent: Agent;
  /** Surfaces whose own port was unreachable and are now served from the main URL. */
  private readonly surfaceUrl: Record<Surface, string>;

  constructor(opts: HttpBackendOptions) {
    this.opts = opts;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.target = this.baseUrl;
    this.surfaceUrl = { main: this.baseUrl, compliance: opts.complianceUrl.replace(/\/+$/, ''), management: opts.managementUrl.replace(/\/+$/, '') };
    this.agent = new Agent({
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: Math.min(opts.timeoutMs, 10_000),
      keepAliveTimeout: 10_000,
    });
  }

  /** The URL each surface is currently served from. */
  urls(): Record<Surface, string> {
    return { ...this.surfaceUrl };
  }

  private headers(o: { signal?: AbortSignal; userId?: string; conversationId?: string; cache?: string; headers?: Record<string, string> }, json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', 'user-agent': 'smartflow-client-ts/0.1.0', 'x-smartflow-source': 'client' };
    if (json) h['content-type'] = 'application/json';
    if (this.opts.apiKey) h.authorization = `Bearer ${this.opts.apiKey}`;
    if (o.userId) h['x-smartflow-user-id'] = o.userId;
    if (o.conversationId) h['x-conversation-id'] = o.conversationId;
    if (o.cache === 'off') h['x-smartflow-cache'] = 'off';
    return { ...h, ...(o.headers ?? {}) };
  }

  /** One HTTP exchange with status/error mapping. Returns the raw undici response for 2xx. */
  private async send(url: string, method: Dispatcher.HttpMethod, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined, what: string): Promise<Dispatcher.ResponseData> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, { method, headers, body, signal, dispatcher: this.agent });
    } catch (e) {
      throw errorFromThrown(e, what, new URL(url).origin);
    }
    if (res.statusCode >= 400) {
      let parsed: unknown;
      try {
        const text = await res.body.text();
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      } catch (e) {
        parsed = undefined;
        void e;
      }
      throw errorFromResponse(res.statusCode, parsed, headerGetter(res.headers as Headers), what);
    }
    return res;
  }

  private async json<T>(url: string, method: Dispatcher.HttpMethod, body: unknown, o: CallOptions, what: string): Promise<{ data: T; headers: Headers }> {
    const res = await this.send(url, method, this.headers(o, body !== undefined), body === undefined ? undefined : JSON.stringify(body), o.signal, what);
    try {
      const text = await res.body.text();
      return { data: (text ? JSON.parse(text) : null) as T, headers: res.headers as Headers };
    } catch (e) {
      throw new SmartflowError(`${what}: the gateway sent a response that is not JSON.`, { cause: e, status: res.statusCode });
    }
  }

  async chat(req: ChatRequest, o: CallOptions): Promise<AIResponse> {
    const { data, headers } = await this.json<ChatResponse>(`${this.baseUrl}/v1/chat/completions`, 'POST', { ...req, stream: false }, o, 'chat');
    const cacheHdr = header(headers, 'x-smartflow-cache') ?? '';
    const hitType: CacheHitType | null = cacheHdr === 'hit-exact' ? 'exact' : cacheHdr === 'hit-semantic' ? 'semantic' : null;
    const first = data.choices?.[0]?.message?.content;
    const costHdr = header(headers, 'x-smartflow-cost-usd');
    return {
      content: typeof first === 'string' ? first : Array.isArray(first) ? first.map((p) => (p.type === 'text' ? p.text : '')).join('') : '',
      choices: data.choices ?? [],
      usage: data.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      model: data.model,
      id: data.id,
      cached: hitType !== null,
      cacheHitType: hitType,
      provider: header(headers, 'x-smartflow-provider') ?? '',
      requestId: header(headers, 'x-smartflow-request-id') ?? undefined,
      ...(costHdr !== null && Number.isFinite(Number(costHdr)) ? { costUsd: Number(costHdr) } : {}),
    };
  }

  async chatStream(req: ChatRequest, o: CallOptions): Promise<AsyncIterable<ChatChunk>> {
    // Our own controller so that leaving the loop early (break) closes the connection upstream too.
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(o.signal?.reason);
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let res: Dispatcher.ResponseData;
    try {
      const h = this.headers(o, true);
      h.accept = 'text/event-stream';
      res = await this.send(`${this.baseUrl}/v1/chat/completions`, 'POST', h, JSON.stringify({ ...req, stream: true }), ac.signal, 'streamChat');
    } catch (e) {
      o.signal?.removeEventListener('abort', onAbort);
      throw e;
    }
    const body = res.body;
    const target = this.baseUrl;
    return {
      async *[Symbol.asyncIterator]() {
        let finished = false;
        try {
          for await (const ev of sseEvents(body)) {
            if (ev.data === '[DONE]') {
              finished = true;
              break;
            }
            let obj: unknown;
            try {
              obj = JSON.parse(ev.data);
            } catch (e) {
              throw new SmartflowError('streamChat: the gateway sent a malformed stream event.', { cause: e });
            }
            const errBody = (obj as { error?: unknown }).error;
            if (ev.event === 'error' || errBody) {
              const code = typeof errBody === 'object' && errBody ? (errBody as { code?: string }).code : undefined;
              const status = code === 'upstream_timeout' ? 504 : code === 'rate_limited' ? 429 : code === 'compliance_blocked' ? 403 : 502;
              throw errorFromResponse(status, obj, { get: () => null }, 'streamChat');
            }
            yield obj as ChatChunk;
          }
          if (!finished && !ac.signal.aborted) throw new ConnectionError('streamChat: the stream ended before it was complete (no [DONE]). Retry the request.', { code: 'stream_truncated' });
        } catch (e) {
          if (ac.signal.aborted) throw new SmartflowError('streamChat: aborted', { code: 'aborted', cause: e });
          throw errorFromThrown(e, 'streamChat', target);
        } finally {
          o.signal?.removeEventListener('abort', onAbort);
          if (!finished) ac.abort();
          body.destroy();
        }
      },
    };
  }

  async anthropicMessages(body: AnthropicMessagesRequest, o: CallOptions): Promise<unknown> {
    return (await this.json<unknown>(`${this.baseUrl}/anthropic/v1/messages`, 'POST', { ...body, stream: false }, o, 'claudeMessage')).data;
  }

  async embeddings(req: EmbeddingRequest, o: CallOptions): Promise<EmbeddingResponse> {
    return (await this.json<EmbeddingResponse>(`${this.baseUrl}/v1/embeddings`, 'POST', req, o, 'embeddings')).data;
  }

  async rerank(req: RerankRequest, o: CallOptions): Promise<RerankResponse> {
    return (await this.json<RerankResponse>(`${this.baseUrl}/v1/rerank`, 'POST', req, o, 'rerank')).data;
  }

  async images(req: ImageRequest, o: CallOptions): Promise<ImageResponse> {
    return (await this.json<ImageResponse>(`${this.baseUrl}/v1/images/generations`, 'POST', req, o, 'imageGeneration')).data;
  }

  async transcription(req: TranscriptionRequest, o: CallOptions): Promise<TranscriptionResponse> {
    const boundary = `----smartflow${randomUUID().replace(/-/g, '')}`;
    const parts: Buffer[] = [];
    const field = (name: string, value: string): void => {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    };
    field('model', req.model);
    if (req.language) field('language', req.language);
    if (req.prompt) field('prompt', req.prompt);
    if (req.response_format) field('response_format', req.response_format);
    if (req.temperature !== undefined) field('temperature', String(req.temperature));
    const fname = req.file.filename.replace(/["\r\n]/g, '_');
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fname}"\r\nContent-Type: ${req.file.contentType ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.from(req.file.data));
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const h = this.headers(o, false);
    h['content-type'] = `multipart/form-data; boundary=${boundary}`;
    const res = await this.send(`${this.baseUrl}/v1/audio/transcriptions`, 'POST', h, Buffer.concat(parts), o.signal, 'audioTranscription');
    const text = await res.body.text();
    const ct = header(res.headers as Headers, 'content-type') ?? '';
    if (ct.includes('json')) return JSON.parse(text) as TranscriptionResponse;
    return text;
  }

  async speech(req: SpeechRequest, o: CallOptions): Promise<BinaryResponse> {
    const h = this.headers(o, true);
    h.accept = '*/*';
    const res = await this.send(`${this.baseUrl}/v1/audio/speech`, 'POST', h, JSON.stringify(req), o.signal, 'textToSpeech');
    const buf = new Uint8Array(await res.body.arrayBuffer());
    return { data: buf, contentType: header(res.headers as Headers, 'content-type') ?? 'application/octet-stream' };
  }

  async listModels(o: CallOptions): Promise<ModelInfo[]> {
    const { data } = await this.json<{ data?: ModelInfo[] } | ModelInfo[]>(`${this.baseUrl}/v1/models`, 'GET', undefined, o, 'listModels');
    return Array.isArray(data) ? data : (data?.data ?? []);
  }

  async api(surface: Surface, call: ApiCall): Promise<unknown> {
    const what = `${call.method} ${call.path}`;
    const o: CallOptions = { signal: call.signal, headers: call.headers };
    const go = async (base: string): Promise<unknown> => (await this.json<unknown>(`${base}${call.path}${queryString(call.query)}`, call.method, call.body, o, what)).data;
    try {
      return await go(this.surfaceUrl[surface]);
    } catch (e) {
      // Nothing listens on the side port: our gateway serves every API on its main port as well.
      if (surface !== 'main' && e instanceof ConnectionError && e.code === 'ECONNREFUSED' && this.surfaceUrl[surface] !== this.baseUrl) {
        const r = await go(this.baseUrl);
        this.surfaceUrl[surface] = this.baseUrl;
        return r;
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
