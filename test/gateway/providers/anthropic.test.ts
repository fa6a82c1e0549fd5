// Anthropic adapter: OpenAI → Messages request translation, Messages → OpenAI response translation and
// the SSE event sequence → OpenAI chunks, pinned against recorded wire fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicAdapter, toAnthropicRequest, ANTHROPIC_VERSION } from '../../../src/gateway/providers/anthropic.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import type { ChatRequest } from '../../../src/gateway/types.js';
import { fixtureJson, fixtureText, runStream, stable } from './helpers.js';

const S = { apiKey: 'sk-ant-test', baseUrl: 'https://api.anthropic.com' };

test('request translation: system, images, tool calls/results, merged turns, params (recorded fixture)', () => {
  const fx = fixtureJson<{ openai: ChatRequest; anthropic: Record<string, unknown> }>('anthropic/request-from-openai.json');
  assert.deepEqual(toAnthropicRequest(fx.openai, 'claude-sonnet-4-6'), fx.anthropic);
});

test('buildChat: /v1/messages, x-api-key + anthropic-version headers, default max_tokens, usage flag', () => {
  const r = anthropicAdapter.buildChat({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], stream: true }, 'claude-sonnet-4-6', S);
  assert.equal(r.url, 'https://api.anthropic.com/v1/messages');
  assert.equal(r.headers['x-api-key'], 'sk-ant-test');
  assert.equal(r.headers['anthropic-version'], ANTHROPIC_VERSION);
  assert.equal(r.headers.authorization, undefined, 'Anthropic keys never go in a bearer header');
  assert.deepEqual(JSON.parse(r.body as string), { model: 'claude-sonnet-4-6', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }], stream: true });
  assert.equal(r.injectedUsage, true);
  // A base URL given with /v1 (as some proxies document it) is not doubled.
  assert.equal(anthropicAdapter.buildChat({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }, 'x', { ...S, baseUrl: 'http://proxy/v1' }).url, 'http://proxy/v1/messages');
});

