/**
 * Cohere adapter: the native v2 API. Chat (`POST /v2/chat`, JSON and the SSE events message-start,
 * content-start/delta/end, tool-plan-delta, tool-call-start/delta/end, citation-*, message-end),
 * embeddings (`POST /v2/embed`), rerank (`POST /v2/rerank`) and models (`GET /v1/models`).
 * COHERE_API_KEY as a bearer token; COHERE_BASE_URL overrides https://api.cohere.com.
 */
import { GatewayError } from '../errors.js';
import type {
  ChatChunk,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  EmbeddingResponse,
  FinishReason,
  ModelInfo,
  RerankResponse,
  ToolCall,
  Usage,
} from '../types.js';
import type { Operation, ProviderAdapter, StreamParser, UpstreamRequest } from './types.js';
import { applyEmbeddingEncoding, bearerJsonHeaders, expectObject, genericErrorMessage, isObject, joinUrl, nowSeconds, num, parseEventJson, requireKey } from './shared.js';

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** OpenAI chat request → Cohere v2 chat body. Exported for the fixture tests. */
export function toCohereRequest(req: ChatRequest, model: string): Record<string, unknown> {
  const messages = req.messages.map((m): Record<string, unknown> => {
    switch (m.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: textOf(m.content) };
      case 'user':
        return { role: 'user', content: typeof m.content === 'string' || !m.content ? (m.content ?? '') : m.content };
      case 'assistant': {
        const out: Record<string, unknown> = { role: 'assistant' };
        const t = textOf(m.content);
        if (t) out.content = t;
        if (m.tool_calls?.length) out.tool_calls = m.tool_calls;
        return out;
      }
      case 'tool':
        return { role: 'tool', tool_call_id: m.tool_call_id ?? '', content: textOf(m.content) };
    }
  });
  const body: Record<string, unknown> = { model, messages };
  if (req.stream) body.stream = true;
  if (typeof req.temperature === 'number') body.temperature = req.temperature;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof max === 'number') body.max_tokens = max;
  if (typeof req.top_p === 'number') body.p = req.top_p;
  if (req.stop !== undefined) body.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (typeof req.seed === 'number') body.seed = req.seed;
  if (typeof req.frequency_penalty === 'number') body.frequency_penalty = req.frequency_penalty;
  if (typeof req.presence_penalty === 'number') body.presence_penalty = req.presence_penalty;
  if (req.tools?.length) body.tools = req.tools;
  if (req.tool_choice === 'required') body.tool_choice = 'REQUIRED';
  else if (req.tool_choice === 'none') body.tool_choice = 'NONE';
  if (req.response_format?.type === 'json_object') body.response_format = { type: 'json_object' };
  return body;
}

export function mapCohereFinish(r: unknown): FinishReason {
  switch (r) {
    case 'COMPLETE':
    case 'STOP_SEQUENCE':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    case 'ERROR_TOXIC':
      return 'content_filter';
    default:
      return r === null || r === undefined ? null : 'stop';
  }
}

/** Billed units are what Cohere charges for; `tokens` (incl. its own system prompt) is the fallback. */
function cohereUsage(u: unknown): Usage | undefined {
  if (!isObject(u)) return undefined;
  const src = isObject(u.billed_units) ? u.billed_units : isObject(u.tokens) ? u.tokens : undefined;
  if (!src) return undefined;
  const p = num(src.input_tokens);
  const c = num(src.output_tokens);
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

function parseChat(body: unknown, model: string): ChatResponse {
  const o = expectObject(body, 'Cohere', 'chat');
  const m = isObject(o.message) ? o.message : undefined;
  if (!m) throw new GatewayError('upstream_error', 'Cohere returned a chat response without "message".', { provider: 'cohere' });
  let text = '';
  if (Array.isArray(m.content)) for (const c of m.content) if (isObject(c) && typeof c.text === 'string') text += c.text;
  const toolCalls: ToolCall[] = [];
  if (Array.isArray(m.tool_calls)) {
    for (const t of m.tool_calls) {
      if (!isObject(t) || !isObject(t.function)) continue;
      toolCalls.push({ id: String(t.id ?? ''), type: 'function', function: { name: String(t.function.name ?? ''), arguments: String(t.function.arguments ?? '{}') } });
    }
  }
  const message: ChatMessage = { role: 'assistant', content: text || (toolCalls.length ? null : '') };
  if (toolCalls.length) message.tool_calls = toolCalls;
  const res: ChatResponse = {
    id: typeof o.id === 'string' ? o.id : 'cohere-unknown',
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message, finish_reason: mapCohereFinish(o.finish_reason) }],
  };
  const u = cohereUsage(o.usage);
  if (u) res.usage = u;
  return res;
}

