// The upstream client (undici dispatch with its own body handling) against real HTTP servers on
// loopback: whole bodies and streamed bodies arrive intact, a slow reader applies backpressure instead of
// buffering without bound, a reader that stops early closes the upstream exchange, cancelling before or
// after the body arrived fails the read with the cancel reason, dump() keeps the connection reusable, and
// transport failures (reset mid-body, body timeout) become the gateway's error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LazyAbort } from '../../../src/gateway/util/abort.js';
import { createUpstream, type Upstream } from '../../../src/gateway/upstream/client.js';
import { DEFAULT_CONFIG } from '../../../src/gateway/config.js';
import { GatewayError, isGatewayError } from '../../../src/gateway/errors.js';

async function withServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  fn: (url: string, up: Upstream, server: Server) => Promise<void>,
  timeouts = DEFAULT_CONFIG.timeouts,
): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const up = createUpstream({ timeouts });
  try {
    await fn(url, up, server);
  } finally {
    await Promise.race([up.close(), new Promise((r) => setTimeout(r, 500))]);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('whole body: text(), bytes() and json(); status and headers (lower-case names, repeated ones as arrays)', async () => {
  await withServer(
    (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('X-Echo-Method', req.method ?? '');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.writeHead(201, { 'content-type': 'application/json' });
        // Several writes: the client joins the pieces.
        res.write('{"got":');
        res.write(JSON.stringify(body));
        res.end(',"emoji":"\u00e9\u{1F600}"}');
      });
    },
    async (url, up) => {
      const r1 = await up.send({ method: 'POST', url: `${url}/x?q=1`, headers: { 'content-type': 'application/json' }, body: '{"hello":1}' }, new LazyAbort(), 'openai');
      assert.equal(r1.status, 201);
      assert.equal(r1.headers['x-echo-method'], 'POST');
      assert.deepEqual(r1.headers['set-cookie'], ['a=1', 'b=2']);
      assert.deepEqual(await r1.json(), { got: '{"hello":1}', emoji: '\u00e9\u{1F600}' });

      const r2 = await up.send({ method: 'POST', url: `${url}/x`, headers: {}, body: 'raw' }, new AbortController().signal, 'openai');
      const bytes = await r2.bytes();
      assert.ok(bytes instanceof Uint8Array);
      assert.equal(Buffer.from(bytes).toString('utf8'), '{"got":"raw","emoji":"\u00e9\u{1F600}"}');
    },
  );
});

test('streamed body: every byte arrives in order, and a slow reader pauses the upstream instead of buffering it all', async () => {
  const CHUNK = 16 * 1024;
  const COUNT = 400; // 6.4 MB
  let writtenWhenPaused = -1;
  let written = 0;
  await withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let i = 0;
      const pump = () => {
        while (i < COUNT) {
          const ok = res.write(Buffer.alloc(CHUNK, i % 251));
          written += CHUNK;
          i++;
          if (!ok) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    },
    async (url, up) => {
      const res = await up.send({ method: 'GET', url, headers: {} }, new LazyAbort(), 'openai');
      let got = 0;
      let ok = true;
      let n = 0;
      for await (const c of res.body) {
        for (let k = 0; k < c.length; k += 997) if (c[k] !== Math.floor((got + k) / CHUNK) % 251) ok = false;
        got += c.length;
        if (++n === 5) {
          // Stall the reader: the socket must stop being read, so the server stops far short of the end.
          await sleep(300);
          writtenWhenPaused = written;
        }
      }
      assert.equal(got, CHUNK * COUNT, 'every byte arrived');
      assert.ok(ok, 'bytes arrived in order');
      assert.ok(writtenWhenPaused < CHUNK * COUNT, `the server was held back while the reader stalled (${writtenWhenPaused} of ${CHUNK * COUNT} bytes written)`);
    },
  );
});

test('a body nobody reads yet is held back at the socket; text() then gathers all of it', async () => {
  const CHUNK = 16 * 1024;
  const COUNT = 400;
  let written = 0;
  await withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let i = 0;
      const pump = () => {
        while (i < COUNT) {
          const ok = res.write(Buffer.alloc(CHUNK, 0x61));
          written += CHUNK;
          i++;
          if (!ok) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    },
    async (url, up) => {
      const res = await up.send({ method: 'GET', url, headers: {} }, new LazyAbort(), 'openai');
      await sleep(300);
      assert.ok(written < CHUNK * COUNT, `the server was held back while nobody read (${written} of ${CHUNK * COUNT} bytes written)`);
      const text = await res.text();
      assert.equal(text.length, CHUNK * COUNT);
      assert.ok(/^a+$/.test(text));
    },
  );
});

