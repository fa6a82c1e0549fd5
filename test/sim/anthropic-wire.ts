/**
 * The simulator's Anthropic Messages API: `POST /v1/messages` (JSON and the SSE event sequence
 * message_start → content_block_start/delta/stop → message_delta → message_stop, with ping),
 * `POST /v1/messages/count_tokens`, `GET /v1/models`, and `{"type":"error","error":{...}}` errors.
 */
import {
  applyMaxTokens,
  contentText,
  promptTokens,
  replyFor,
  sendJson,
  sendStream,
  simTokens,
  splitReply,
  sseEvent,
  toolCallFor,
  type SimIO,
} from './common.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicErrorBody(status: number, message: string): Record<string, unknown> {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message } };
}

export async function handleAnthropic(io: SimIO, rest: string): Promise<boolean> {
  const m = io.rec.method;
  if (m === 'POST' && rest === '/v1/messages') await messages(io);
  else if (m === 'POST' && rest === '/v1/messages/count_tokens') await countTokens(io);
  else if (m === 'GET' && rest === '/v1/models') await models(io);
  else return false;
  return true;
}

function bodyOf(io: SimIO): Record<string, unknown> {
  const b = io.rec.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

async function invalid(io: SimIO, message: string): Promise<void> {
  await sendJson(io, 400, anthropicErrorBody(400, message), { 'request-id': `req_sim${io.rec.seq}` });
}

async function countTokens(io: SimIO): Promise<void> {
  const b = bodyOf(io);
  await sendJson(io, 200, { input_tokens: promptTokens(Array.isArray(b.messages) ? b.messages : [], b.system) });
}

async function models(io: SimIO): Promise<void> {
  const data = [
    { type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6', created_at: '2025-11-01T00:00:00Z' },
    { type: 'model', id: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', created_at: '2024-10-22T00:00:00Z' },
  ];
  await sendJson(io, 200, { data, has_more: false, first_id: data[0].id, last_id: data[data.length - 1].id });
}

async function messages(io: SimIO): Promise<void> {
  const b = bodyOf(io);
  if (typeof b.model !== 'string') return invalid(io, 'model: Field required');
  if (typeof b.max_tokens !== 'number') return invalid(io, 'max_tokens: Field required');
  if (!Array.isArray(b.messages) || !b.messages.length) return invalid(io, 'messages: Field required');
  for (const msg of b.messages as Array<Record<string, unknown>>) {
    if (msg?.role !== 'user' && msg?.role !== 'assistant') {
      return invalid(io, `messages: Input tag '${String(msg?.role)}' found using 'role' does not match any of the expected tags: 'user', 'assistant'`);
    }
  }
  const msgs = b.messages as Array<Record<string, unknown>>;
  let lastUser = '';
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].role === 'user') {
    lastUser = contentText(msgs[i].content);
    break;
  }
  const model = b.model;
  const id = `msg_sim${io.rec.seq}`;
  const tool = toolCallFor(io.control, b.tools, lastUser);
  const { text, cut } = applyMaxTokens(replyFor(msgs, io.control), b.max_tokens);
  const input = promptTokens(msgs, b.system);
  const toolId = `toolu_sim${io.rec.seq}`;
  const args = tool ? JSON.stringify(tool.arguments) : '';
  const output = tool ? simTokens(tool.name + args) : simTokens(text);
  const stop = tool ? 'tool_use' : cut ? 'max_tokens' : 'end_turn';
  const headers = { 'request-id': `req_sim${io.rec.seq}` };

  if (!b.stream) {
    const content: unknown[] = [];
    if (tool) content.push({ type: 'tool_use', id: toolId, name: tool.name, input: tool.arguments });
    else content.push({ type: 'text', text });
    await sendJson(
      io,
      200,
      {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stop,
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
      headers,
    );
    return;
  }

  const events: string[] = [];
  events.push(
    sseEvent(
      {
        type: 'message_start',
        message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
      },
      'message_start',
    ),
  );
  if (tool) {
    events.push(sseEvent({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: toolId, name: tool.name, input: {} } }, 'content_block_start'));
    events.push(sseEvent({ type: 'ping' }, 'ping'));
    for (const piece of splitReply(args, io.control.chunks ?? Math.min(4, Math.max(1, args.length)))) {
      events.push(sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta'));
    }
  } else {
    events.push(sseEvent({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    events.push(sseEvent({ type: 'ping' }, 'ping'));
    for (const piece of splitReply(text, io.control.chunks)) {
      events.push(sseEvent({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'));
    }
  }
  events.push(sseEvent({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
  events.push(sseEvent({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: output } }, 'message_delta'));
  events.push(sseEvent({ type: 'message_stop' }, 'message_stop'));
  await sendStream(io, {
    events,
    markerCount: 1,
    errorEvent: sseEvent({ type: 'error', error: { type: 'overloaded_error', message: io.control.errorMessage ?? 'Overloaded (simulated)' } }, 'error'),
  });
}
