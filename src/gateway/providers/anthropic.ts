/**
 * Anthropic adapter: the native Messages API (`POST /v1/messages`), translated both ways.
 *
 * Requests: system/developer messages → `system`; tool results (role "tool") → `tool_result` blocks in a
 * user turn; assistant tool calls → `tool_use` blocks; images → base64 or URL image blocks; consecutive
 * same-role turns merged; max_tokens (required by Anthropic) defaults to 4096; tools/tool_choice mapped.
 * Responses and the SSE event sequence (message_start, content_block_start/delta/stop with text_delta and
 * input_json_delta, message_delta, message_stop, ping, error) become OpenAI chunks, including tool_call
 * deltas and a final usage chunk. ANTHROPIC_API_KEY goes in `x-api-key`; ANTHROPIC_BASE_URL (without
 * /v1, as Anthropic's SDKs expect) overrides https://api.anthropic.com.
 */
import { GatewayError } from '../errors.js';
import type {
  ChatChunk,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ContentPart,
  FinishReason,
  ModelInfo,
  ProviderSettings,
  ToolCall,
  Usage,
} from '../types.js';
import type { Operation, ProviderAdapter, StreamParser, UpstreamRequest } from './types.js';
import { expectObject, genericErrorMessage, isObject, joinUrl, nowSeconds, num, parseEventJson, requireKey } from './shared.js';

export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; used when the OpenAI request does not set one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

function apiRoot(s: ProviderSettings): string {
  return s.baseUrl.replace(/\/v1\/?$/, '');
}

function headers(s: ProviderSettings, stream: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (s.apiKey) h['x-api-key'] = s.apiKey;
  if (s.headers) Object.assign(h, s.headers);
  return h;
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

function imageBlock(url: string): Block {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } };
  return { type: 'image', source: { type: 'url', url } };
}

function partsToBlocks(content: ChatMessage['content']): Block[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const out: Block[] = [];
  for (const p of content as ContentPart[]) {
    if (p.type === 'text') {
      if (p.text) out.push({ type: 'text', text: p.text });
    } else if (p.type === 'image_url') out.push(imageBlock(p.image_url.url));
  }
  return out;
}

function parseArgs(args: string, name: string): unknown {
  if (!args || !args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    throw new GatewayError('invalid_request', `The arguments of the assistant's call to tool "${name}" are not valid JSON; Anthropic needs a JSON object there.`);
  }
}

/** OpenAI chat request → Anthropic Messages request body. Exported for the fixture tests. */
export function toAnthropicRequest(req: ChatRequest, model: string): Record<string, unknown> {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    if (!blocks.length) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) (last.content as Block[]).push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of req.messages) {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const t = textOf(m.content);
        if (t) system.push(t);
        break;
      }
      case 'user':
        push('user', partsToBlocks(m.content));
        break;
      case 'assistant': {
        const blocks = partsToBlocks(m.content);
        for (const tc of m.tool_calls ?? []) {
          blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseArgs(tc.function.arguments, tc.function.name) });
        }
        push('assistant', blocks);
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content: textOf(m.content) }]);
        break;
    }
  }
  // A single text block reads better (and is what Anthropic's own examples send) as a plain string.
  for (const m of messages) {
    const c = m.content as Block[];
    if (c.length === 1 && c[0].type === 'text') m.content = c[0].text as string;
  }
  if (!messages.length) {
    throw new GatewayError('invalid_request', 'Anthropic needs at least one user or assistant message besides the system prompt.', { provider: 'anthropic' });
  }

  const body: Record<string, unknown> = {
    model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system.length) body.system = system.join('\n\n');
  // OpenAI allows temperature up to 2, Anthropic up to 1.
  if (typeof req.temperature === 'number') body.temperature = Math.min(1, Math.max(0, req.temperature));
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  if (req.stop !== undefined) body.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.user) body.metadata = { user_id: req.user };
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  let choice: Record<string, unknown> | undefined;
  const tc = req.tool_choice;
  if (tc === 'auto') choice = { type: 'auto' };
  else if (tc === 'required') choice = { type: 'any' };
  else if (tc === 'none') choice = { type: 'none' };
  else if (tc && typeof tc === 'object') choice = { type: 'tool', name: tc.function.name };
  if (req.parallel_tool_calls === false && req.tools?.length) choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  if (choice) body.tool_choice = choice;
  if (req.stream) body.stream = true;
  return body;
}

