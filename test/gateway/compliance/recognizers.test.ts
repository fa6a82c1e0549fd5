// Layer 1/2 recognizers: positives, validated negatives (checksums, SSN rules, version strings, UUIDs,
// hashes, ports, line numbers), context rules, and linear-time behaviour on 1 MB adversarial input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detect, plainFinding } from '../../../src/gateway/compliance/detect.js';
import { maskValue } from '../../../src/gateway/compliance/mask.js';
import { Redactor } from '../../../src/gateway/compliance/redact.js';
import { ContextIndex } from '../../../src/gateway/compliance/context.js';
import { isPlaceholder } from '../../../src/gateway/compliance/recognizers/secrets.js';
import { entropyScratch, shannonEntropy } from '../../../src/gateway/compliance/validators.js';
import { MB, cpuMs, rep } from './helpers.js';

const types = (t: string) => detect(t).map((f) => f.type);
const found = (t: string, type: string) => detect(t).filter((f) => f.type === type).map((f) => t.slice(f.start, f.end));

test('email', () => {
  assert.deepEqual(found('write to jane.doe+x@example.co.uk today', 'EMAIL'), ['jane.doe+x@example.co.uk']);
  assert.deepEqual(found('icon@2x.png and @Component', 'EMAIL'), []);
});

test('credit cards: Luhn + issuer ranges', () => {
  assert.deepEqual(found('card 4111 1111 1111 1111 ok', 'CREDIT_CARD'), ['4111 1111 1111 1111']);
  assert.deepEqual(found('amex 371449635398431', 'CREDIT_CARD'), ['371449635398431']);
  assert.deepEqual(found('mc 5555-5555-5555-4444', 'CREDIT_CARD'), ['5555-5555-5555-4444']);
  assert.deepEqual(found('card 4111 1111 1111 1112', 'CREDIT_CARD'), [], 'Luhn failure');
  assert.deepEqual(found('id 9111111111111111', 'CREDIT_CARD'), [], 'no issuer starts with 9');
  assert.deepEqual(found('0000000000000000', 'CREDIT_CARD'), []);
});

test('SSN validity rules and context', () => {
  assert.deepEqual(found('my SSN is 536-22-1234', 'SSN'), ['536-22-1234']);
  for (const bad of ['000-12-3456', '666-12-3456', '912-12-3456', '536-00-1234', '536-22-0000', '078-05-1120']) {
    assert.deepEqual(found(`SSN ${bad}`, 'SSN'), [], bad);
  }
  assert.deepEqual(found('value 536221234 here', 'SSN'), [], 'bare 9 digits need context');
  assert.deepEqual(found('social security number 536221234', 'SSN'), ['536221234']);
});

test('IBAN mod-97', () => {
  assert.deepEqual(found('IBAN GB82 WEST 1234 5698 7654 32 please', 'IBAN'), ['GB82 WEST 1234 5698 7654 32']);
  assert.deepEqual(found('DE89370400440532013000', 'IBAN'), ['DE89370400440532013000']);
  assert.deepEqual(found('GB83 WEST 1234 5698 7654 32', 'IBAN'), [], 'checksum off by one');
});

test('IP addresses but not version strings', () => {
  assert.deepEqual(found('connect from 203.0.113.9 now', 'IP_ADDRESS'), ['203.0.113.9']);
  assert.deepEqual(found('ipv6 2001:db8::8a2e:370:7334', 'IP_ADDRESS'), ['2001:db8::8a2e:370:7334']);
  assert.deepEqual(types('Microsoft Windows [Version 10.0.19041.1]'), []);
  assert.deepEqual(types('"version": "1.2.3.4"'), []);
  assert.deepEqual(types('v1.2.3.4 and 1.2.3.4.5'), []);
  assert.deepEqual(found('std::vector<int> a; x::y', 'IP_ADDRESS'), []);
  assert.deepEqual(found('mac 00:1A:2B:3C:4D:5E', 'IP_ADDRESS'), []);
});

