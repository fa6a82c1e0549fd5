// Exact-key canonicalisation: key order never matters; every parameter that can change the answer does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactKey, canonicalJson, semanticTarget } from '../../../src/gateway/cache/key.js';
import type { ChatRequest } from '../../../src/gateway/types.js';

const base: ChatRequest = {
  model: 'gpt-4o',
  temperature: 0.2,
  top_p: 1,
  max_tokens: 100,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Explain closures in JavaScript' },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
  response_format: { type: 'json_object' },
};

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
});

test('key order at any depth does not change the key', () => {
  const shuffled = JSON.parse(JSON.stringify({
    response_format: base.response_format,
    tools: [{ function: { parameters: { properties: { q: { type: 'string' } }, type: 'object' }, name: 'lookup' }, type: 'function' }],
    messages: base.messages.map((m) => ({ content: m.content, role: m.role })),
    max_tokens: 100, top_p: 1, temperature: 0.2, model: 'gpt-4o',
  })) as ChatRequest;
  assert.equal(exactKey(shuffled, 'openai'), exactKey(base, 'openai'));
});

test('transport fields (stream, stream_options, user) do not change the key', () => {
  assert.equal(exactKey({ ...base, stream: true, stream_options: { include_usage: true }, user: 'u1' }, 'openai'), exactKey(base, 'openai'));
});

test('every sampling parameter, tool, format, system prompt, message and provider changes the key', () => {
  const k = exactKey(base, 'openai');
  const variants: Array<[string, ChatRequest, string?]> = [
    ['provider', base, 'azure'],
    ['model', { ...base, model: 'gpt-4o-mini' }],
    ['temperature', { ...base, temperature: 0.3 }],
    ['top_p', { ...base, top_p: 0.9 }],
    ['max_tokens', { ...base, max_tokens: 101 }],
    ['max_completion_tokens', { ...base, max_completion_tokens: 50 }],
    ['stop', { ...base, stop: ['\n'] }],
    ['n', { ...base, n: 2 }],
    ['presence_penalty', { ...base, presence_penalty: 0.1 }],
    ['frequency_penalty', { ...base, frequency_penalty: 0.1 }],
    ['seed', { ...base, seed: 7 }],
    ['logprobs', { ...base, logprobs: true }],
    ['reasoning_effort', { ...base, reasoning_effort: 'high' }],
    ['unknown passthrough field', { ...base, verbosity: 'low' }],
    ['tool_choice', { ...base, tool_choice: 'required' }],
    ['tools', { ...base, tools: [] }],
    ['response_format', { ...base, response_format: { type: 'text' } }],
    ['system prompt', { ...base, messages: [{ role: 'system', content: 'You are verbose.' }, base.messages[1]] }],
    ['user message', { ...base, messages: [base.messages[0], { role: 'user', content: 'Explain closures in TypeScript' }] }],
  ];
  for (const [name, req, provider] of variants) assert.notEqual(exactKey(req, provider ?? 'openai'), k, `${name} must change the key`);
});

test('semantic scope ignores the prompt and temperature but not the system prompt, tools or provider', () => {
  const opts = { maxTemperature: 0.7, multiTurn: false };
  const t = semanticTarget(base, 'openai', opts);
  assert.ok(!('skip' in t));
  const scopeOf = (r: ChatRequest, p = 'openai') => {
    const x = semanticTarget(r, p, opts);
    assert.ok(!('skip' in x));
    return x.scope;
  };
  assert.equal(scopeOf({ ...base, temperature: 0, messages: [base.messages[0], { role: 'user', content: 'other prompt' }] }), t.scope);
  assert.notEqual(scopeOf({ ...base, messages: [{ role: 'system', content: 'Be kind.' }, base.messages[1]] }), t.scope);
  assert.notEqual(scopeOf({ ...base, tools: undefined }), t.scope);
  assert.notEqual(scopeOf(base, 'anthropic'), t.scope);
  assert.notEqual(scopeOf({ ...base, max_tokens: 5 }), t.scope);
  assert.deepEqual(semanticTarget({ ...base, temperature: 0.9 }, 'openai', opts), { skip: 'temperature' });
  const multi: ChatRequest = { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] };
  assert.deepEqual(semanticTarget(multi, 'openai', opts), { skip: 'multi-turn' });
  const m1 = semanticTarget(multi, 'openai', { ...opts, multiTurn: true });
  const m2 = semanticTarget({ ...multi, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'B' }, { role: 'user', content: 'c' }] }, 'openai', { ...opts, multiTurn: true });
  assert.ok(!('skip' in m1) && !('skip' in m2));
  assert.notEqual(m1.scope, m2.scope, 'a different conversation prefix is a different scope');
  assert.deepEqual(semanticTarget({ ...base, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:x' } }] }] }, 'openai', opts), { skip: 'non-text' });
  assert.deepEqual(semanticTarget({ ...base, messages: [{ role: 'user', content: 'word '.repeat(2000) }] }, 'openai', opts), { skip: 'too-long' });
  const parts = semanticTarget({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'Explain' }, { type: 'text', text: 'closures' }] }] }, 'openai', opts);
  assert.ok(!('skip' in parts) && parts.prompt === 'Explain\nclosures', 'text parts are joined');
});