/** Cohere v2 SSE events → OpenAI chunks. */
export function createCohereStreamParser(model: string, requestId: string): StreamParser {
  let id = `cohere-${requestId}`;
  const created = nowSeconds();
  let done = false;
  let usage: Usage | undefined;
  const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: FinishReason = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const msgDelta = (o: Record<string, unknown>): Record<string, unknown> =>
    isObject(o.delta) && isObject(o.delta.message) ? o.delta.message : {};

  return {
    push(ev) {
      if (done) return [];
      const o = parseEventJson(ev.data, 'Cohere');
      switch (o.type ?? ev.event) {
        case 'message-start':
          if (typeof o.id === 'string') id = o.id;
          return [chunk({ role: 'assistant', content: '' })];
        case 'content-start':
        case 'content-delta': {
          const c = msgDelta(o).content;
          const t = isObject(c) && typeof c.text === 'string' ? c.text : '';
          return t ? [chunk({ content: t })] : [];
        }
        case 'tool-call-start': {
          const t = msgDelta(o).tool_calls;
          if (!isObject(t)) return [];
          const fn = isObject(t.function) ? t.function : {};
          return [
            chunk({
              tool_calls: [{ index: num(o.index), id: String(t.id ?? ''), type: 'function', function: { name: String(fn.name ?? ''), arguments: String(fn.arguments ?? '') } }],
            }),
          ];
        }
        case 'tool-call-delta': {
          const t = msgDelta(o).tool_calls;
          const args = isObject(t) && isObject(t.function) && typeof t.function.arguments === 'string' ? t.function.arguments : '';
          return args ? [chunk({ tool_calls: [{ index: num(o.index), function: { arguments: args } }] })] : [];
        }
        case 'message-end': {
          const d = isObject(o.delta) ? o.delta : {};
          if (d.error !== undefined || d.finish_reason === 'ERROR') {
            throw new GatewayError('upstream_error', `Cohere stream error: ${typeof d.error === 'string' ? d.error : 'the model reported an error'}`, {
              provider: 'cohere',
            });
          }
          done = true;
          usage = cohereUsage(d.usage);
          const out = [chunk({}, mapCohereFinish(d.finish_reason) ?? 'stop')];
          if (usage) out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
          return out;
        }
        default:
          return []; // content-end, tool-plan-delta, tool-call-end, citation-*, debug
      }
    },
    end() {
      if (!done) {
        throw new GatewayError('stream_truncated', 'The Cohere stream ended before message-end, so the answer is incomplete. Retry the request.', {
          provider: 'cohere',
        });
      }
      return [];
    },
    usage: () => usage,
    done: () => done,
  };
}

const OPERATIONS: ReadonlySet<Operation> = new Set<Operation>(['chat', 'embeddings', 'rerank', 'models']);

