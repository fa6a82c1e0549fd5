// `@anthropic-ai/sdk`, unchanged except baseURL + apiKey, against the native /anthropic path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let client: Anthropic;
before(async () => {
  h = await startHarness();
  client = new Anthropic({ baseURL: `${h.url}/anthropic`, apiKey: h.token, maxRetries: 0 });
});
after(async () => {
  await h.close();
});

test('messages.create (JSON) passes through', async () => {
  const msg = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hello anthropic' }] });
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  const text = msg.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  assert.match(text, /hello anthropic/);
  assert.ok(msg.usage.input_tokens > 0 && msg.usage.output_tokens > 0);
  const sent = h.sim.requests.at(-1)!;
  assert.equal(sent.path, '/anthropic/v1/messages');
  assert.equal((sent.body as { system?: string }).system, 'be brief');
  assert.notEqual(sent.apiKey, h.token, 'the provider key goes upstream, not the local token');
});

test('messages.stream passes the SSE event sequence through', async () => {
  const stream = client.messages.stream({ model: 'anthropic/claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'stream me please' }] });
  const types: string[] = [];
  stream.on('streamEvent', (e) => types.push(e.type));
  const final = await stream.finalMessage();
  const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
  assert.match(text, /stream me please/);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.ok(types.includes('content_block_delta'));
  // The prefix was stripped before the body went upstream.
  assert.equal((h.sim.requests.at(-1)!.body as { model: string }).model, 'claude-sonnet-4-5');
});

test('errors come back Anthropic-shaped with the right class', async () => {
  await assert.rejects(
    client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof Anthropic.BadRequestError && /Anthropic models only/.test(e.message),
  );
  const bad = new Anthropic({ baseURL: `${h.url}/anthropic`, apiKey: 'wrong', maxRetries: 0 });
  await assert.rejects(bad.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError);
  h.sim.script({ match: '/v1/messages', status: 529, errorMessage: 'Overloaded right now', times: 3 });
  await assert.rejects(
    client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof Anthropic.APIError && e.status === 502 && /Overloaded right now/.test(e.message),
  );
});

test('a truncated native stream ends with an Anthropic error event', async () => {
  h.sim.script({ match: '/v1/messages', fault: 'truncate' });
  const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'cut me off' }] });
  await assert.rejects(stream.finalMessage(), (e: unknown) => e instanceof Error && /message_stop|incomplete|ended/i.test(e.message));
});
