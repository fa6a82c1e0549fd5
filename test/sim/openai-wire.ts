/**
 * The simulator's OpenAI wire format (also Azure deployment paths, Gemini's /v1beta/openai, Ollama's /v1
 * and every OpenAI-compatible provider): chat JSON + SSE (`data: [DONE]`), embeddings, models, images,
 * multipart audio transcriptions, binary speech, `/rerank` (Together / vLLM / llama.cpp style), and `{"error":{...}}` errors.
 */
import {
  applyMaxTokens,
  contentText,
  embedText,
  promptTokens,
  relevance,
  replyFor,
  sendBytes,
  sendJson,
  sendStream,
  simTokens,
  splitReply,
  sseEvent,
  toolCallFor,
  type MultipartBody,
  type SimIO,
} from './common.js';

const CREATED = 1_732_000_000;

export const OPENAI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'text-embedding-3-small', 'whisper-1', 'tts-1', 'dall-e-3'];

export function openAiErrorBody(status: number, message: string): Record<string, unknown> {
  const type =
    status === 429 ? 'rate_limit_error' : status === 401 ? 'invalid_request_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : status >= 500 ? 'server_error' : null;
  return { error: { message, type, param: null, code } };
}

export function defaultErrorMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests (simulated). Please try again later.';
  if (status === 401) return 'Incorrect API key provided (simulated).';
  if (status === 404) return 'The model does not exist or you do not have access to it (simulated).';
  if (status >= 500) return 'The server had an error while processing your request (simulated).';
  return 'Invalid request (simulated).';
}

/** Dispatches an OpenAI-format request by path suffix. Returns false when the path is not an OpenAI operation. */
export async function handleOpenAi(io: SimIO): Promise<boolean> {
  const p = io.rec.path;
  const post = io.rec.method === 'POST';
  if (post && p.endsWith('/chat/completions')) await chat(io);
  else if (post && p.endsWith('/embeddings')) await embeddings(io);
  else if (io.rec.method === 'GET' && p.endsWith('/models')) await models(io);
  else if (post && p.endsWith('/images/generations')) await images(io);
  else if (post && p.endsWith('/audio/transcriptions')) await transcription(io);
  else if (post && p.endsWith('/audio/speech')) await speech(io);
  else if (post && p.endsWith('/rerank')) await rerank(io);
  else return false;
  return true;
}

function bodyOf(io: SimIO): Record<string, unknown> {
  const b = io.rec.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/** Azure names the deployment in the path; everyone else sends `model`. */
function modelOf(io: SimIO, body: Record<string, unknown>): string {
  const m = /\/openai\/deployments\/([^/]+)\//.exec(io.rec.path);
  if (m) return decodeURIComponent(m[1]);
  return typeof body.model === 'string' ? body.model : 'unknown-model';
}

async function chat(io: SimIO): Promise<void> {
  const body = bodyOf(io);
  const messages = Array.isArray(body.messages) ? body.messages : [];
  if (!messages.length) {
    await sendJson(io, 400, { error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } });
    return;
  }
  const model = modelOf(io, body);
  const id = `chatcmpl-sim${io.rec.seq}`;
  const lastUser = lastUserText(messages);
  const tool = toolCallFor(io.control, body.tools, lastUser);
  const { text, cut } = applyMaxTokens(replyFor(messages, io.control), body.max_completion_tokens ?? body.max_tokens);
  const prompt = promptTokens(messages);
  const args = tool ? JSON.stringify(tool.arguments) : '';
  const completion = tool ? simTokens(tool.name + args) : simTokens(text);
  const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  const finish = tool ? 'tool_calls' : cut ? 'length' : 'stop';
  const toolCallId = `call_sim${io.rec.seq}`;

  if (!body.stream) {
    const message: Record<string, unknown> = tool
      ? { role: 'assistant', content: null, tool_calls: [{ id: toolCallId, type: 'function', function: { name: tool.name, arguments: args } }], refusal: null }
      : { role: 'assistant', content: text, refusal: null };
    // OpenAI's `n`: n choices, completion tokens counted for each.
    const n = typeof body.n === 'number' && body.n > 1 ? Math.min(Math.floor(body.n), 128) : 1;
    const choices = Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: finish }));
    const usageN = { ...usage, completion_tokens: completion * n, total_tokens: prompt + completion * n };
    await sendJson(
      io,
      200,
      { id, object: 'chat.completion', created: CREATED, model, system_fingerprint: 'fp_sim', choices, usage: usageN },
      { 'x-request-id': `req_sim${io.rec.seq}` },
    );
    return;
  }

  const includeUsage = Boolean((body.stream_options as Record<string, unknown> | undefined)?.include_usage);
  const base = { id, object: 'chat.completion.chunk', created: CREATED, model, system_fingerprint: 'fp_sim' };
  const chunk = (delta: Record<string, unknown>, finish_reason: string | null) =>
    sseEvent({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason }], ...(includeUsage ? { usage: null } : {}) });
  const events: string[] = [];
  if (tool) {
    events.push(chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: toolCallId, type: 'function', function: { name: tool.name, arguments: '' } }] }, null));
    for (const piece of splitReply(args, io.control.chunks ?? Math.min(4, Math.max(1, args.length)))) {
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
    }
  } else {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
    for (const piece of splitReply(text, io.control.chunks)) events.push(chunk({ content: piece }, null));
  }
  events.push(chunk({}, finish));
  if (includeUsage) events.push(sseEvent({ ...base, choices: [], usage }));
  events.push('data: [DONE]\n\n');
  await sendStream(io, {
    events,
    markerCount: 1,
    errorEvent: sseEvent({ error: { message: io.control.errorMessage ?? 'The server had an error while processing your request (simulated).', type: 'server_error', param: null, code: null } }),
  });
}

