/**
 * Factory for adapters that speak the OpenAI wire format (OpenAI itself, Azure, Gemini's OpenAI endpoint,
 * Ollama's /v1, local servers, and the OpenAI-compatible hosted providers). Each provider file calls it
 * with its own id, env vars, base URL, operations and quirks; the result is a plain adapter object, so
 * the registry stays flat and a provider's differences are visible in its own file.
 */
import { GatewayError } from '../errors.js';
import type {
  ChatChunk,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  ImageRequest,
  ImageResponse,
  ModelInfo,
  ProviderSettings,
  RerankRequest,
  RerankResponse,
  SpeechRequest,
  TranscriptionRequest,
  TranscriptionResponse,
  Usage,
} from '../types.js';
import type { Operation, ProviderAdapter, StreamParser, UpstreamRequest } from './types.js';
import {
  applyEmbeddingEncoding,
  bearerJsonHeaders,
  buildMultipart,
  expectObject,
  genericErrorMessage,
  isObject,
  joinUrl,
  num,
  parseEventJson,
  requireKey,
  type MultipartField,
} from './shared.js';

export type OpenAiOperation = Exclude<Operation, 'anthropic_messages'>;

export interface OpenAiCompatibleSpec {
  id: string;
  displayName: string;
  apiKeyEnv?: string;
  baseUrlEnv: string;
  defaultBaseUrl: string;
  keyOptional?: boolean;
  operations: OpenAiOperation[];
  /**
   * How the provider reports usage in streams:
   * - 'inject': only when asked, so we add `stream_options.include_usage` and flag `injectedUsage`;
   * - 'always': it sends usage unasked (and may reject `stream_options`), so we leave the request alone.
   */
  streamUsage: 'inject' | 'always';
  /** Maps the configured base URL to the API root the paths hang off (Ollama appends /v1). */
  apiRoot?: (baseUrl: string) => string;
  /** URL for an operation; default `${apiRoot}/${path}`. Azure overrides it for deployment paths. */
  url?: (root: string, path: string, model: string, s: ProviderSettings) => string;
  /** Auth headers; default `Authorization: Bearer <key>`. */
  authHeaders?: (s: ProviderSettings) => Record<string, string>;
  /** Whether the body carries `model` (Azure names the deployment in the path instead). */
  modelInBody?: boolean;
  /** Model ids from GET /models, e.g. Gemini's "models/gemini-2.0-flash" → "gemini-2.0-flash". */
  normalizeModelId?: (id: string) => string;
  /**
   * OpenAI's own API (OpenAI, Azure) knows the newer `developer` role and `max_completion_tokens`. For
   * everyone else (default) they are sent as `system` and `max_tokens`, which every compatible server
   * accepts while several reject the newer names.
   */
  openAiNative?: boolean;
  /** The server ignores or rejects `n > 1` (see ProviderAdapter.singleChoice); `n` is never sent. */
  singleChoice?: boolean;
}