test('IP ranges, netmasks and special addresses', () => {
  assert.deepEqual(found('Subnet: 192.168.1.0/24 here', 'IP_ADDRESS'), ['192.168.1.0/24']);
  assert.deepEqual(found('mask = 255.255.255.0', 'IP_ADDRESS'), [], 'a netmask is not a host');
  assert.deepEqual(found('server.listen(3000, "0.0.0.0")', 'IP_ADDRESS'), [], 'unspecified address in code');
  assert.deepEqual(found('connecting from localhost 127.0.0.1', 'IP_ADDRESS'), ['127.0.0.1']);
});

test('phones: international formats validated with libphonenumber', () => {
  assert.deepEqual(found('call me at +44 20 7123 4567', 'PHONE'), ['+44 20 7123 4567']);
  assert.deepEqual(found('US: (415) 555-0132', 'PHONE'), ['(415) 555-0132']);
  assert.deepEqual(found('phone +55 11 98456 5666', 'PHONE'), ['+55 11 98456 5666']);
  assert.deepEqual(found('released 2024-01-15', 'PHONE'), []);
  assert.deepEqual(found('timestamp 1700000000000', 'PHONE'), []);
});

test('passport, date of birth and MRN only with context', () => {
  assert.deepEqual(found('ref A12803456', 'PASSPORT'), []);
  assert.deepEqual(found('my passport number is A12803456', 'PASSPORT'), ['A12803456']);
  assert.deepEqual(found('meeting on 3/23/1990', 'DATE_OF_BIRTH'), []);
  assert.deepEqual(found('she was born on 3/23/1990', 'DATE_OF_BIRTH'), ['3/23/1990']);
  assert.deepEqual(found('ticket 12345678', 'MRN'), []);
  assert.deepEqual(found('patient medical record 12345678', 'MRN').length, 1);
});

test('secrets: vendor tokens, JWT, PEM, URLs, headers, key=value', () => {
  const gh = 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5';
  assert.deepEqual(found(`token ${gh}`, 'API_KEY'), [gh]);
  assert.deepEqual(found('AKIAIOSFODNN7EXAMPL1 is my key', 'API_KEY'), ['AKIAIOSFODNN7EXAMPL1']);
  const anth = 'sk-ant-api03-' + 'x1Y2z3A4b5C6d7E8f9G0h1I2j3K4l5M6n7O8p9Q0';
  assert.deepEqual(found(anth, 'API_KEY'), [anth]);
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  assert.deepEqual(found(`Bearer ${jwt}`, 'API_KEY'), [jwt]);
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----';
  assert.deepEqual(found(`key:\n${pem}\n`, 'API_KEY'), [pem]);
  assert.deepEqual(found('postgres://admin:S3cr3tPw@db.example.com:5432/app', 'URL_CREDENTIALS'), ['admin:S3cr3tPw']);
  assert.deepEqual(found('DB_PASSWORD="hunter2!x"', 'PASSWORD'), ['hunter2!x']);
  assert.deepEqual(found('Authorization: Basic dXNlcjpwYXNzd29yZA==', 'API_KEY'), ['dXNlcjpwYXNzd29yZA==']);
  assert.deepEqual(found('client_secret: "q8F3kLmP0zXv7RtY2wBn5"', 'API_KEY'), ['q8F3kLmP0zXv7RtY2wBn5']);
});

test('secrets: SQL, CLI, comparisons and setters', () => {
  assert.deepEqual(found("CREATE USER app IDENTIFIED BY 'Xk9#mPq2'", 'PASSWORD'), ['Xk9#mPq2']);
  assert.deepEqual(found("ALTER ROLE postgres WITH PASSWORD 'Xk9#mPq2';", 'PASSWORD'), ['Xk9#mPq2']);
  assert.deepEqual(found('curl -u "admin:s3cr3tPw" https://x.example', 'PASSWORD'), ['s3cr3tPw']);
  assert.deepEqual(found('if (password === "Hunter2!x") {', 'PASSWORD'), ['Hunter2!x']);
  assert.deepEqual(found('curl_easy_setopt(curl, CURLOPT_PASSWORD, "Zq8wLm3nP");', 'PASSWORD'), ['Zq8wLm3nP']);
  assert.deepEqual(found('const stopword = "notasecret";', 'PASSWORD'), [], '"pword" inside a word');
  assert.deepEqual(found('password_id = 2938479', 'PASSWORD'), [], 'metadata about a password');
});