/** Anthropic stop_reason → OpenAI finish_reason. */
export function mapStopReason(r: unknown): FinishReason {
  switch (r) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return r === null || r === undefined ? null : 'stop';
  }
}

/** Prompt tokens as OpenAI counts them: cached and cache-written input included. */
function inputTokens(u: Record<string, unknown>): number {
  return num(u.input_tokens) + num(u.cache_creation_input_tokens) + num(u.cache_read_input_tokens);
}

function anthropicError(o: Record<string, unknown>): GatewayError {
  const e = isObject(o.error) ? o.error : {};
  const type = typeof e.type === 'string' ? e.type : 'api_error';
  const msg = typeof e.message === 'string' ? e.message : 'unknown error';
  return new GatewayError(type === 'rate_limit_error' ? 'rate_limited' : 'upstream_error', `Anthropic error (${type}): ${msg}`, {
    provider: 'anthropic',
    status: type === 'overloaded_error' ? 503 : type === 'rate_limit_error' ? 429 : 502,
  });
}

function parseMessage(body: unknown, model: string): ChatResponse {
  const o = expectObject(body, 'Anthropic', 'messages');
  if (o.type === 'error') throw anthropicError(o);
  if (!Array.isArray(o.content)) {
    throw new GatewayError('upstream_error', 'Anthropic returned a message without "content".', { provider: 'anthropic' });
  }
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const b of o.content) {
    if (!isObject(b)) continue;
    if (b.type === 'text' && typeof b.text === 'string') text += b.text;
    else if (b.type === 'tool_use') {
      toolCalls.push({ id: String(b.id ?? ''), type: 'function', function: { name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) } });
    }
  }
  const u = isObject(o.usage) ? o.usage : {};
  const prompt = inputTokens(u);
  const completion = num(u.output_tokens);
  const message: ChatMessage = { role: 'assistant', content: text || (toolCalls.length ? null : '') };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return {
    id: typeof o.id === 'string' ? o.id : 'msg_unknown',
    object: 'chat.completion',
    created: nowSeconds(),
    model: typeof o.model === 'string' ? o.model : model,
    choices: [{ index: 0, message, finish_reason: mapStopReason(o.stop_reason) }],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** Anthropic SSE events → OpenAI chunks. */
export function createAnthropicStreamParser(model: string, requestId: string): StreamParser {
  let id = `msg_${requestId}`;
  let modelName = model;
  const created = nowSeconds();
  let input = 0;
  let output = 0;
  let sawUsage = false;
  let done = false;
  const toolIndexByBlock = new Map<number, number>();
  let tools = 0;

  const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: FinishReason = null): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: modelName,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const usage = (): Usage => ({ prompt_tokens: input, completion_tokens: output, total_tokens: input + output });

  return {
    push(ev) {
      if (done) return [];
      const o = parseEventJson(ev.data, 'Anthropic');
      switch (o.type) {
        case 'message_start': {
          const m = isObject(o.message) ? o.message : {};
          if (typeof m.id === 'string') id = m.id;
          if (typeof m.model === 'string') modelName = m.model;
          if (isObject(m.usage)) {
            input = inputTokens(m.usage);
            output = num(m.usage.output_tokens);
            sawUsage = true;
          }
          return [chunk({ role: 'assistant', content: '' })];
        }
        case 'content_block_start': {
          const b = isObject(o.content_block) ? o.content_block : {};
          if (b.type === 'tool_use') {
            const index = tools++;
            toolIndexByBlock.set(num(o.index), index);
            return [chunk({ tool_calls: [{ index, id: String(b.id ?? ''), type: 'function', function: { name: String(b.name ?? ''), arguments: '' } }] })];
          }
          if (b.type === 'text' && typeof b.text === 'string' && b.text) return [chunk({ content: b.text })];
          return [];
        }
        case 'content_block_delta': {
          const d = isObject(o.delta) ? o.delta : {};
          if (d.type === 'text_delta' && typeof d.text === 'string') return [chunk({ content: d.text })];
          if (d.type === 'input_json_delta' && typeof d.partial_json === 'string' && d.partial_json) {
            const index = toolIndexByBlock.get(num(o.index)) ?? 0;
            return [chunk({ tool_calls: [{ index, function: { arguments: d.partial_json } }] })];
          }
          return []; // thinking_delta, signature_delta, citations_delta: not part of the OpenAI shape
        }
        case 'message_delta': {
          const d = isObject(o.delta) ? o.delta : {};
          if (isObject(o.usage)) {
            // output_tokens here is cumulative; newer API versions repeat the input counts too.
            if (o.usage.output_tokens !== undefined) output = num(o.usage.output_tokens);
            if (o.usage.input_tokens !== undefined) input = inputTokens(o.usage);
            sawUsage = true;
          }
          const finish = mapStopReason(d.stop_reason);
          return finish ? [chunk({}, finish)] : [];
        }
        case 'message_stop':
          done = true;
          return [{ id, object: 'chat.completion.chunk', created, model: modelName, choices: [], usage: usage() }];
        case 'error':
          throw anthropicError(o);
        default:
          return []; // ping, content_block_stop, and event types added later
      }
    },
    end() {
      if (!done) {
        throw new GatewayError('stream_truncated', 'The Anthropic stream ended before message_stop, so the answer is incomplete. Retry the request.', {
          provider: 'anthropic',
        });
      }
      return [];
    },
    usage: () => (sawUsage ? usage() : undefined),
    done: () => done,
  };
}