/** Builds an adapter for an OpenAI-compatible provider from its spec. */
export function createOpenAiCompatibleAdapter(spec: OpenAiCompatibleSpec): ProviderAdapter {
  const ops = new Set<Operation>(spec.operations);
  const modelInBody = spec.modelInBody !== false;
  const root = (s: ProviderSettings) => (spec.apiRoot ? spec.apiRoot(s.baseUrl) : s.baseUrl);
  const urlFor = (path: string, model: string, s: ProviderSettings) =>
    spec.url ? spec.url(root(s), path, model, s) : joinUrl(root(s), path);
  const headersFor = (s: ProviderSettings): Record<string, string> => {
    if (!spec.authHeaders) return bearerJsonHeaders(s);
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...spec.authHeaders(s) };
    if (s.headers) Object.assign(h, s.headers);
    return h;
  };
  const unsupported = (op: string): never => {
    throw new GatewayError('unsupported_operation', `${spec.displayName} does not support ${op} through Smartflow. Use a provider that does (see docs/providers.md).`, {
      provider: spec.id,
    });
  };
  const need = (op: Operation) => {
    if (!ops.has(op)) unsupported(op);
  };

  /**
   * `POST {root}/rerank`: the shape Together, vLLM, llama.cpp server and Infinity share (Cohere's request
   * fields; results `{ index, relevance_score, document? }`; token usage). Only providers that rerank get
   * these methods: the others have no /rerank endpoint to call.
   */
  const rerank: Pick<ProviderAdapter, 'buildRerank' | 'parseRerank'> = {
    buildRerank(req: RerankRequest, model: string, s: ProviderSettings): UpstreamRequest {
      need('rerank');
      requireKey(adapter, s);
      const body: Record<string, unknown> = { query: req.query, documents: req.documents };
      if (modelInBody) body.model = model;
      if (req.top_n !== undefined) body.top_n = req.top_n;
      if (req.return_documents !== undefined) body.return_documents = req.return_documents;
      return { method: 'POST', url: urlFor('rerank', model, s), headers: headersFor(s), body: JSON.stringify(body) };
    },

    parseRerank(body: unknown, model: string, req?: RerankRequest): RerankResponse {
      const o = expectObject(body, spec.displayName, 'rerank');
      if (!Array.isArray(o.results)) {
        throw new GatewayError('upstream_error', `${spec.displayName} returned a rerank response without "results".`, { provider: spec.id });
      }
      const results: RerankResponse['results'] = [];
      for (const r of o.results) {
        if (!isObject(r)) continue;
        const item: RerankResponse['results'][number] = { index: num(r.index), relevance_score: num(r.relevance_score ?? r.score) };
        const d = r.document;
        if (isObject(d) && typeof d.text === 'string') item.document = { text: d.text };
        else if (typeof d === 'string') item.document = { text: d };
        else if (req?.return_documents && typeof req.documents[item.index] === 'string') item.document = { text: req.documents[item.index] };
        results.push(item);
      }
      const usage = isObject(o.usage) ? o.usage : {};
      const billed = isObject(o.meta) && isObject(o.meta.billed_units) ? o.meta.billed_units : {};
      const out: RerankResponse = { id: typeof o.id === 'string' ? o.id : `${spec.id}-rerank`, model: typeof o.model === 'string' ? o.model : model, results };
      const tokens = num(usage.total_tokens) || num(usage.prompt_tokens);
      if (tokens || billed.search_units !== undefined) out.usage = { ...(tokens ? { total_tokens: tokens } : {}), ...(billed.search_units !== undefined ? { search_units: num(billed.search_units) } : {}) };
      return out;
    },
  };

  const adapter: ProviderAdapter = {
    ...(ops.has('rerank') ? rerank : {}),
    id: spec.id,
    displayName: spec.displayName,
    apiKeyEnv: spec.apiKeyEnv,
    baseUrlEnv: spec.baseUrlEnv,
    defaultBaseUrl: spec.defaultBaseUrl,
    keyOptional: spec.keyOptional,
    operations: ops,
    streamFormat: 'sse',
    ...(spec.singleChoice ? { singleChoice: true } : {}),

    buildChat(req: ChatRequest, model: string, s: ProviderSettings): UpstreamRequest {
      requireKey(adapter, s);
      const body: Record<string, unknown> = { ...req };
      if (modelInBody) body.model = model;
      else delete body.model;
      if (!spec.openAiNative) downgradeParams(req, body);
      if (spec.singleChoice) delete body.n;
      let injectedUsage = false;
      if (req.stream) {
        body.stream = true;
        if (spec.streamUsage === 'inject' && !req.stream_options?.include_usage) {
          body.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
          injectedUsage = true;
        }
      } else if ('stream_options' in body) {
        // OpenAI rejects stream_options on non-streaming requests. Only delete when present: a delete
        // turns the object into a slow dictionary for JSON.stringify on every request.
        delete body.stream_options;
      }
      const out: UpstreamRequest = { method: 'POST', url: urlFor('chat/completions', model, s), headers: headersFor(s), body: JSON.stringify(body) };
      if (req.stream) out.headers.accept = 'text/event-stream';
      if (injectedUsage) out.injectedUsage = true;
      return out;
    },

    parseChat(body: unknown, model: string): ChatResponse {
      const o = expectObject(body, spec.displayName, 'chat');
      if (!Array.isArray(o.choices) || !o.choices.every((c) => isObject(c) && isObject(c.message))) {
        throw new GatewayError('upstream_error', `${spec.displayName} returned a chat response without valid "choices".`, { provider: spec.id });
      }
      if (o.object === undefined) o.object = 'chat.completion';
      if (typeof o.model !== 'string') o.model = model;
      if (o.usage === undefined && isObject(o.x_groq) && isObject(o.x_groq.usage)) o.usage = o.x_groq.usage;
      return o as unknown as ChatResponse;
    },

    createStreamParser(model: string): StreamParser {
      return createOpenAiStreamParser(spec.displayName, spec.id, model);
    },

    buildEmbeddings(req: EmbeddingRequest, model: string, s: ProviderSettings): UpstreamRequest {
      need('embeddings');
      requireKey(adapter, s);
      const body: Record<string, unknown> = { input: req.input };
      if (modelInBody) body.model = model;
      if (req.encoding_format) body.encoding_format = req.encoding_format;
      if (req.dimensions !== undefined) body.dimensions = req.dimensions;
      if (req.user) body.user = req.user;
      return { method: 'POST', url: urlFor('embeddings', model, s), headers: headersFor(s), body: JSON.stringify(body) };
    },

    parseEmbeddings(body: unknown, model: string, req?: EmbeddingRequest): EmbeddingResponse {
      const o = expectObject(body, spec.displayName, 'embeddings');
      if (!Array.isArray(o.data) || !o.data.every((d) => isObject(d) && (Array.isArray(d.embedding) || typeof d.embedding === 'string'))) {
        throw new GatewayError('upstream_error', `${spec.displayName} returned an embeddings response without a "data" list of embeddings.`, { provider: spec.id });
      }
      const usage = isObject(o.usage) ? o.usage : {};
      return applyEmbeddingEncoding(
        {
          object: 'list',
          data: o.data as EmbeddingResponse['data'],
          model: typeof o.model === 'string' ? o.model : model,
          usage: { prompt_tokens: num(usage.prompt_tokens), total_tokens: num(usage.total_tokens) || num(usage.prompt_tokens) },
        },
        req?.encoding_format,
      );
    },

    buildImages(req: ImageRequest, model: string, s: ProviderSettings): UpstreamRequest {
      need('images');
      requireKey(adapter, s);
      const body: Record<string, unknown> = { ...req };
      if (modelInBody) body.model = model;
      else delete body.model;
      return { method: 'POST', url: urlFor('images/generations', model, s), headers: headersFor(s), body: JSON.stringify(body) };
    },

    parseImages(body: unknown): ImageResponse {
      const o = expectObject(body, spec.displayName, 'images');
      if (!Array.isArray(o.data)) {
        throw new GatewayError('upstream_error', `${spec.displayName} returned an images response without "data".`, { provider: spec.id });
      }
      return { created: num(o.created), data: o.data as ImageResponse['data'] };
    },

    buildTranscription(req: TranscriptionRequest, model: string, s: ProviderSettings): UpstreamRequest {
      need('transcription');
      requireKey(adapter, s);
      const fields: MultipartField[] = [{ name: 'file', value: req.file }];
      if (modelInBody) fields.push({ name: 'model', value: model });
      if (req.language) fields.push({ name: 'language', value: req.language });
      if (req.prompt) fields.push({ name: 'prompt', value: req.prompt });
      if (req.response_format) fields.push({ name: 'response_format', value: req.response_format });
      if (req.temperature !== undefined) fields.push({ name: 'temperature', value: String(req.temperature) });
      const mp = buildMultipart(fields);
      const headers = headersFor(s);
      headers['content-type'] = mp.contentType;
      return { method: 'POST', url: urlFor('audio/transcriptions', model, s), headers, body: mp.body };
    },

    parseTranscription(body: unknown, contentType: string): TranscriptionResponse {
      if (typeof body === 'string') {
        if (/json/i.test(contentType)) {
          try {
            return parseTranscription(JSON.parse(body), spec);
          } catch {
            /* fall through: treat as text */
          }
        }
        return body;
      }
      if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
      return parseTranscription(body, spec);
    },

    buildSpeech(req: SpeechRequest, model: string, s: ProviderSettings): UpstreamRequest {
      need('speech');
      requireKey(adapter, s);
      const body: Record<string, unknown> = { ...req };
      if (modelInBody) body.model = model;
      else delete body.model;
      const headers = headersFor(s);
      headers.accept = '*/*';
      return { method: 'POST', url: urlFor('audio/speech', model, s), headers, body: JSON.stringify(body) };
    },

    buildListModels(s: ProviderSettings): UpstreamRequest {
      need('models');
      requireKey(adapter, s);
      const headers = headersFor(s);
      delete headers['content-type'];
      return { method: 'GET', url: urlFor('models', '', s), headers };
    },

    parseListModels(body: unknown): ModelInfo[] {
      // Together returns a bare array; everyone else `{ data: [...] }` (Ollama/others sometimes `models`).
      const o = Array.isArray(body) ? { data: body } : expectObject(body, spec.displayName, 'models');
      const list = Array.isArray(o.data) ? o.data : Array.isArray(o.models) ? o.models : [];
      const out: ModelInfo[] = [];
      for (const m of list) {
        if (!isObject(m)) continue;
        const raw = typeof m.id === 'string' ? m.id : typeof m.name === 'string' ? m.name : undefined;
        if (!raw) continue;
        const id = spec.normalizeModelId ? spec.normalizeModelId(raw) : raw;
        out.push({
          id: spec.id === 'openai' ? id : `${spec.id}/${id}`,
          object: 'model',
          created: num(m.created),
          owned_by: typeof m.owned_by === 'string' ? m.owned_by : spec.id,
          provider: spec.id,
        });
      }
      return out;
    },

    errorMessage(body: unknown, status: number): string {
      return genericErrorMessage(body, status);
    },
  };
  return adapter;
}