test('secrets: placeholders and code references are not secrets', () => {
  for (const t of [
    'password: ${DB_PASSWORD}',
    'api_key = os.environ["OPENAI_API_KEY"]',
    'secret: <your-secret-here>',
    'if (password == null) return;',
    'const token = getToken();',
    'password = "********"',
  ]) {
    assert.deepEqual(types(t), [], t);
  }
});

test('no false hits on source code: versions, ports, line numbers, hashes, UUIDs, Luhn-failing ids', () => {
  const code = [
    'const PORT = 8080; server.listen(3000);',
    'at Object.<anonymous> (/app/src/index.js:142:17)',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
    'sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'id = "123e4567-e89b-12d3-a456-426614174000"',
    'order_id: 4111111111111112',
    '  File "main.py", line 1234, in <module>',
    'requests==2.31.0\nnumpy>=1.26.4',
    'dependencies: lodash@4.17.21, react@18.2.0',
    'EXPOSE 80 443 8443\nENV NODE_VERSION=20.11.1',
    'SELECT * FROM users WHERE id = 42 AND created_at > 1672531200;',
  ];
  for (const c of code) assert.deepEqual(detect(c).map((f) => `${f.type}:${c.slice(f.start, f.end)}`), [], c);
});

test('person and address (layer 2)', () => {
  assert.deepEqual(found('Hello, my name is Maria Gonzalez and I need help', 'PERSON'), ['Maria Gonzalez']);
  assert.ok(found('Please ask Dr. Jacob van Gameren about it', 'PERSON').some((p) => p.includes('Jacob')));
  const addr = found('Ship it to 1600 Pennsylvania Avenue, Washington, DC 20500 please', 'ADDRESS');
  assert.equal(addr.length, 1);
  assert.ok(addr[0].startsWith('1600 Pennsylvania Avenue') && addr[0].includes('20500'), addr[0]);
  assert.deepEqual(found('The Quick Brown Fox jumps over the Lazy Dog', 'PERSON'), []);
  assert.deepEqual(found('Hello, this is Mr. Jason Hoover. Who are you?', 'PERSON'), ['Mr. Jason Hoover']);
  assert.deepEqual(found('Our founders: Kovalev, Lee and Phillips.', 'PERSON'), ['Kovalev', 'Lee', 'Phillips']);
  assert.deepEqual(found('Who is coming to Costa Rica with me?', 'PERSON'), []);
  assert.deepEqual(found('He works at Rand Corporation now.', 'PERSON'), []);
  // A name inside a street address belongs to the address.
  const t = 'Send it to 78 Rua das Pedras 930\n Apt. 363\n São Paulo\n Kenya 92342';
  assert.deepEqual(detect(t).map((f) => f.type), ['ADDRESS']);
});

test('findings carry offsets, confidence, recognizer and a masked preview (never the raw value)', () => {
  const t = 'mail jane@example.com card 4111111111111111';
  const fs = detect(t);
  assert.equal(fs.length, 2);
  for (const f of fs) {
    assert.ok(f.end > f.start && f.confidence > 0 && f.confidence <= 1 && f.recognizer);
    assert.ok(!f.masked.includes(t.slice(f.start, f.end)), f.masked);
  }
  assert.equal(fs[1].masked.endsWith('1111'), true);
});

test('SSN grouped by spaces or dots is reported alone; other words lower it', () => {
  assert.deepEqual(found('ref 536 22 1234 on file', 'SSN'), ['536 22 1234']);
  assert.deepEqual(found('536.22.1234', 'SSN'), ['536.22.1234']);
  assert.deepEqual(found('version 536.22.1234', 'SSN'), [], 'a version word before it');
  assert.deepEqual(found('536 00 1234', 'SSN'), [], 'group 00 is never issued');
  assert.deepEqual(found('536221234 is my ssn', 'SSN'), ['536221234'], 'context a few words after');
});

test('IBAN with dashes; letters in one case', () => {
  assert.deepEqual(found('wire to DE89-3704-0044-0532-0130-00 today', 'IBAN'), ['DE89-3704-0044-0532-0130-00']);
  assert.deepEqual(found('gb82 west 1234 5698 7654 32', 'IBAN'), ['gb82 west 1234 5698 7654 32']);
  assert.deepEqual(found('GB82 wEST 1234 5698 7654 32', 'IBAN'), [], 'mixed case is not how IBANs are written');
  assert.deepEqual(found('DE89-3704 0044-0532 0130-00', 'IBAN'), [], 'one separator kind throughout');
});