export const cohereAdapter: ProviderAdapter = {
  id: 'cohere',
  displayName: 'Cohere',
  apiKeyEnv: 'COHERE_API_KEY',
  baseUrlEnv: 'COHERE_BASE_URL',
  defaultBaseUrl: 'https://api.cohere.com',
  operations: OPERATIONS,
  streamFormat: 'sse',
  // v2 chat has no `n` (num_generations was a v1 generate parameter).
  singleChoice: true,

  buildChat(req, model, s): UpstreamRequest {
    requireKey(cohereAdapter, s);
    const h = bearerJsonHeaders(s);
    if (req.stream) h.accept = 'text/event-stream';
    const out: UpstreamRequest = { method: 'POST', url: joinUrl(s.baseUrl, 'v2/chat'), headers: h, body: JSON.stringify(toCohereRequest(req, model)) };
    if (req.stream && !req.stream_options?.include_usage) out.injectedUsage = true;
    return out;
  },
  parseChat,
  createStreamParser: createCohereStreamParser,

  buildEmbeddings(req, model, s): UpstreamRequest {
    requireKey(cohereAdapter, s);
    const body: Record<string, unknown> = {
      model,
      texts: Array.isArray(req.input) ? req.input : [req.input],
      // Required by v3+ embed models; "search_document" is Cohere's documented default for indexing.
      input_type: req.input_type ?? 'search_document',
      embedding_types: ['float'],
    };
    if (req.dimensions !== undefined) body.output_dimension = req.dimensions;
    return { method: 'POST', url: joinUrl(s.baseUrl, 'v2/embed'), headers: bearerJsonHeaders(s), body: JSON.stringify(body) };
  },

  parseEmbeddings(body, model, req): EmbeddingResponse {
    const o = expectObject(body, 'Cohere', 'embed');
    const e = o.embeddings;
    const vectors = isObject(e) && Array.isArray(e.float) ? e.float : Array.isArray(e) ? e : undefined;
    if (!vectors || !vectors.every((v) => Array.isArray(v))) throw new GatewayError('upstream_error', 'Cohere returned an embed response without float embeddings.', { provider: 'cohere' });
    const billed = isObject(o.meta) && isObject(o.meta.billed_units) ? o.meta.billed_units : {};
    const tokens = num(billed.input_tokens);
    return applyEmbeddingEncoding(
      {
        object: 'list',
        data: vectors.map((v, index) => ({ object: 'embedding' as const, index, embedding: v as number[] })),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
      req?.encoding_format,
    );
  },

  buildRerank(req, model, s): UpstreamRequest {
    requireKey(cohereAdapter, s);
    const body: Record<string, unknown> = { model, query: req.query, documents: req.documents };
    if (req.top_n !== undefined) body.top_n = req.top_n;
    return { method: 'POST', url: joinUrl(s.baseUrl, 'v2/rerank'), headers: bearerJsonHeaders(s), body: JSON.stringify(body) };
  },

  parseRerank(body, model, req): RerankResponse {
    const o = expectObject(body, 'Cohere', 'rerank');
    if (!Array.isArray(o.results)) throw new GatewayError('upstream_error', 'Cohere returned a rerank response without "results".', { provider: 'cohere' });
    const results: RerankResponse['results'] = [];
    for (const r of o.results) {
      if (!isObject(r)) continue;
      const item: RerankResponse['results'][number] = { index: num(r.index), relevance_score: num(r.relevance_score) };
      if (isObject(r.document) && typeof r.document.text === 'string') item.document = { text: r.document.text };
      // v2 no longer returns documents; the client's return_documents is served from its own request.
      else if (req?.return_documents && typeof req.documents[item.index] === 'string') item.document = { text: req.documents[item.index] };
      results.push(item);
    }
    const billed = isObject(o.meta) && isObject(o.meta.billed_units) ? o.meta.billed_units : {};
    return { id: typeof o.id === 'string' ? o.id : 'cohere-rerank', model, results, usage: { search_units: num(billed.search_units) } };
  },

  buildListModels(s): UpstreamRequest {
    requireKey(cohereAdapter, s);
    const h = bearerJsonHeaders(s);
    delete h['content-type'];
    // Cohere pages the list (20 by default).
    return { method: 'GET', url: `${joinUrl(s.baseUrl, 'v1/models')}?page_size=1000`, headers: h };
  },

  parseListModels(body): ModelInfo[] {
    const o = expectObject(body, 'Cohere', 'models');
    const out: ModelInfo[] = [];
    for (const m of Array.isArray(o.models) ? o.models : []) {
      if (isObject(m) && typeof m.name === 'string') out.push({ id: `cohere/${m.name}`, object: 'model', created: 0, owned_by: 'cohere', provider: 'cohere' });
    }
    return out;
  },

  errorMessage: genericErrorMessage,
};