/** `developer` → `system`, `max_completion_tokens` → `max_tokens` (for non-OpenAI compatible servers). */
function downgradeParams(req: ChatRequest, body: Record<string, unknown>): void {
  if (req.messages.some((m) => m.role === 'developer')) {
    body.messages = req.messages.map((m) => (m.role === 'developer' ? { ...m, role: 'system' } : m));
  }
  if (req.max_completion_tokens !== undefined) {
    if (req.max_tokens === undefined) body.max_tokens = req.max_completion_tokens;
    delete body.max_completion_tokens;
  }
}

function parseTranscription(body: unknown, spec: OpenAiCompatibleSpec): TranscriptionResponse {
  const o = expectObject(body, spec.displayName, 'transcription');
  if (typeof o.text !== 'string') {
    throw new GatewayError('upstream_error', `${spec.displayName} returned a transcription without "text".`, { provider: spec.id });
  }
  return o as { text: string };
}

/**
 * Parser for OpenAI `chat.completion.chunk` SSE streams terminated by `data: [DONE]`. Also reads the
 * usage some compatible providers attach elsewhere (Groq's `x_groq.usage`).
 */
export function createOpenAiStreamParser(displayName: string, providerId: string, model: string): StreamParser {
  let done = false;
  let usage: Usage | undefined;
  return {
    push(ev) {
      const data = ev.data;
      if (data === '[DONE]') {
        done = true;
        return [];
      }
      if (done) return [];
      const o = parseEventJson(data, displayName);
      if (o.error !== undefined && o.choices === undefined) {
        throw new GatewayError('upstream_error', `${displayName} stream error: ${genericErrorMessage(o, 502)}`, { provider: providerId });
      }
      if (!Array.isArray(o.choices)) o.choices = [];
      else {
        for (const c of o.choices as unknown[]) {
          if (!isObject(c)) throw new GatewayError('upstream_error', `${displayName} sent a stream chunk with an invalid choice.`, { provider: providerId });
          if (!isObject(c.delta)) c.delta = {};
        }
      }
      if (o.object === undefined) o.object = 'chat.completion.chunk';
      if (typeof o.model !== 'string') o.model = model;
      if (isObject(o.usage)) usage = toUsage(o.usage);
      else if (isObject(o.x_groq) && isObject(o.x_groq.usage)) {
        usage = toUsage(o.x_groq.usage);
        o.usage = usage;
      }
      return [o as unknown as ChatChunk];
    },
    end() {
      if (!done) {
        throw new GatewayError(
          'stream_truncated',
          `The ${displayName} stream ended before its [DONE] marker, so the answer is incomplete. Retry the request.`,
          { provider: providerId },
        );
      }
      return [];
    },
    usage: () => usage,
    done: () => done,
  };
}

function toUsage(u: Record<string, unknown>): Usage {
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: num(u.total_tokens) || prompt + completion };
}