test('IPv4 after ":" and a stray fifth number after a private address', () => {
  assert.deepEqual(found('host:203.0.113.9', 'IP_ADDRESS'), ['203.0.113.9']);
  assert.equal(found('peer text::ffff:198.51.100.7', 'IP_ADDRESS').length, 1);
  assert.deepEqual(found('gw 10.1.2.3.4', 'IP_ADDRESS'), ['10.1.2.3']);
  assert.deepEqual(found('oid 1.3.6.1.4.1.2021', 'IP_ADDRESS'), [], 'an SNMP OID is not an address');
  assert.deepEqual(found('at 12:10.0.0.1', 'IP_ADDRESS'), [], 'a time before it');
});

test('passports: country formats and passport words in several languages', () => {
  assert.deepEqual(found('Mi pasaporte es XAB654321', 'PASSPORT'), ['XAB654321']);
  assert.deepEqual(found('XAB654321 es mi número de pasaporte', 'PASSPORT'), ['XAB654321']);
  assert.deepEqual(found('numéro de passeport 09AB12345', 'PASSPORT'), ['09AB12345']);
  assert.deepEqual(found('Korean passport: R234K5678', 'PASSPORT'), ['R234K5678']);
  assert.deepEqual(found('여권 R23456789', 'PASSPORT'), ['R23456789']);
  assert.deepEqual(found('Reisepass T22000129 gültig', 'PASSPORT'), ['T22000129']);
  assert.deepEqual(types('Pass-Nr.: T22000129'), ['PASSPORT'], 'a pass number, not a password');
  assert.deepEqual(found('passport number W123456', 'PASSPORT'), [], 'one letter + six digits is no passport format');
  assert.deepEqual(found('ticket XAB654321', 'PASSPORT'), [], 'no passport word');
});

test('phones: lists of single digits are not numbers; international single-digit groups are', () => {
  assert.deepEqual(found('steps 1 2 3 4 5 6 7 8 9', 'PHONE'), []);
  assert.deepEqual(found('call +30 21 0 7654321 please', 'PHONE'), ['+30 21 0 7654321']);
  assert.deepEqual(found('call +1 415 555 0132', 'PHONE'), ['+1 415 555 0132']);
});


/**
 * Every pattern is linear-time: 4x the input may cost at most ~6x (GC, caches) plus 20 ms of noise,
 * and a 1 MB input stays under a ceiling. The issue's target is 50 ms per MB (docs/compliance.md has the
 * measured numbers: 7–38 ms warm for the run shapes on a loaded 2-core machine); the ceilings here are
 * ~4x that so a loaded CI machine does not flake, while any super-linear pattern (seconds per MB) or a
 * new slow full-text pass fails. Inputs that are nothing but findings (75k e-mails, 50k names, 116k
 * IPv4s, 40k key-value pairs per MB) pay per finding (~30–65 ms per MB warm on that machine, more on a
 * first scan while V8 compiles) and get twice the ceiling. SMARTFLOW_ADVERSARIAL_BUDGET_MS tightens or
 * relaxes both.
 */
const BUDGET_MS = Number(process.env.SMARTFLOW_ADVERSARIAL_BUDGET_MS ?? 200);
const RUNS = [
  '1234567890', '.', '@', ' ', '1.2.', '1 2 ', 'a1:', 'aB3', '12-', 'password=', '12 34 ', '+1 ', 'GB00 0000 ', '-', '_', '/', '=',
  'QUJDRGVm', '"', '://', 'ip ', '\n', '\t', 'x', 'A', '0x', '${', '%', ',', 'passport 1 ', '1/2/1990 born ',
];
const DENSE = [
  'a.a@a.a', 'a@b.cc ', 'John ', 'John Mary Anne Paul ', 'Mr. ', 'Authorization: Bearer ', '4111 1111 1111 1111 ', '10.0.0.1 ', 'key: ',
  // A finding (or a judged key-value pair) every few characters: other addresses, e-mails, unspaced cards,
  // ISO dates, and secrets — key names with random values, passwords, keyword chains, vendor tokens, JWTs.
  '1.1.1.1 ', 'a@b.co ', '4111111111111111 ', '1990-01-02 dob ', 'key: aB3dE5fG7hJ9kL1mN2pQ ', 'password: hunter2x ', 'token: ', 'api_key=',
  'ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4 ', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123DEF456ghi ',
];
const DENSE_CEILING_MS = 2 * BUDGET_MS;