test('a reader that stops early closes the upstream exchange', async () => {
  let closedEarly: Promise<boolean> | null = null;
  await withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      closedEarly = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
      const t = setInterval(() => res.write('data: tick\n\n'), 5);
      res.on('close', () => clearInterval(t));
    },
    async (url, up) => {
      const res = await up.send({ method: 'GET', url, headers: {} }, new LazyAbort(), 'openai');
      let n = 0;
      for await (const _ of res.body) if (++n === 3) break;
      assert.equal(await Promise.race([closedEarly!, sleep(2000).then(() => 'timeout')]), true, 'the upstream saw the connection close before it finished');
    },
  );
});

test('cancelling: before the headers, while the body streams, and after the body arrived but before it was read', async () => {
  await withServer(
    (req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 5000).unref();
      if (req.url === '/stream') {
        res.writeHead(200);
        res.write('first');
        return;
      }
      res.end('{"done":true}');
    },
    async (url, up) => {
      const reason = new GatewayError('aborted', 'The client disconnected.');

      const a = new LazyAbort();
      const pending = up.send({ method: 'GET', url: `${url}/slow`, headers: {} }, a, 'openai');
      await sleep(30);
      a.abort(reason);
      await assert.rejects(pending, (e: unknown) => e === reason);

      const b = new AbortController();
      const res = await up.send({ method: 'GET', url: `${url}/stream`, headers: {} }, b.signal, 'openai');
      const reading = (async () => {
        for await (const _ of res.body) b.abort(reason);
      })();
      await assert.rejects(reading, (e: unknown) => e === reason, 'the stream read fails with the reason');

      const c = new LazyAbort();
      const done = await up.send({ method: 'GET', url: `${url}/fast`, headers: {} }, c, 'openai');
      await sleep(20); // the whole body is in by now
      c.abort(reason);
      await assert.rejects(done.text(), (e: unknown) => e === reason, 'an unread body fails with the reason');

      const d = new LazyAbort();
      d.abort(reason);
      await assert.rejects(up.send({ method: 'GET', url: `${url}/fast`, headers: {} }, d, 'openai'), (e: unknown) => e === reason, 'already cancelled: nothing is sent');

      const e = new LazyAbort();
      const fine = await up.send({ method: 'GET', url: `${url}/fast`, headers: {} }, e, 'openai');
      assert.equal(await fine.text(), '{"done":true}');
      assert.equal(e.listenerCount, 0, 'no listener left on a finished call');
    },
  );
});

test('dump() discards an error body and the connection is reused', async () => {
  const sockets = new Set<unknown>();
  await withServer(
    (req, res) => {
      sockets.add(req.socket);
      if (req.url === '/err') {
        res.writeHead(500, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'x'.repeat(5000) } }));
      }
      res.end('ok');
    },
    async (url, up) => {
      const bad = await up.send({ method: 'GET', url: `${url}/err`, headers: {} }, new LazyAbort(), 'openai');
      assert.equal(bad.status, 500);
      await bad.dump();
      await new Promise((r) => setImmediate(r)); // undici frees the connection a tick after the body ends
      const good = await up.send({ method: 'GET', url: `${url}/ok`, headers: {} }, new LazyAbort(), 'openai');
      assert.equal(await good.text(), 'ok');
      assert.equal(sockets.size, 1, 'one keep-alive connection served both');
    },
  );
});

test('transport failures: a reset mid-body and a body timeout become upstream_unreachable / upstream_timeout', async () => {
  await withServer(
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      if (req.url === '/reset') setTimeout(() => req.socket.destroy(), 20);
    },
    async (url, up) => {
      const r = await up.send({ method: 'GET', url: `${url}/reset`, headers: {} }, new LazyAbort(), 'openai');
      await assert.rejects(r.text(), (e: unknown) => isGatewayError(e) && e.code === 'upstream_unreachable' && e.provider === 'openai');
      const t = await up.send({ method: 'GET', url: `${url}/hang`, headers: {} }, new LazyAbort(), 'openai');
      await assert.rejects(t.text(), (e: unknown) => isGatewayError(e) && e.code === 'upstream_timeout' && /waiting for more data/.test(e.message));
    },
    { ...DEFAULT_CONFIG.timeouts, bodyMs: 150 },
  );
});

test('an unreachable origin and a bad base URL fail with clear errors', async () => {
  const up = createUpstream({ timeouts: DEFAULT_CONFIG.timeouts });
  try {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await assert.rejects(up.send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} }, new LazyAbort(), 'groq'), (e: unknown) => isGatewayError(e) && e.code === 'upstream_unreachable' && /groq/.test(e.message));
    await assert.rejects(up.send({ method: 'GET', url: 'not a url', headers: {} }, new LazyAbort(), 'groq'), (e: unknown) => isGatewayError(e) && /base URL is not a valid URL/.test(e.message));
  } finally {
    await up.close();
  }
});
