// Host and token checks as pure functions (the wire behaviour is pinned in edge.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostChecker, hostName, presentedToken, tokenChecker } from '../../../src/gateway/server/guard.js';
import { parseMultipart } from '../../../src/gateway/server/body.js';

test('host names: ports and brackets stripped, loopback names accepted, others refused', () => {
  assert.equal(hostName('LOCALHOST:7775'), 'localhost');
  assert.equal(hostName('[::1]:7775'), '::1');
  const ok = hostChecker('127.0.0.1');
  for (const h of ['localhost', 'localhost:1', '127.0.0.1:7775', '127.9.9.9', '[::1]', '[::1]:80']) assert.ok(ok(h), h);
  for (const h of [undefined, '', 'evil.com', 'localhost.evil.com', '127.0.0.1.nip.io', '[::2]', '10.0.0.1', '0.0.0.0']) assert.ok(!ok(h), String(h));
  assert.ok(hostChecker('fd00::5')('[fd00::5]:7775'), 'a deliberate IPv6 bind host is accepted');
  assert.ok(hostChecker('0.0.0.0', ['gw.lan'])('gw.lan:7775'), 'extra allowed names');
  assert.ok(!hostChecker('0.0.0.0')('0.0.0.0'), 'a wildcard bind does not allow its own address as Host');
});

test('tokens: bearer or x-api-key, exact match only, replaceable', () => {
  assert.equal(presentedToken({ authorization: 'Bearer abc' }), 'abc');
  assert.equal(presentedToken({ authorization: 'bearer   abc ' }), 'abc');
  assert.equal(presentedToken({ authorization: 'Basic abc' }), undefined);
  assert.equal(presentedToken({ 'x-api-key': 'k' }), 'k');
  const t = tokenChecker(['one', 'two']);
  assert.ok(t.check({ authorization: 'Bearer one' }));
  assert.ok(t.check({ 'x-api-key': 'two' }));
  assert.ok(!t.check({ authorization: 'Bearer on' }));
  assert.ok(!t.check({}));
  t.set(['three']);
  assert.ok(!t.check({ authorization: 'Bearer one' }));
  assert.ok(t.check({ authorization: 'Bearer three' }));
  assert.ok(!tokenChecker(['']).check({ authorization: 'Bearer ' }), 'an empty token never matches');
});

test('multipart: fields, files with binary content, quoted boundary, malformed input', () => {
  const b = 'XyZ';
  const bin = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
  const body = Buffer.concat([
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`),
    bin,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  const out = parseMultipart(body, `multipart/form-data; boundary="${b}"`);
  assert.equal(out.model, 'whisper-1');
  const f = out.file as { data: Uint8Array; filename: string; contentType?: string };
  assert.equal(f.filename, 'a.wav');
  assert.equal(f.contentType, 'audio/wav');
  assert.deepEqual(Buffer.from(f.data), bin);
  assert.throws(() => parseMultipart(body, 'application/json'), /multipart/);
  assert.throws(() => parseMultipart(Buffer.from('garbage'), `multipart/form-data; boundary=${b}`), /malformed/);
  assert.throws(() => parseMultipart(Buffer.from(`--${b}\r\nno header end`), `multipart/form-data; boundary=${b}`), /malformed/);
});