function lastUserText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Record<string, unknown>;
    if (m && m.role === 'user') return contentText(m.content);
  }
  return '';
}

async function embeddings(io: SimIO): Promise<void> {
  const body = bodyOf(io);
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : null;
  if (!texts || !texts.length) {
    await sendJson(io, 400, { error: { message: "'input' is a required property", type: 'invalid_request_error', param: 'input', code: null } });
    return;
  }
  const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : 64;
  const tokens = texts.reduce((a, t) => a + simTokens(t), 0);
  const data = texts.map((t, index) => {
    const vec = embedText(t, dims);
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec;
    return { object: 'embedding', index, embedding };
  });
  await sendJson(io, 200, { object: 'list', data, model: modelOf(io, body), usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

async function models(io: SimIO): Promise<void> {
  const p = io.rec.path;
  let ids = OPENAI_MODELS;
  let owner = 'system';
  if (p.includes('/v1beta/openai/')) {
    ids = ['models/gemini-2.0-flash', 'models/gemini-1.5-pro', 'models/text-embedding-004'];
    owner = 'google';
  } else if (io.rec.provider === 'ollama') {
    ids = ['llama3.2:latest', 'mistral:latest'];
    owner = 'library';
  } else if (io.rec.provider !== 'openai' && io.rec.provider !== 'azure') {
    ids = [`${io.rec.provider}-model-large`, `${io.rec.provider}-model-small`];
    owner = io.rec.provider;
  }
  await sendJson(io, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: CREATED, owned_by: owner })) });
}

/** `/v1/rerank` as Together, vLLM and llama.cpp serve it (Jina/Cohere-style results, token usage). */
async function rerank(io: SimIO): Promise<void> {
  const b = bodyOf(io);
  if (typeof b.query !== 'string' || !Array.isArray(b.documents)) {
    await sendJson(io, 400, { error: { message: "'query' and 'documents' are required properties", type: 'invalid_request_error', param: 'query', code: null } });
    return;
  }
  const docs = (b.documents as unknown[]).map((d) => (typeof d === 'string' ? d : JSON.stringify(d)));
  const scored = docs.map((d, index) => ({ index, relevance_score: relevance(b.query as string, d), ...(b.return_documents ? { document: { text: d } } : {}) }));
  scored.sort((x, y) => y.relevance_score - x.relevance_score || x.index - y.index);
  const results = typeof b.top_n === 'number' ? scored.slice(0, b.top_n) : scored;
  const tokens = simTokens(b.query) + docs.reduce((n, d) => n + simTokens(d), 0);
  await sendJson(io, 200, { id: `sim-rerank-${io.rec.seq}`, object: 'rerank', model: b.model, results, usage: { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens } });
}

async function images(io: SimIO): Promise<void> {
  const body = bodyOf(io);
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  if (!prompt) {
    await sendJson(io, 400, { error: { message: "'prompt' is a required property", type: 'invalid_request_error', param: 'prompt', code: null } });
    return;
  }
  const n = typeof body.n === 'number' && body.n > 0 ? Math.min(body.n, 10) : 1;
  const data = Array.from({ length: n }, (_, i) =>
    body.response_format === 'b64_json'
      ? { b64_json: Buffer.from(`SIMPNG:${prompt}:${i}`).toString('base64'), revised_prompt: prompt }
      : { url: `https://sim.invalid/images/${io.rec.seq}-${i}.png`, revised_prompt: prompt },
  );
  await sendJson(io, 200, { created: CREATED, data });
}

async function transcription(io: SimIO): Promise<void> {
  const mp = io.rec.body as MultipartBody | undefined;
  const file = mp && typeof mp === 'object' && Array.isArray(mp.files) ? mp.files.find((f) => f.name === 'file') : undefined;
  if (!file) {
    await sendJson(io, 400, { error: { message: "Missing required parameter: 'file'.", type: 'invalid_request_error', param: 'file', code: null } });
    return;
  }
  const text = `Transcribed ${file.filename} (${file.size} bytes)${mp!.fields.language ? ` in ${mp!.fields.language}` : ''}.`;
  const fmt = mp!.fields.response_format ?? 'json';
  if (fmt === 'text' || fmt === 'srt' || fmt === 'vtt') {
    const body = fmt === 'text' ? text : fmt === 'srt' ? `1\n00:00:00,000 --> 00:00:01,000\n${text}\n` : `WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n${text}\n`;
    await sendBytes(io, 200, Buffer.from(body, 'utf8'), 'text/plain; charset=utf-8');
    return;
  }
  if (fmt === 'verbose_json') {
    await sendJson(io, 200, { task: 'transcribe', language: mp!.fields.language ?? 'english', duration: 1, text, segments: [] });
    return;
  }
  await sendJson(io, 200, { text });
}

const AUDIO_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

async function speech(io: SimIO): Promise<void> {
  const body = bodyOf(io);
  if (typeof body.input !== 'string' || typeof body.voice !== 'string') {
    await sendJson(io, 400, { error: { message: "'input' and 'voice' are required properties", type: 'invalid_request_error', param: 'input', code: null } });
    return;
  }
  const fmt = typeof body.response_format === 'string' ? body.response_format : 'mp3';
  // Deterministic "audio": a marker, the voice, and the input bytes (tests compare it byte for byte).
  await sendBytes(io, 200, Buffer.concat([Buffer.from(`SIMAUDIO:${body.voice}:`), Buffer.from(body.input, 'utf8')]), AUDIO_TYPES[fmt] ?? 'audio/mpeg');
}
