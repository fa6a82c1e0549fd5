// The HTTP edge's lazy cancel switch: a real upstream call (undici over loopback) listening to a
// LazyAbort is cancelled when the switch flips, the AbortSignal built on demand carries the same
// reason (also when it is first read after the abort), and a finished call leaves no listener behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LazyAbort } from '../../../src/gateway/util/abort.js';
import { createUpstream } from '../../../src/gateway/upstream/client.js';
import { DEFAULT_CONFIG } from '../../../src/gateway/config.js';
import { GatewayError } from '../../../src/gateway/errors.js';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('LazyAbort: the signal is built on demand and reflects an abort that happened before or after', () => {
  const early = new LazyAbort();
  const reason = new GatewayError('aborted', 'The client disconnected.');
  early.abort(reason);
  assert.equal(early.signal.aborted, true, 'materialised after the abort: already aborted');
  assert.equal(early.signal.reason, reason);

  const late = new LazyAbort();
  const sig = late.signal;
  let heard = 0;
  sig.addEventListener('abort', () => heard++);
  const fn = () => heard++;
  late.once('abort', fn);
  late.abort(reason);
  late.abort(new Error('second abort is ignored'));
  assert.equal(heard, 2, 'both the AbortSignal listener and the EventEmitter-style listener fire once');
  assert.equal(sig.reason, reason);
  assert.equal(late.reason, reason);
});

test('LazyAbort: several listeners (retries, fan-out) — removed ones stay silent, the rest fire once', () => {
  const a = new LazyAbort();
  const heard: string[] = [];
  const one = () => heard.push('one');
  const two = () => heard.push('two');
  const three = () => heard.push('three');
  a.on('abort', one);
  a.once('abort', two);
  a.on('abort', three);
  assert.equal(a.listenerCount, 3);
  a.removeListener('abort', one);
  a.off('abort', three);
  a.on('abort', three);
  assert.equal(a.listenerCount, 2);
  a.abort(new Error('x'));
  a.abort(new Error('again'));
  assert.deepEqual(heard.sort(), ['three', 'two']);
  assert.equal(a.listenerCount, 0);
  a.on('abort', one);
  assert.equal(a.listenerCount, 0, 'a listener added after the abort is not kept (the switch never fires again)');
});

test('LazyAbort: cancels an in-flight undici request and leaves no listener after a finished one', async () => {
  let release: (() => void) | null = null;
  const { server, url } = await listen((req, res) => {
    if (req.url === '/slow') {
      release = () => res.end('late');
      return;
    }
    res.end('{"ok":true}');
  });
  const up = createUpstream({ timeouts: DEFAULT_CONFIG.timeouts });
  try {
    const done = new LazyAbort();
    const res = await up.send({ method: 'GET', url: `${url}/fast`, headers: {} }, done, 'openai');
    assert.equal(await res.text(), '{"ok":true}');
    // undici drops its listener when the body stream closes, a tick after the text is read.
    await new Promise((r) => setImmediate(r));
    assert.equal(done.listenerCount, 0, 'undici removed its listener when the call finished');

    const ab = new LazyAbort();
    const pending = up.send({ method: 'GET', url: `${url}/slow`, headers: {} }, ab, 'openai');
    await new Promise((r) => setTimeout(r, 50));
    const reason = new GatewayError('aborted', 'The client disconnected.');
    ab.abort(reason);
    await assert.rejects(pending, (e: unknown) => e === reason, 'the upstream call fails with the abort reason');
  } finally {
    (release as (() => void) | null)?.();
    await up.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
