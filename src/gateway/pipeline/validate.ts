/**
 * Request validation at the pipeline's door: every operation's required fields and types, with errors
 * that name the field and say what is expected (400 invalid_request). Unknown extra fields pass through.
 */
import { GatewayError } from '../errors.js';
import type { AnthropicMessagesRequest, ChatRequest, EmbeddingRequest, ImageRequest, RerankRequest, SpeechRequest, TranscriptionRequest } from '../types.js';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const CHAT_NUMBER_FIELDS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'n', 'presence_penalty', 'frequency_penalty', 'seed'] as const;

function bad(msg: string, field: string): never {
  throw new GatewayError('invalid_request', msg, { details: { param: field } });
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireModel(body: Record<string, unknown>): void {
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    bad('Missing required field "model" (a model name such as "gpt-4o" or "anthropic/claude-sonnet-4-6").', 'model');
  }
}

function optNumber(body: Record<string, unknown>, field: string): void {
  const v = body[field];
  if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) bad(`Field "${field}" must be a number.`, field);
}

export function validateChat(body: unknown): asserts body is ChatRequest {
  if (!isObj(body)) bad('The request body must be a JSON object with "model" and "messages".', 'body');
  requireModel(body);
  const msgs = body.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) bad('Missing required field "messages" (a non-empty array of {role, content}).', 'messages');
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (!isObj(m)) bad(`messages[${i}] must be an object with "role" and "content".`, `messages[${i}]`);
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) bad(`messages[${i}].role must be one of system, developer, user, assistant, tool.`, `messages[${i}].role`);
    const c = m.content;
    const hasTools = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
    if (c === undefined || c === null) {
      if (!(m.role === 'assistant' && hasTools)) bad(`messages[${i}].content is required (a string or an array of content parts).`, `messages[${i}].content`);
    } else if (typeof c !== 'string' && !Array.isArray(c)) {
      bad(`messages[${i}].content must be a string or an array of content parts.`, `messages[${i}].content`);
    } else if (Array.isArray(c)) {
      for (let j = 0; j < c.length; j++) {
        const p = c[j];
        if (!isObj(p) || typeof p.type !== 'string') bad(`messages[${i}].content[${j}] must be a content part with a "type".`, `messages[${i}].content[${j}]`);
      }
    }
    if (m.role === 'tool' && typeof m.tool_call_id !== 'string') bad(`messages[${i}].tool_call_id is required on role "tool".`, `messages[${i}].tool_call_id`);
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') bad('Field "stream" must be true or false.', 'stream');
  for (const f of CHAT_NUMBER_FIELDS) optNumber(body, f);
  if (body.tools !== undefined && body.tools !== null && !Array.isArray(body.tools)) bad('Field "tools" must be an array of tool definitions.', 'tools');
}

export function validateEmbeddings(body: unknown): asserts body is EmbeddingRequest {
  if (!isObj(body)) bad('The request body must be a JSON object with "model" and "input".', 'body');
  requireModel(body);
  const inp = body.input;
  const ok =
    typeof inp === 'string' ||
    (Array.isArray(inp) && inp.length > 0 && (inp.every((x) => typeof x === 'string') || inp.every((x) => typeof x === 'number') || inp.every((x) => Array.isArray(x))));
  if (!ok) bad('Missing or invalid field "input" (a string or a non-empty array of strings).', 'input');
}

export function validateRerank(body: unknown): asserts body is RerankRequest {
  if (!isObj(body)) bad('The request body must be a JSON object with "model", "query" and "documents".', 'body');
  requireModel(body);
  if (typeof body.query !== 'string' || !body.query) bad('Missing required field "query" (a string).', 'query');
  const docs = body.documents;
  if (!Array.isArray(docs) || docs.length === 0) bad('Missing required field "documents" (a non-empty array of strings).', 'documents');
  // Cohere accepts {text} objects too; normalise to strings so adapters see one shape.
  for (let i = 0; i < docs.length; i++) {
    const d = docs[i];
    if (typeof d === 'string') continue;
    if (isObj(d) && typeof d.text === 'string') docs[i] = d.text;
    else bad(`documents[${i}] must be a string.`, `documents[${i}]`);
  }
  optNumber(body, 'top_n');
}

export function validateImages(body: unknown): asserts body is ImageRequest {
  if (!isObj(body)) bad('The request body must be a JSON object with "prompt".', 'body');
  if (body.model === undefined) body.model = 'dall-e-2'; // OpenAI's own default for this endpoint
  requireModel(body);
  if (typeof body.prompt !== 'string' || !body.prompt) bad('Missing required field "prompt" (a string).', 'prompt');
  optNumber(body, 'n');
}

export function validateSpeech(body: unknown): asserts body is SpeechRequest {
  if (!isObj(body)) bad('The request body must be a JSON object with "model", "input" and "voice".', 'body');
  requireModel(body);
  if (typeof body.input !== 'string' || !body.input) bad('Missing required field "input" (the text to speak).', 'input');
  if (typeof body.voice !== 'string' || !body.voice) bad('Missing required field "voice" (e.g. "alloy").', 'voice');
}

export function validateTranscription(body: unknown): asserts body is TranscriptionRequest {
  if (!isObj(body)) bad('The request must be multipart/form-data with "file" and "model".', 'body');
  requireModel(body);
  const f = body.file;
  if (!isObj(f) || !(f.data instanceof Uint8Array)) bad('Missing required field "file" (the audio file as a multipart upload).', 'file');
}

export function validateAnthropic(body: unknown): asserts body is AnthropicMessagesRequest {
  if (!isObj(body)) bad('The request body must be a JSON object with "model", "messages" and "max_tokens".', 'body');
  requireModel(body);
  if (!Array.isArray(body.messages) || body.messages.length === 0) bad('Missing required field "messages" (a non-empty array).', 'messages');
  if (typeof body.max_tokens !== 'number' || !(body.max_tokens > 0)) bad('Missing required field "max_tokens" (a positive integer).', 'max_tokens');
}