test('adversarial 1 MB inputs scan in linear time', () => {
  for (const [units, ceiling] of [[RUNS, BUDGET_MS], [DENSE, DENSE_CEILING_MS]] as const) {
    for (const u of units) {
      const quarter = rep(u, MB / 4);
      const big = rep(u, MB);
      detect(quarter.slice(0, 4096)); // warm-up
      let tQuarter = cpuMs(() => detect(quarter));
      let tBig = cpuMs(() => detect(big));
      // A busy machine can stall one measurement: measure again before calling it super-linear.
      if (tBig > 6 * tQuarter + 20 || tBig >= ceiling) {
        tQuarter = Math.min(tQuarter, cpuMs(() => detect(quarter)));
        tBig = Math.min(tBig, cpuMs(() => detect(big)));
      }
      // Linear is 4x; a quadratic pattern is 16x (and seconds per MB).
      assert.ok(tBig <= 6 * tQuarter + 20, `${JSON.stringify(u)}: 256 KB ${tQuarter.toFixed(1)} ms, 1 MB ${tBig.toFixed(1)} ms CPU — not linear`);
      assert.ok(tBig < ceiling, `${JSON.stringify(u)}: 1 MB took ${tBig.toFixed(1)} ms CPU (ceiling ${ceiling} ms)`);
    }
  }
});

/**
 * The finding-dense 1 MB inputs keep every finding: the speed work (no per-finding objects beyond the
 * finding, shortcuts for absent context words) must not drop or merge any, so redaction covers each value.
 */
test('finding-dense 1 MB inputs: one finding per value, each with its own span', () => {
  const cases: Array<[string, string, string]> = [
    ['1.1.1.1 ', 'IP_ADDRESS', '1.1.1.1'],
    ['a@b.co ', 'EMAIL', 'a@b.co'],
    ['4111111111111111 ', 'CREDIT_CARD', '4111111111111111'],
    ['1990-01-02 dob ', 'DATE_OF_BIRTH', '1990-01-02'],
    ['key: aB3dE5fG7hJ9kL1mN2pQ ', 'API_KEY', 'aB3dE5fG7hJ9kL1mN2pQ'],
    ['password: hunter2x ', 'PASSWORD', 'hunter2x'],
    ['ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4 ', 'API_KEY', 'ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4'],
  ];
  for (const [unit, type, value] of cases) {
    const n = Math.floor(MB / unit.length);
    const text = unit.repeat(n);
    const fs = detect(text);
    assert.equal(fs.length, n, `${JSON.stringify(unit)}: ${fs.length} findings for ${n} values`);
    for (let k = 0; k < fs.length; k += 997) {
      assert.equal(fs[k].type, type);
      assert.equal(fs[k].value, value);
      assert.equal(fs[k].start, k * unit.length + unit.indexOf(value));
    }
    // Redacted, none of the values is left.
    const redacted = new Redactor(false).apply(text, fs);
    assert.ok(!redacted.includes(value), `${JSON.stringify(unit)}: a value survives redaction`);
    assert.equal(redacted, `${unit.replace(value, `[${type}]`)}`.repeat(n));
  }
});

test('long texts are scanned from a flat copy: same findings, offsets and values as the text itself', () => {
  // Non-Latin-1 text (two-byte copy), a lone surrogate and an emoji before the values (offsets in code
  // units), below and above the 64 KB copy threshold: padding after the values changes nothing.
  const t = 'Grüße von 李雷 \uD800 😀 — mail jane.doe@example.com, card 4111 1111 1111 1111, ip 10.1.2.3, password: hunter2x, key: aB3dE5fG7hJ9kL1mN2pQ.\n';
  const plain = (fs: ReturnType<typeof detect>) => JSON.stringify(fs.map((f) => plainFinding(f)));
  const small = detect(t);
  assert.ok(small.length >= 5, plain(small));
  for (const pad of [' '.repeat(70 * 1024), '\n'.repeat(70 * 1024)]) {
    const big = t + pad;
    const fs = detect(big);
    assert.equal(plain(fs), plain(small));
    for (const f of fs) assert.equal(f.value, big.slice(f.start, f.end));
  }
  // Latin-1 only (one-byte copy), repeated: every finding's value is the text at its offsets.
  const latin = 'café jane@example.com ñ 10.0.0.1 '.repeat(4000);
  const lf = detect(latin);
  assert.equal(lf.filter((f) => f.type === 'EMAIL').length, 4000);
  for (const f of lf) assert.equal(f.value, latin.slice(f.start, f.end));
});

