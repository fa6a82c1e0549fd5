/**
 * The simulator's Cohere v2 API: `POST /v2/chat` (JSON and SSE with message-start, content-start,
 * content-delta, content-end, tool-call-start/delta/end, message-end), `POST /v2/embed`,
 * `POST /v2/rerank`, `GET /v1/models`, and `{"message": …}` errors.
 */
import {
  applyMaxTokens,
  contentText,
  embedText,
  promptTokens,
  relevance,
  replyFor,
  sendJson,
  sendStream,
  simTokens,
  splitReply,
  sseEvent,
  toolCallFor,
  type SimIO,
} from './common.js';

export function cohereErrorBody(_status: number, message: string): Record<string, unknown> {
  return { id: 'sim-error', message };
}

export async function handleCohere(io: SimIO, rest: string): Promise<boolean> {
  const m = io.rec.method;
  if (m === 'POST' && rest === '/v2/chat') await chat(io);
  else if (m === 'POST' && rest === '/v2/embed') await embed(io);
  else if (m === 'POST' && rest === '/v2/rerank') await rerank(io);
  else if (m === 'GET' && rest === '/v1/models') await models(io);
  else return false;
  return true;
}

function bodyOf(io: SimIO): Record<string, unknown> {
  const b = io.rec.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

async function chat(io: SimIO): Promise<void> {
  const b = bodyOf(io);
  if (typeof b.model !== 'string') return sendJson(io, 400, cohereErrorBody(400, 'invalid request: model must be specified'));
  if (!Array.isArray(b.messages) || !b.messages.length) return sendJson(io, 400, cohereErrorBody(400, 'invalid request: messages must not be empty'));
  const msgs = b.messages as Array<Record<string, unknown>>;
  let lastUser = '';
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].role === 'user') {
    lastUser = contentText(msgs[i].content);
    break;
  }
  const tool = toolCallFor(io.control, b.tools, lastUser);
  const { text, cut } = applyMaxTokens(replyFor(msgs, io.control), b.max_tokens);
  const input = promptTokens(msgs);
  const args = tool ? JSON.stringify(tool.arguments) : '';
  const output = tool ? simTokens(tool.name + args) : simTokens(text);
  const finish = tool ? 'TOOL_CALL' : cut ? 'MAX_TOKENS' : 'COMPLETE';
  const usage = { billed_units: { input_tokens: input, output_tokens: output }, tokens: { input_tokens: input + 10, output_tokens: output } };
  const id = `sim-cohere-${io.rec.seq}`;
  const toolId = `sim_tool_${io.rec.seq}`;
  const plan = tool ? `I will call ${tool.name}.` : undefined;

  if (!b.stream) {
    const message: Record<string, unknown> = { role: 'assistant' };
    if (tool) {
      message.tool_plan = plan;
      message.tool_calls = [{ id: toolId, type: 'function', function: { name: tool.name, arguments: args } }];
    } else message.content = [{ type: 'text', text }];
    await sendJson(io, 200, { id, message, finish_reason: finish, usage });
    return;
  }

  const events: string[] = [];
  events.push(sseEvent({ id, type: 'message-start', delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } }, 'message-start'));
  if (tool) {
    events.push(sseEvent({ type: 'tool-plan-delta', delta: { message: { tool_plan: plan } } }, 'tool-plan-delta'));
    events.push(sseEvent({ type: 'tool-call-start', index: 0, delta: { message: { tool_calls: { id: toolId, type: 'function', function: { name: tool.name, arguments: '' } } } } }, 'tool-call-start'));
    for (const piece of splitReply(args, io.control.chunks ?? Math.min(4, Math.max(1, args.length)))) {
      events.push(sseEvent({ type: 'tool-call-delta', index: 0, delta: { message: { tool_calls: { function: { arguments: piece } } } } }, 'tool-call-delta'));
    }
    events.push(sseEvent({ type: 'tool-call-end', index: 0 }, 'tool-call-end'));
  } else {
    events.push(sseEvent({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } }, 'content-start'));
    for (const piece of splitReply(text, io.control.chunks)) {
      events.push(sseEvent({ type: 'content-delta', index: 0, delta: { message: { content: { text: piece } } } }, 'content-delta'));
    }
    events.push(sseEvent({ type: 'content-end', index: 0 }, 'content-end'));
  }
  events.push(sseEvent({ type: 'message-end', delta: { finish_reason: finish, usage } }, 'message-end'));
  await sendStream(io, {
    events,
    markerCount: 1,
    errorEvent: sseEvent({ type: 'message-end', delta: { finish_reason: 'ERROR', error: io.control.errorMessage ?? 'internal server error (simulated)' } }, 'message-end'),
  });
}

async function embed(io: SimIO): Promise<void> {
  const b = bodyOf(io);
  const texts = Array.isArray(b.texts) ? (b.texts as unknown[]).map(String) : null;
  if (!texts || !texts.length) return sendJson(io, 400, cohereErrorBody(400, 'invalid request: texts must be a non-empty list'));
  if (typeof b.model === 'string' && /v3|v4/.test(b.model) && !b.input_type) {
    return sendJson(io, 400, cohereErrorBody(400, 'invalid request: valid input_type must be provided with the provided model'));
  }
  const dims = typeof b.output_dimension === 'number' ? b.output_dimension : 64;
  const tokens = texts.reduce((a, t) => a + simTokens(t), 0);
  await sendJson(io, 200, {
    id: `sim-embed-${io.rec.seq}`,
    embeddings: { float: texts.map((t) => embedText(t, dims)) },
    texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: tokens } },
    response_type: 'embeddings_by_type',
  });
}

async function rerank(io: SimIO): Promise<void> {
  const b = bodyOf(io);
  if (typeof b.query !== 'string' || !Array.isArray(b.documents)) {
    return sendJson(io, 400, cohereErrorBody(400, 'invalid request: query and documents are required'));
  }
  const docs = (b.documents as unknown[]).map((d) => (typeof d === 'string' ? d : contentText([d])));
  const scored = docs.map((d, index) => ({ index, relevance_score: relevance(b.query as string, d) }));
  scored.sort((x, y) => y.relevance_score - x.relevance_score || x.index - y.index);
  const top = typeof b.top_n === 'number' ? scored.slice(0, b.top_n) : scored;
  await sendJson(io, 200, { id: `sim-rerank-${io.rec.seq}`, results: top, meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } } });
}

async function models(io: SimIO): Promise<void> {
  await sendJson(io, 200, {
    models: [
      { name: 'command-r-plus', endpoints: ['generate', 'chat', 'summarize'], finetuned: false, context_length: 128000 },
      { name: 'embed-english-v3.0', endpoints: ['embed'], finetuned: false, context_length: 512 },
      { name: 'rerank-english-v3.0', endpoints: ['rerank'], finetuned: false, context_length: 4096 },
    ],
  });
}
