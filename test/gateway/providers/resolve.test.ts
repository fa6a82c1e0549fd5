// Model routing rules (prefix, auto-detection, errors that list what is accepted), provider settings
// resolution (env names, overrides, explicit keys) and the price table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveModel } from '../../../src/gateway/routing/resolve.js';
import { resolveProviderSettings, isProviderConfigured } from '../../../src/gateway/providers/settings.js';
import { getAdapter } from '../../../src/gateway/providers/index.js';
import { costUsd, priceFor, rerankCostUsd } from '../../../src/gateway/pricing.js';
import { GatewayError } from '../../../src/gateway/errors.js';

test('auto-detection per the reference (no prefix needed)', () => {
  const cases: Array<[string, string]> = [
    ['gpt-4o', 'openai'],
    ['gpt-4o-mini', 'openai'],
    ['o1', 'openai'],
    ['o1-mini', 'openai'],
    ['o3-mini', 'openai'],
    ['o4-mini', 'openai'],
    ['chatgpt-4o-latest', 'openai'],
    ['whisper-1', 'openai'],
    ['dall-e-3', 'openai'],
    ['text-embedding-3-small', 'openai'],
    ['tts-1-hd', 'openai'],
    ['ft:gpt-4o-mini-2024-07-18:acme::9xYz', 'openai'],
    ['claude-sonnet-4-6', 'anthropic'],
    ['claude-3-opus-20240229', 'anthropic'],
    ['gemini-1.5-pro', 'gemini'],
    ['gemini-2.0-flash', 'gemini'],
  ];
  for (const [model, provider] of cases) assert.deepEqual(resolveModel(model), { provider, model }, model);
});

test('explicit prefixes, including models that contain slashes', () => {
  assert.deepEqual(resolveModel('openai/gpt-4o'), { provider: 'openai', model: 'gpt-4o' });
  assert.deepEqual(resolveModel('anthropic/claude-3-5-haiku-20241022'), { provider: 'anthropic', model: 'claude-3-5-haiku-20241022' });
  assert.deepEqual(resolveModel('openrouter/meta-llama/llama-3.1-405b'), { provider: 'openrouter', model: 'meta-llama/llama-3.1-405b' });
  assert.deepEqual(resolveModel('ollama/llama3.2'), { provider: 'ollama', model: 'llama3.2' });
  assert.deepEqual(resolveModel('azure/my-gpt4o-deployment'), { provider: 'azure', model: 'my-gpt4o-deployment' });
  assert.deepEqual(resolveModel('nvidia_nim/meta/llama3-70b-instruct'), { provider: 'nvidia_nim', model: 'meta/llama3-70b-instruct' });
  assert.deepEqual(resolveModel('vercel_ai_gateway/openai/gpt-4o'), { provider: 'vercel_ai_gateway', model: 'openai/gpt-4o' });
  for (const p of ['xai', 'mistral', 'cohere', 'groq', 'together', 'fireworks', 'perplexity', 'novita', 'huggingface', 'local', 'gemini']) {
    assert.equal(resolveModel(`${p}/some-model`).provider, p);
  }
  assert.deepEqual(resolveModel('fast', { aliases: { fast: 'groq/llama-3.1-8b-instant' } }), { provider: 'groq', model: 'llama-3.1-8b-instant' });
});

test('unknown models never fall through to OpenAI: the error lists prefixes and patterns', () => {
  for (const m of ['llama3', 'mistral-large-latest', 'meta-llama/Llama-3-8B', 'GPT4', 'o2-mini', 'command-r-plus']) {
    assert.throws(
      () => resolveModel(m),
      (e: unknown) =>
        e instanceof GatewayError &&
        e.code === 'unknown_model' &&
        e.status === 400 &&
        e.message.includes(`"${m}"`) &&
        e.message.includes('anthropic/') &&
        e.message.includes('ollama/') &&
        e.message.includes('gpt-*') &&
        e.message.includes('claude-*'),
      m,
    );
  }
});