test('a token already found as a vendor token, bearer token or key value is not also judged as a high-entropy one', () => {
  const rec = (t: string) => detect(t).map((f) => `${f.recognizer}:${t.slice(f.start, f.end)}`);
  const gh = 'ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4';
  assert.deepEqual(rec(`token ${gh} here`), [`secret:github:${gh}`]);
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123DEF456ghi';
  assert.deepEqual(rec(`Bearer ${jwt}`), [`secret:jwt:${jwt}`]);
  // Stand-alone random tokens are still reported, next to a vendor token or not.
  const rnd = 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0Ed';
  assert.deepEqual(rec(`${gh} ${rnd}`), [`secret:github:${gh}`, `secret:high_entropy:${rnd}`]);
  // A vendor literal inside a longer token: the vendor pattern does not match, the whole token is judged.
  assert.deepEqual(rec(`x${gh}`).map((r) => r.split(':')[1]), ['high_entropy']);
});

test('key-value pairs at the very start and end of a text (no read past either end changes a result)', () => {
  assert.deepEqual(found('password=hunter2x', 'PASSWORD'), ['hunter2x']);
  assert.deepEqual(found('key: aB3dE5fG7hJ9kL1mN2pQ', 'API_KEY'), ['aB3dE5fG7hJ9kL1mN2pQ']);
  assert.deepEqual(found('x key', 'API_KEY'), []);
  assert.deepEqual(found('token:', 'API_KEY'), []);
  assert.deepEqual(found('api_key="', 'API_KEY'), []);
  // Short unquoted values are settled without the value regex; quoted and non-ASCII ones still use it.
  assert.deepEqual(found('secret=abc;def secret="aB3dE5fG7hJ9k" secret=aB3dE5fG7hJ9kL\u00a0x', 'API_KEY'), ['aB3dE5fG7hJ9k', 'aB3dE5fG7hJ9kL']);
  assert.deepEqual(found('secret=aB3\u00a0dE5fG7hJ9kL secret=aB3dE5f\u2003G7hJ9kL', 'API_KEY'), []);
  assert.deepEqual(found('token=é1234567Ab', 'API_KEY'), ['é1234567Ab']);
});

