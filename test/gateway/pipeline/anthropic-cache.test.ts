// The pieces of the native Anthropic cache on their own: the replayed event sequence is accumulated by the
// official SDK (MessageStream) back into the exact message for every block type the API streams, the
// assembler rebuilds a message from those events, and the key view separates what must not share entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { MessageAssembler, cacheKeyView, replayEvents, type NativeMessage } from '../../../src/gateway/pipeline/anthropic-cache.js';
import { exactKey, semanticTarget } from '../../../src/gateway/cache/index.js';
import type { AnthropicMessagesRequest } from '../../../src/gateway/types.js';

const MSG: NativeMessage = {
  id: 'msg_01ABC',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'thinking', thinking: 'The user wants the weather; call the tool.', signature: 'sig-EqQBCgIYAhIM' },
    { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
    {
      type: 'text',
      text: 'Oslo is in Norway. ',
      citations: [{ type: 'char_location', cited_text: 'Oslo is the capital of Norway', document_index: 0, document_title: 'atlas', start_char_index: 0, end_char_index: 29 }],
    },
    { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Oslo', units: ['c', 'f'], nested: { deep: true } } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 120, output_tokens: 64, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
};

test('the official SDK accumulates a replayed message back into the same message', async () => {
  const lines = replayEvents(MSG).map((e) => JSON.parse(e.data));
  assert.deepEqual(lines.map((l) => l.type).slice(0, 2), ['message_start', 'content_block_start']);
  assert.equal(lines.at(-1).type, 'message_stop');
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
      c.close();
    },
  });
  const final = await MessageStream.fromReadableStream(body).finalMessage();
  assert.deepEqual(final.content, MSG.content);
  assert.equal(final.id, MSG.id);
  assert.equal(final.stop_reason, 'tool_use');
  assert.equal(final.stop_sequence, null);
  assert.equal(final.usage.output_tokens, 64);
  assert.equal(final.usage.input_tokens, 120);
});

test('the assembler rebuilds the message from the events (and refuses incomplete or unknown ones)', () => {
  const asm = new MessageAssembler();
  for (const e of replayEvents(MSG)) asm.push(e);
  assert.deepEqual(asm.message(), MSG);

  const cut = new MessageAssembler();
  for (const e of replayEvents(MSG).slice(0, -1)) cut.push(e);
  assert.equal(cut.message(), null, 'no message_stop: not cached');

  const odd = new MessageAssembler();
  const evs = replayEvents({ ...MSG, content: [{ type: 'text', text: 'hi' }] });
  evs.splice(2, 0, { event: 'content_block_delta', data: JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'some_future_delta', x: 1 } }) });
  for (const e of evs) odd.push(e);
  assert.equal(odd.message(), null, 'a delta the replay would not reproduce: not cached');
});

const body = (over: Partial<AnthropicMessagesRequest> = {}): AnthropicMessagesRequest => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  system: 'be brief',
  messages: [{ role: 'user', content: 'How do I reverse a list in Python?' }],
  ...over,
});
const key = (b: AnthropicMessagesRequest) => exactKey(cacheKeyView(b, 'claude-sonnet-4-5'), 'anthropic:messages');

test('key view: transport fields do not count, every answer-changing field does', () => {
  assert.equal(key(body({ stream: true })), key(body()));
  assert.equal(key(body({ metadata: { user_id: 'u-1' } })), key(body()));
  for (const other of [
    body({ max_tokens: 101 }),
    body({ top_k: 5 }),
    body({ temperature: 0.2 }),
    body({ system: 'be verbose' }),
    body({ system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }] as unknown as string }),
    body({ thinking: { type: 'enabled', budget_tokens: 1024 } }),
    body({ messages: [{ role: 'user', content: [{ type: 'text', text: 'How do I reverse a list in Python?' }] }] }),
  ]) {
    assert.notEqual(key(other), key(body()), JSON.stringify(other));
  }
});

test('key view: text-only bodies take part in the semantic cache, others only in the exact one', () => {
  const opts = { maxTemperature: 0.7, multiTurn: false };
  const t = semanticTarget(cacheKeyView(body(), 'claude-sonnet-4-5'), 'anthropic:messages', opts);
  assert.ok(!('skip' in t));
  assert.equal((t as { prompt: string }).prompt, 'How do I reverse a list in Python?');
  const withImage = body({
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }, { type: 'text', text: 'what is this' }] }],
  });
  assert.ok('skip' in semanticTarget(cacheKeyView(withImage, 'claude-sonnet-4-5'), 'anthropic:messages', opts));
  const otherImage = body({
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'BBBB' } }, { type: 'text', text: 'what is this' }] }],
  });
  assert.notEqual(key(withImage), key(otherImage));
});
