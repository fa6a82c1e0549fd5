// Every OpenAI-compatible adapter in the registry: default URLs, auth header styles, env overrides,
// Azure deployment paths, Ollama's /v1, Gemini's model ids, Groq's usage, and unsupported operations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAdapter, listAdapters, requireAdapter } from '../../../src/gateway/providers/index.js';
import { resolveProviderSettings } from '../../../src/gateway/providers/settings.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import type { ChatRequest } from '../../../src/gateway/types.js';
import { fixtureJson, fixtureText, runStream } from './helpers.js';

const REQ: ChatRequest = { model: 'x', messages: [{ role: 'user', content: 'hi' }] };

const EXPECTED_CHAT_URL: Record<string, string> = {
  openai: 'https://api.openai.com/v1/chat/completions',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai/chat/completions',
  ollama: 'http://localhost:11434/v1/chat/completions',
  local: 'http://localhost:8000/v1/chat/completions',
  xai: 'https://api.x.ai/v1/chat/completions',
  mistral: 'https://api.mistral.ai/v1/chat/completions',
  groq: 'https://api.groq.com/openai/v1/chat/completions',
  openrouter: 'https://openrouter.ai/api/v1/chat/completions',
  together: 'https://api.together.xyz/v1/chat/completions',
  fireworks: 'https://api.fireworks.ai/inference/v1/chat/completions',
  perplexity: 'https://api.perplexity.ai/chat/completions',
  novita: 'https://api.novita.ai/v3/openai/chat/completions',
  nvidia_nim: 'https://integrate.api.nvidia.com/v1/chat/completions',
  huggingface: 'https://router.huggingface.co/v1/chat/completions',
  vercel_ai_gateway: 'https://ai-gateway.vercel.sh/v1/chat/completions',
  anthropic: 'https://api.anthropic.com/v1/messages',
  cohere: 'https://api.cohere.com/v2/chat',
};

const KEY_ENV: Record<string, string | undefined> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  xai: 'XAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  openrouter: 'OPENROUTER_API_KEY',
  azure: 'AZURE_API_KEY',
  mistral: 'MISTRAL_API_KEY',
  cohere: 'COHERE_API_KEY',
  nvidia_nim: 'NVIDIA_NIM_API_KEY',
  huggingface: 'HUGGINGFACE_API_KEY',
  groq: 'GROQ_API_KEY',
  fireworks: 'FIREWORKS_API_KEY',
  novita: 'NOVITA_API_KEY',
  together: 'TOGETHER_API_KEY',
  perplexity: 'PERPLEXITY_API_KEY',
  vercel_ai_gateway: 'VERCEL_AI_GATEWAY_API_KEY',
};

test('the registry holds every provider the issue requires, and nothing else is silently added', () => {
  assert.deepEqual(
    listAdapters().map((a) => a.id).sort(),
    [...Object.keys(EXPECTED_CHAT_URL), 'azure'].sort(),
  );
  for (const a of listAdapters()) assert.equal(getAdapter(a.id), a);
  assert.equal(getAdapter('constructor'), undefined, 'no prototype keys');
});

test('key env var names follow the reference prefix table', () => {
  for (const [id, env] of Object.entries(KEY_ENV)) assert.equal(getAdapter(id)!.apiKeyEnv, env, id);
  assert.equal(getAdapter('ollama')!.keyOptional, true);
  assert.equal(getAdapter('local')!.keyOptional, true);
});

test('default chat URLs and bearer auth for each provider (keys from the environment)', () => {
  for (const [id, url] of Object.entries(EXPECTED_CHAT_URL)) {
    const a = getAdapter(id)!;
    const env = a.apiKeyEnv ? { [a.apiKeyEnv]: `key-${id}` } : {};
    const r = a.buildChat(REQ, 'm', resolveProviderSettings(a, env));
    assert.equal(r.url, url, id);
    if (id === 'anthropic') assert.equal(r.headers['x-api-key'], `key-${id}`);
    else if (id === 'ollama' || id === 'local') assert.equal(r.headers.authorization, `Bearer key-${id}`, 'optional key still sent when set');
    else assert.equal(r.headers.authorization, `Bearer key-${id}`, id);
  }
});