test('tool_choice variants and bad tool arguments', () => {
  const base: ChatRequest = {
    model: 'c',
    messages: [{ role: 'user', content: 'x' }],
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
  };
  assert.deepEqual(toAnthropicRequest({ ...base, tool_choice: 'required' }, 'c').tool_choice, { type: 'any' });
  assert.deepEqual(toAnthropicRequest({ ...base, tool_choice: 'auto' }, 'c').tool_choice, { type: 'auto' });
  assert.deepEqual(toAnthropicRequest({ ...base, tool_choice: 'none' }, 'c').tool_choice, { type: 'none' });
  assert.equal(toAnthropicRequest(base, 'c').tool_choice, undefined);
  assert.throws(
    () =>
      toAnthropicRequest(
        { model: 'c', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{bad' } }] }] },
        'c',
      ),
    (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request' && /"f"/.test(e.message),
  );
  assert.throws(() => toAnthropicRequest({ model: 'c', messages: [{ role: 'system', content: 'only system' }] }, 'c'), (e: unknown) => e instanceof GatewayError && e.code === 'invalid_request');
});

test('parseChat: text response (recorded)', () => {
  const r = anthropicAdapter.parseChat(fixtureJson('anthropic/messages-response.json'), 'claude-sonnet-4-6');
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.id, 'msg_01XFDUDYJgAACzvnptvVoYEL');
  assert.equal(r.model, 'claude-sonnet-4-5-20250929');
  assert.deepEqual(r.choices, [{ index: 0, message: { role: 'assistant', content: 'Hello! My name is Claude.' }, finish_reason: 'stop' }]);
  assert.deepEqual(r.usage, { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 });
});

test('parseChat: tool_use → tool_calls, cache reads count as prompt tokens (recorded)', () => {
  const r = anthropicAdapter.parseChat(fixtureJson('anthropic/messages-tool-use.json'), 'claude-sonnet-4-6');
  assert.equal(r.choices[0].finish_reason, 'tool_calls');
  assert.equal(r.choices[0].message.content, "I'll check the current weather in San Francisco for you.");
  assert.deepEqual(r.choices[0].message.tool_calls, [
    { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
  ]);
  assert.deepEqual(r.usage, { prompt_tokens: 484, completion_tokens: 92, total_tokens: 576 });
});

test('parseChat: an error body is an error with the provider message', () => {
  assert.throws(
    () => anthropicAdapter.parseChat(fixtureJson('anthropic/error-overloaded.json'), 'c'),
    (e: unknown) => e instanceof GatewayError && /Overloaded/.test(e.message) && e.status === 503,
  );
  assert.equal(anthropicAdapter.errorMessage(fixtureJson('anthropic/error-overloaded.json'), 529), 'Overloaded');
});

for (const name of ['stream-text', 'stream-tool-use']) {
  test(`stream ${name}: event sequence → pinned OpenAI chunks at every split size, CRLF too`, () => {
    const text = fixtureText(`anthropic/${name}.sse`);
    const expected = fixtureJson(`anthropic/${name}.expected.json`);
    for (const variant of [text, text.replace(/\n/g, '\r\n')]) {
      for (const size of [0, 1, 2, 7, 64]) {
        const r = runStream(anthropicAdapter, variant, size, 'claude-sonnet-4-6');
        assert.equal(r.error, undefined);
        assert.deepEqual(stable(r.chunks), expected, `size ${size}`);
        assert.equal(r.parser.done(), true);
      }
    }
  });
}

test('stream: text, tool arguments, finish reason and usage add up', () => {
  const r = runStream(anthropicAdapter, fixtureText('anthropic/stream-tool-use.sse'), 9, 'claude-sonnet-4-6');
  const text = r.chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  assert.equal(text, "Okay, let's check the weather.");
  const args = r.chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '').join('');
  assert.deepEqual(JSON.parse(args), { location: 'San Francisco, CA', unit: 'fahrenheit' });
  assert.deepEqual(r.parser.usage(), { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
  const last = r.chunks.at(-1)!;
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 });
});

test('stream: no message_stop → stream_truncated; error event → upstream error with its message', () => {
  const cut = fixtureText('anthropic/stream-text.sse').replace(/event: message_stop\ndata: .*\n\n/, '');
  const r = runStream(anthropicAdapter, cut, 5, 'c');
  assert.ok(r.error instanceof GatewayError && r.error.code === 'stream_truncated', String(r.error));
  assert.match((r.error as Error).message, /message_stop/);
  const e = runStream(anthropicAdapter, fixtureText('anthropic/stream-error.sse'), 3, 'c');
  assert.ok(e.error instanceof GatewayError && e.error.code === 'upstream_error' && /Overloaded/.test(e.error.message));
  assert.equal(e.chunks.length, 1, 'the role chunk from message_start was emitted before the error');
});

test('native passthrough: body sent as-is (provider prefix stripped), models listed with the prefix', () => {
  const body = { model: 'anthropic/claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true, metadata: { user_id: 'u' } };
  const r = anthropicAdapter.buildAnthropicMessages!(body, S);
  assert.equal(r.url, 'https://api.anthropic.com/v1/messages');
  assert.deepEqual(JSON.parse(r.body as string), { ...body, model: 'claude-sonnet-4-6' });
  assert.equal(r.headers.accept, 'text/event-stream');
  const same = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [] };
  assert.equal(anthropicAdapter.buildAnthropicMessages!(same, S).body, JSON.stringify(same));

  const models = anthropicAdapter.parseListModels!({ data: [{ type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude', created_at: '2025-02-19T00:00:00Z' }], has_more: false });
  assert.deepEqual(models, [{ id: 'anthropic/claude-sonnet-4-6', object: 'model', created: 1739923200, owned_by: 'anthropic', provider: 'anthropic' }]);
});