test('known-but-not-built prefixes name the prefix; empty model names are invalid', () => {
  for (const p of ['vertex_ai', 'deepgram', 'replicate']) {
    assert.throws(() => resolveModel(`${p}/anything`), (e: unknown) => e instanceof GatewayError && e.code === 'unsupported_provider' && e.message.includes(`"${p}/"`));
  }
  assert.throws(() => resolveModel(''), (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request');
  assert.throws(() => resolveModel('groq/'), (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request' && /groq\//.test(e.message));
});

test('settings: env names, explicit keys win, config base over env, trailing slash trimmed', () => {
  const a = getAdapter('anthropic')!;
  assert.deepEqual(resolveProviderSettings(a, {}), { baseUrl: 'https://api.anthropic.com' });
  assert.deepEqual(resolveProviderSettings(a, { ANTHROPIC_API_KEY: 'env-key', ANTHROPIC_BASE_URL: 'http://proxy:1/' }), { apiKey: 'env-key', baseUrl: 'http://proxy:1' });
  assert.equal(resolveProviderSettings(a, { ANTHROPIC_API_KEY: 'env-key' }, undefined, { anthropic: 'secret-key' }).apiKey, 'secret-key');
  assert.equal(resolveProviderSettings(a, { ANTHROPIC_API_KEY: 'env-key' }, undefined, { ANTHROPIC_API_KEY: 'secret2' }).apiKey, 'secret2');
  assert.equal(resolveProviderSettings(a, { ANTHROPIC_API_KEY: '  ' }).apiKey, undefined, 'blank env values do not count');
  const s = resolveProviderSettings(a, { ANTHROPIC_BASE_URL: 'http://env' }, { baseUrl: 'http://config/', headers: { 'x-extra': '1' } });
  assert.equal(s.baseUrl, 'http://config');
  assert.deepEqual(s.headers, { 'x-extra': '1' });
  assert.equal(isProviderConfigured(a, resolveProviderSettings(a, {})), false);
  assert.equal(isProviderConfigured(a, resolveProviderSettings(a, { ANTHROPIC_API_KEY: 'k' })), true);
  assert.equal(isProviderConfigured(getAdapter('ollama')!, resolveProviderSettings(getAdapter('ollama')!, {})), true);
  assert.equal(isProviderConfigured(getAdapter('azure')!, resolveProviderSettings(getAdapter('azure')!, { AZURE_API_KEY: 'k' })), false, 'Azure also needs AZURE_API_BASE');
});

test('pricing: longest prefix wins, dated model names match, local is free, unknown is 0', () => {
  const u = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000, total_tokens: 2_000_000 };
  assert.equal(costUsd('openai', 'gpt-4o', u), 12.5);
  assert.equal(costUsd('openai', 'gpt-4o-mini-2024-07-18', u), 0.75, 'gpt-4o-mini, not gpt-4o');
  assert.equal(costUsd('openai', 'o1-mini', u), 5.5, 'o1-mini, not o1');
  assert.equal(costUsd('anthropic', 'claude-sonnet-4-5-20250929', { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }), 0.0105);
  assert.equal(costUsd('anthropic', 'anthropic/claude-3-5-haiku-20241022', u), 4.8, 'provider prefix tolerated');
  assert.equal(costUsd('azure', 'gpt-4o', u), 12.5, 'Azure deployments priced as the OpenAI model');
  assert.equal(costUsd('openrouter', 'anthropic/claude-3.5-sonnet', u), 18, 'aggregators use the vendor table');
  assert.equal(costUsd('ollama', 'llama3.2', u), 0);
  assert.equal(priceFor('ollama', 'llama3.2')?.free, true);
  assert.equal(costUsd('local', 'my-model', u), 0);
  assert.equal(priceFor('groq', 'no-such-model'), undefined);
  assert.equal(costUsd('groq', 'no-such-model', u), 0);
  assert.equal(costUsd('openai', 'gpt-4o', undefined), 0);
  assert.equal(costUsd('gemini', 'gemini-2.0-flash-001', { prompt_tokens: 10_000, completion_tokens: 1_000, total_tokens: 11_000 }), 0.0014);
  assert.equal(rerankCostUsd('cohere', 'rerank-v3.5', 3), 0.006);
  assert.equal(rerankCostUsd('openai', 'gpt-4o', 3), 0);
});

test('price data file: every entry has non-negative numeric prices, and every built provider resolves', async () => {
  const data = (await import('../../../src/gateway/pricing-data.json')).default as Record<string, unknown>;
  for (const [provider, models] of Object.entries(data)) {
    if (provider.startsWith('_')) continue;
    for (const [prefix, e] of Object.entries(models as Record<string, { input: unknown; output: unknown }>)) {
      assert.ok(typeof e.input === 'number' && e.input >= 0 && typeof e.output === 'number' && e.output >= 0, `${provider}/${prefix}`);
    }
  }
  assert.ok(priceFor('mistral', 'mistral-large-latest'));
  assert.ok(priceFor('xai', 'grok-2-latest'));
  assert.ok(priceFor('cohere', 'command-r-plus'));
  assert.ok(priceFor('perplexity', 'sonar-pro'));
  assert.ok(priceFor('vercel_ai_gateway', 'openai/gpt-4o-mini'));
});