test('every base URL can be overridden by <ID>_BASE_URL env and, above it, by config', () => {
  for (const a of listAdapters()) {
    const env: Record<string, string> = { [a.baseUrlEnv]: 'http://127.0.0.1:9/prefix/' };
    if (a.apiKeyEnv) env[a.apiKeyEnv] = 'k';
    const fromEnv = a.buildChat(REQ, 'dep', resolveProviderSettings(a, env));
    assert.ok(fromEnv.url.startsWith('http://127.0.0.1:9/prefix/'), `${a.id}: ${fromEnv.url}`);
    assert.ok(!fromEnv.url.includes('prefix//'), `${a.id}: no double slash`);
    const fromConfig = a.buildChat(REQ, 'dep', resolveProviderSettings(a, env, { baseUrl: 'http://127.0.0.1:10' }));
    assert.ok(fromConfig.url.startsWith('http://127.0.0.1:10/'), `${a.id}: ${fromConfig.url}`);
  }
  assert.equal(getAdapter('openai')!.baseUrlEnv, 'OPENAI_BASE_URL');
  assert.equal(getAdapter('azure')!.baseUrlEnv, 'AZURE_API_BASE');
  assert.equal(getAdapter('ollama')!.baseUrlEnv, 'OLLAMA_BASE_URL');
  assert.equal(getAdapter('local')!.baseUrlEnv, 'LOCAL_BASE_URL');
});

test('ollama: no key needed, /v1 appended once, default http://localhost:11434', () => {
  const a = getAdapter('ollama')!;
  const r = a.buildChat(REQ, 'llama3.2', resolveProviderSettings(a, {}));
  assert.equal(r.headers.authorization, undefined);
  assert.equal(JSON.parse(r.body as string).model, 'llama3.2');
  assert.equal(a.buildChat(REQ, 'm', resolveProviderSettings(a, { OLLAMA_BASE_URL: 'http://gpu:11434/v1' })).url, 'http://gpu:11434/v1/chat/completions');
});

test('azure: deployment path, api-version, api-key header, no model in body; missing base is explained', () => {
  const a = getAdapter('azure')!;
  const s = resolveProviderSettings(a, { AZURE_API_KEY: 'az', AZURE_API_BASE: 'https://res.openai.azure.com/' });
  assert.equal(s.apiVersion, '2024-10-21');
  const r = a.buildChat({ ...REQ, stream: true }, 'my-gpt4o', s);
  assert.equal(r.url, 'https://res.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21');
  assert.equal(r.headers['api-key'], 'az');
  assert.equal(r.headers.authorization, undefined);
  const body = JSON.parse(r.body as string);
  assert.equal(body.model, undefined);
  assert.deepEqual(body.stream_options, { include_usage: true });
  const v = resolveProviderSettings(a, { AZURE_API_KEY: 'az', AZURE_API_BASE: 'https://r', AZURE_API_VERSION: '2025-01-01-preview' });
  assert.match(a.buildEmbeddings!({ model: 'e', input: 'x' }, 'emb', v).url, /\/openai\/deployments\/emb\/embeddings\?api-version=2025-01-01-preview$/);
  assert.match(a.buildListModels!(v).url, /\/openai\/models\?api-version=/);
  assert.equal(resolveProviderSettings(a, { AZURE_API_KEY: 'az', AZURE_API_BASE: 'https://r' }, { apiVersion: '2024-06-01' }).apiVersion, '2024-06-01');
  assert.throws(() => a.buildChat(REQ, 'd', resolveProviderSettings(a, { AZURE_API_KEY: 'az' })), (e: unknown) => e instanceof GatewayError && /AZURE_API_BASE/.test(e.message));
  assert.deepEqual(a.parseChat(fixtureJson('azure/chat-response.json'), 'my-gpt4o').usage, { completion_tokens: 4, prompt_tokens: 11, total_tokens: 15 });
});

test('streamUsage: providers that reject stream_options are not sent it', () => {
  for (const id of ['mistral', 'together', 'fireworks', 'perplexity', 'groq']) {
    const a = getAdapter(id)!;
    const r = a.buildChat({ ...REQ, stream: true }, 'm', { apiKey: 'k', baseUrl: a.defaultBaseUrl });
    assert.equal(JSON.parse(r.body as string).stream_options, undefined, id);
    assert.equal(r.injectedUsage, undefined, id);
  }
});