test('shannonEntropy: a per-scan count table gives the same bits as a fresh one, and is left zeroed', () => {
  const naive = (v: string): number => {
    const counts = new Map<string, number>();
    for (const ch of v.split('')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let h = 0;
    for (const c of counts.values()) h -= (c / v.length) * Math.log2(c / v.length);
    return h;
  };
  const scratch = entropyScratch();
  for (const v of ['aB3dE5fG7hJ9kL1mN2pQ', 'aaaa', 'x', '', 'pässwörd-ü', 'ghp_' + 'Zz9'.repeat(50), '\u{1F600}ab']) {
    const fresh = shannonEntropy(v);
    assert.equal(shannonEntropy(v, scratch), fresh, v);
    assert.equal(shannonEntropy(v, scratch), fresh, `${v} (table reused)`);
    assert.ok(Math.abs(fresh - naive(v)) < 1e-12, v);
    assert.ok(scratch.counts.every((c) => c === 0), 'the table is zero again after each call');
  }
});

test('isPlaceholder: the first-character pre-checks keep every answer', () => {
  for (const v of ['****', 'xxxx', '•••••', '${DB_PASSWORD}', '$(cat x)', '%APPDATA%', '{{secret}}', '<your-token>', '[REDACTED]', 'process.env.X', 'os.environ', 'System.getenv("X")', 'getenv(x)', 'env(X)', 'changeme', 'Password', 'YOUR_API_KEY', 'your_token_here', 'example123', 'undefined', 'MY_API_KEY', '[MY_KEY]']) {
    assert.equal(isPlaceholder(v), true, v);
  }
  for (const v of ['hunter2x', 'aB3dE5fG7hJ9kL1m', 'Ｐassword', 'ÿxxx', 'MYAPIKEY', 'p4ssw0rd!', 'zzzz', 'sk_live_abc123']) {
    assert.equal(isPlaceholder(v), false, v);
  }
});

test('context words: answers stay the same once a dense text switches to the whole-text check', () => {
  // 200 addresses; an "ip" word next to the 150th only, and no "version"-type words at all.
  const parts: string[] = [];
  for (let k = 0; k < 200; k++) parts.push(k === 150 ? 'ip 10.0.0.1' : '10.0.0.1');
  const text = parts.join(' ; ');
  const asked = new ContextIndex(text);
  let start = 0;
  for (const p of parts) {
    const s = text.indexOf('10.0.0.1', start);
    const e = s + 8;
    for (const kind of ['IP_ADDRESS', 'NEGATIVE', 'EMAIL'] as const) {
      assert.equal(asked.near(kind, s, e, 48, 24), new ContextIndex(text).near(kind, s, e, 48, 24), `${kind} at ${s}`);
    }
    start = e;
    void p;
  }
  // And detect agrees: exactly the addresses with "ip" in their window (48 before, 24 after) are raised.
  const w = text.indexOf('ip ');
  const fs = detect(text).filter((f) => f.type === 'IP_ADDRESS');
  assert.equal(fs.length, 200);
  const near = (f: { start: number; end: number }) => (w >= f.start - 48 && w + 2 <= f.start) || (w >= f.end && w + 2 <= f.end + 24);
  assert.deepEqual(fs.map((f) => f.confidence > 0.7), fs.map(near));
  assert.ok(fs.some(near));
});

test('findings carry value and masked preview; copies and JSON keep them, never the scanned text', () => {
  const text = `${'filler words '.repeat(40)}mail jane.doe@example.com or call (415) 555-2671 today`;
  const fs = detect(text);
  const email = fs.find((f) => f.type === 'EMAIL');
  assert.ok(email, 'email found');
  assert.equal(email.value, 'jane.doe@example.com');
  assert.equal(email.value, text.slice(email.start, email.end));
  assert.equal(email.masked, maskValue('EMAIL', 'jane.doe@example.com'));
  // Serialised: the plain finding shape (masked included), and nothing of the text around the value.
  const json = JSON.stringify(fs);
  assert.ok(!json.includes('filler words'), 'the scanned text is not serialised');
  const parsed = JSON.parse(json) as Array<Record<string, unknown>>;
  const e = parsed.find((f) => f.type === 'EMAIL')!;
  assert.deepEqual(Object.keys(e).sort(), ['confidence', 'end', 'layer', 'masked', 'recognizer', 'start', 'type', 'value']);
  assert.equal(e.masked, email.masked);
  // Moved copies (stream scanner, per-segment offsets) keep the derived fields of the original.
  const moved = plainFinding(email, { start: email.start + 100, end: email.end + 100 });
  assert.equal(moved.start, email.start + 100);
  assert.equal(moved.value, 'jane.doe@example.com');
  assert.equal(moved.masked, email.masked);
});

test('a run repeated in one text is judged by its own surroundings each time', () => {
  // The run "John Smith" is analysed once per scan; the words around each occurrence still decide.
  const text = 'Dear John Smith, your order from John Smith Ltd shipped. John Smith said hi.';
  const persons = detect(text).filter((f) => f.type === 'PERSON');
  assert.deepEqual(persons.map((f) => f.start), [text.indexOf('John'), text.indexOf('John Smith said')]);
  assert.ok(persons[0].confidence > persons[1].confidence, 'the "Dear" cue raises only the first');
  // The same card repeated is validated once and reported at both places; a mixed-separator variant is not.
  const cardText = 'card 4111 1111 1111 1111 and again 4111 1111 1111 1111, id 4111 1111-1111 1111';
  const cards = detect(cardText).filter((f) => f.type === 'CREDIT_CARD');
  assert.deepEqual(cards.map((f) => f.start), [cardText.indexOf('4111'), cardText.indexOf('4111', 10)]);
});