const OPERATIONS: ReadonlySet<Operation> = new Set<Operation>(['chat', 'models', 'anthropic_messages']);

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  displayName: 'Anthropic',
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  baseUrlEnv: 'ANTHROPIC_BASE_URL',
  defaultBaseUrl: 'https://api.anthropic.com',
  operations: OPERATIONS,
  streamFormat: 'sse',
  // The Messages API has no `n`.
  singleChoice: true,

  buildChat(req, model, s): UpstreamRequest {
    requireKey(anthropicAdapter, s);
    const out: UpstreamRequest = {
      method: 'POST',
      url: joinUrl(apiRoot(s), 'v1/messages'),
      headers: headers(s, Boolean(req.stream)),
      body: JSON.stringify(toAnthropicRequest(req, model)),
    };
    // We always emit a usage chunk at message_stop; it is "injected" when the client did not ask for it.
    if (req.stream && !req.stream_options?.include_usage) out.injectedUsage = true;
    return out;
  },

  parseChat: parseMessage,
  createStreamParser: createAnthropicStreamParser,

  buildAnthropicMessages(body, s): UpstreamRequest {
    requireKey(anthropicAdapter, s);
    const model = typeof body.model === 'string' && body.model.startsWith('anthropic/') ? body.model.slice('anthropic/'.length) : body.model;
    return {
      method: 'POST',
      url: joinUrl(apiRoot(s), 'v1/messages'),
      headers: headers(s, body.stream === true),
      body: JSON.stringify(model === body.model ? body : { ...body, model }),
    };
  },

  buildListModels(s): UpstreamRequest {
    requireKey(anthropicAdapter, s);
    const h = headers(s, false);
    delete h['content-type'];
    return { method: 'GET', url: `${joinUrl(apiRoot(s), 'v1/models')}?limit=1000`, headers: h };
  },

  parseListModels(body): ModelInfo[] {
    const o = expectObject(body, 'Anthropic', 'models');
    const out: ModelInfo[] = [];
    for (const m of Array.isArray(o.data) ? o.data : []) {
      if (!isObject(m) || typeof m.id !== 'string') continue;
      const t = typeof m.created_at === 'string' ? Date.parse(m.created_at) : NaN;
      out.push({ id: `anthropic/${m.id}`, object: 'model', created: Number.isFinite(t) ? Math.floor(t / 1000) : 0, owned_by: 'anthropic', provider: 'anthropic' });
    }
    return out;
  },

  errorMessage: genericErrorMessage,
};