test('groq: usage from x_groq on the final chunk (recorded stream)', () => {
  const r = runStream(getAdapter('groq')!, fixtureText('groq/chat-stream.sse'), 10);
  assert.equal(r.error, undefined);
  assert.deepEqual(r.parser.usage(), { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
  assert.deepEqual(r.chunks.at(-1)!.usage, { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
});

test('gemini: recorded stream and model ids without the "models/" prefix', () => {
  const a = getAdapter('gemini')!;
  const r = runStream(a, fixtureText('gemini/chat-stream.sse'), 6);
  assert.equal(r.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Gemini says hello.');
  assert.deepEqual(r.parser.usage(), { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
  assert.deepEqual(a.parseListModels!(fixtureJson('gemini/models.json')).map((m) => m.id), ['gemini/gemini-2.0-flash', 'gemini/text-embedding-004']);
});

test('operations a provider does not have fail with unsupported_operation naming the provider', () => {
  const p = getAdapter('perplexity')!;
  assert.equal(p.operations.has('embeddings'), false);
  assert.throws(() => p.buildEmbeddings!({ model: 'x', input: 'y' }, 'x', { apiKey: 'k', baseUrl: 'http://x' }), (e: unknown) => e instanceof GatewayError && e.code === 'unsupported_operation' && /Perplexity/.test(e.message));
  assert.equal(getAdapter('openai')!.buildRerank, undefined, 'OpenAI has no rerank endpoint');
  assert.equal(typeof getAdapter('together')!.buildRerank, 'function', 'Together reranks (OpenAI-style /rerank)');
  assert.equal(getAdapter('cohere')!.operations.has('rerank'), true);
});

test('requireAdapter: not-built prefixes and unknown ids are named in the error', () => {
  for (const id of ['vertex_ai', 'deepgram', 'replicate']) {
    assert.throws(() => requireAdapter(id), (e: unknown) => e instanceof GatewayError && e.code === 'unsupported_provider' && e.message.includes(`"${id}/"`));
  }
  assert.throws(() => requireAdapter('nope'), (e: unknown) => e instanceof GatewayError && e.code === 'unknown_model');
});

test('non-OpenAI compatible servers get system instead of developer and max_tokens instead of max_completion_tokens', () => {
  const req: ChatRequest = { model: 'x', messages: [{ role: 'developer', content: 'rules' }, { role: 'user', content: 'hi' }], max_completion_tokens: 50 };
  const groq = JSON.parse(getAdapter('groq')!.buildChat(req, 'm', { apiKey: 'k', baseUrl: 'http://x' }).body as string);
  assert.deepEqual(groq.messages[0], { role: 'system', content: 'rules' });
  assert.equal(groq.max_tokens, 50);
  assert.equal(groq.max_completion_tokens, undefined);
  assert.equal(req.messages[0].role, 'developer', 'the caller request is not mutated');
  const oa = JSON.parse(getAdapter('openai')!.buildChat(req, 'm', { apiKey: 'k', baseUrl: 'http://x' }).body as string);
  assert.equal(oa.messages[0].role, 'developer');
  assert.equal(oa.max_completion_tokens, 50);
  assert.equal(oa.max_tokens, undefined);
});

test('errorMessage reads each provider error shape', () => {
  const a = getAdapter('gemini')!;
  assert.equal(a.errorMessage([{ error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } }], 400), 'API key not valid. Please pass a valid API key.');
  assert.equal(getAdapter('huggingface')!.errorMessage({ error: 'Model is overloaded' }, 503), 'Model is overloaded');
  assert.equal(getAdapter('mistral')!.errorMessage({ object: 'error', message: 'Unauthorized', type: 'invalid_request_error' }, 401), 'Unauthorized');
  assert.equal(getAdapter('together')!.errorMessage({ detail: [{ loc: ['body', 'model'], msg: 'field required' }] }, 422), 'field required');
  assert.equal(getAdapter('openai')!.errorMessage('<html>502</html>', 502), '<html>502</html>');
});

test('azure: recorded stream with the prompt-filter chunk first; usage from the final chunk', () => {
  const r = runStream(getAdapter('azure')!, fixtureText('azure/chat-stream.sse'), 13);
  assert.equal(r.error, undefined);
  assert.equal(r.chunks.length, 5, 'every upstream event is one chunk, the filter-results chunk included');
  assert.equal(r.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hi from Azure');
  assert.deepEqual(r.parser.usage(), { completion_tokens: 4, prompt_tokens: 9, total_tokens: 13 });
});

test('mistral: recorded stream, usage sent unasked on the last content chunk', () => {
  const r = runStream(getAdapter('mistral')!, fixtureText('mistral/chat-stream.sse'), 4);
  assert.equal(r.chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Bonjour !');
  assert.deepEqual(r.parser.usage(), { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  assert.equal(r.chunks.at(-1)!.choices[0].finish_reason, 'stop');
});
