// Secret recognizers added for recall (issue 5): base32 OTP seeds, Atlassian Data Center PATs, Alibaba
// AccessKey secrets, Salesforce org ids, Azure CASK keys, New Relic EU license keys, byte-array keys,
// env-lookup fallbacks, NTLM headers, key=value edge forms. Each with look-alike negatives and a
// linear-time check on adversarial input built from the new patterns' own prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { detect } from '../../../src/gateway/compliance/detect.js';

const SECRET = new Set(['API_KEY', 'PASSWORD', 'URL_CREDENTIALS']);
const secrets = (t: string) => detect(t).filter((f) => SECRET.has(f.type)).map((f) => t.slice(f.start, f.end));
const recognizers = (t: string) => detect(t).filter((f) => SECRET.has(f.type)).map((f) => f.recognizer);

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A random base32 string whose digit share is what random seeds have (at least 2 of 2-7). */
function base32(n: number): string {
  for (;;) {
    const bytes = randomBytes(n);
    const s = [...bytes].map((b) => B32[b % 32]).join('');
    const digits = s.replace(/[^2-7]/g, '').length;
    if (digits >= 2 && digits <= n / 2 && !/(.)\1{3}/.test(s) && new Set(s).size >= (n === 16 ? 9 : 15)) return s;
  }
}
const alnum = (n: number) => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const s = [...randomBytes(n)].map((b) => A[b % A.length]).join('');
    if (/\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)) return s;
  }
};

test('base32 OTP seeds (16 and 32 characters) are found stand-alone', () => {
  for (const n of [16, 32]) {
    const seed = base32(n);
    assert.deepEqual(secrets(seed), [seed], seed);
    assert.deepEqual(secrets(`totp seed: ${seed}`), [seed], seed);
  }
  // Look-alikes: upper-case constants, uppercase hex, other lengths, padding runs.
  for (const neg of ['MAX_CONNECTIONS_PER_HOST', 'DEADBEEF2345ABCD', 'ABCDEFGHIJKLMNOP', base32(20), 'AAAA2222BBBB3333', 'CONFIGURATIONXYZ']) {
    assert.deepEqual(secrets(`value ${neg} here`), [], neg);
  }
});

test('Atlassian Data Center PATs are recognised by their decoded "<id>:" structure', () => {
  const pat = Buffer.concat([Buffer.from('926607655526:'), randomBytes(20)]).toString('base64');
  assert.equal(pat.length, 44);
  assert.deepEqual(secrets(`curl -s https://jira.example.com/rest/api/2/myself/${pat}`), [pat]);
  assert.ok(recognizers(`x ${pat}`).includes('secret:atlassian_dc_pat'));
  // 44-char base64 that does not decode to "<digits>:" (ordinary text, a SHA-256 digest) is not a PAT.
  const text44 = Buffer.from('Meeting notes for the quarterly r').toString('base64');
  assert.equal(text44.length, 44);
  assert.deepEqual(secrets(`see /${text44}`), []);
  const digest = randomBytes(32).toString('base64').replace(/=+$/, '');
  assert.ok(!recognizers(`/${digest}`).includes('secret:atlassian_dc_pat'));
});

test('Alibaba AccessKey secret next to its LTAI id; a 30-char word without the id is not', () => {
  const id = 'LTAI' + alnum(16);
  const sec = alnum(30);
  const found = secrets(`client = AcsClient("${id}", "${sec}", "cn-hangzhou")`);
  assert.ok(found.includes(sec), found.join(','));
  assert.ok(found.includes(id));
  assert.ok(!recognizers(`client = AcsClient("${sec}", "cn-hangzhou")`).includes('secret:alibaba_secret'));
});

test('Salesforce org ids only near org / salesforce words', () => {
  const org = '00D' + 'Fx5H59PHLAN0'.slice(0, 12);
  assert.deepEqual(secrets(`sf org id ${org}`), [org]);
  assert.deepEqual(secrets(`Salesforce: ${org}abc`), [org + 'abc']);
  assert.deepEqual(secrets(`record ${org} updated`), [], 'no context');
  assert.deepEqual(secrets('org 00Dabcdefghijkl'), [], 'no digit or capital in the body');
  assert.deepEqual(secrets(`sf org id ${org}ab`), [], 'Salesforce ids are 15 or 18 characters, never 17');
});

test('Azure CASK keys (JQQJ9 signature) and New Relic EU license keys', () => {
  const cask = alnum(52) + 'JQQJ99' + 'ALACAAAAAAAAAAAAAS' + 'AZDO' + alnum(4);
  assert.deepEqual(secrets(`pat ${cask}`), [cask]);
  assert.ok(!recognizers(`x ${alnum(40)}JQQJ99ab`).includes('secret:azure_cask'), 'signature without the random head/tail');
  const nr = 'eu01xx' + randomBytes(15).toString('hex') + 'NRAL';
  assert.equal(nr.length, 40);
  assert.deepEqual(secrets(nr), [nr]);
});

test('JFrog reference tokens are checked by their decoded "reftkn:" header', () => {
  const ok = Buffer.concat([Buffer.from('reftkn:01:1893456000:'), randomBytes(27)]).toString('base64').replace(/[+/]/g, 'A');
  assert.ok(recognizers(ok).includes('secret:jfrog'), ok);
  const prose = Buffer.from("reftkn:These aren't the tokens you want, move along").toString('base64').slice(0, 64);
  assert.ok(!recognizers(prose).includes('secret:jfrog'), prose);
});

test('byte arrays next to key names; ordinary number lists are not keys', () => {
  const bytes = [...randomBytes(16)].map((b) => '0x' + b.toString(16).padStart(2, '0')).join(', ');
  assert.deepEqual(secrets(`static const uint8_t AES_KEY[16] = {${bytes}};`), [bytes]);
  const dec = [...randomBytes(12)].join(', ');
  assert.deepEqual(secrets(`var hmacSecret = []byte{${dec}}`), [dec]);
  assert.deepEqual(secrets(`\tSecret: []byte{${dec}},`), [dec]);
  assert.deepEqual(secrets(`#define AESKEY {${bytes}}`), [bytes]);
  assert.deepEqual(secrets(`int ports[] = {80, 443, 8080, 8443, 3000, 5000, 9000, 9090};`), []);
  assert.deepEqual(secrets(`keys = [1, 2, 3]`), [], 'too short for key material');
  assert.deepEqual(secrets(`monkey = {1, 2, 3, 4, 5, 6, 7, 8, 9}`), [], 'key inside a word');
  assert.deepEqual(secrets(`static const int DIV[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};`), [], 'IV inside a word');
});

test('hard-coded fallbacks of environment lookups', () => {
  assert.deepEqual(secrets('PASSWORD = os.environ.get("PASSWORD") or "at5G6zi!m"'), ['at5G6zi!m']);
  assert.deepEqual(secrets('if secret := os.Getenv("APP_VALUE", "GEHEIMN1S"); secret != "" {'), ['GEHEIMN1S']);
  assert.deepEqual(secrets('db_pass = getenv("DB_PASSWORD", "Qw9#xLp2")'), ['Qw9#xLp2']);
  assert.deepEqual(secrets('level = os.environ.get("LOG_LEVEL", "debug-verbose")'), [], 'not a secret name');
  assert.deepEqual(secrets('token = os.getenv("TOKEN", "changeme")'), [], 'placeholder');
});

test('key=value edge forms: glued prefixes, "password for user:", unclosed quotes, UUIDs under secret names', () => {
  assert.deepEqual(secrets('ANYusername=master ANYpassword=dipPr139Gg!'), ['dipPr139Gg!']);
  assert.deepEqual(secrets('password for admin: Xk29!pLq'), ['Xk29!pLq']);
  assert.deepEqual(secrets("key_wrap = 'KJHhJKhKU7yguyuyfrt4dESffhjgkhYT\\\n   continued'"), ['KJHhJKhKU7yguyuyfrt4dESffhjgkhYT']);
  const uuid = '1ace4d19-fa7e-42e2-93f0-9129474bcd81';
  assert.deepEqual(secrets(`app --client-secret ${uuid}`), [uuid]);
  assert.deepEqual(secrets(`request_id=${uuid}`), [], 'a UUID under a non-secret name');
  assert.deepEqual(secrets(`the token is ${uuid} in the log`), [], 'prose about an id');
  assert.deepEqual(secrets(`key: ${uuid}`), [], 'generic key name');
  // Words glued to "password" stay excluded when lower-case ("textpassword" is a word, not a key).
  assert.deepEqual(secrets('version = "1.2.3.4", sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"'), []);
});

test('NTLM / Negotiate Authorization headers and tokens after ANSI colour codes', () => {
  const ntlm = Buffer.from('NTLMSSP\0\x01\0\0\0' + randomBytes(16).toString('latin1'), 'latin1').toString('base64');
  assert.deepEqual(secrets(`Authorization: NTLM ${ntlm}`), [ntlm]);
  assert.deepEqual(secrets(`Authorization: Negotiate ${ntlm}`), [ntlm]);
  const ds = 'sk-' + randomBytes(16).toString('hex');
  assert.deepEqual(secrets(`key: \u001b[93m${ds}\u001b[0m`), [ds]);
  assert.deepEqual(secrets('\u001b[93mCompiling module 1.2.3\u001b[0m'), []);
});

test('look-alikes stay clean: UUIDs, hashes, version strings, base64 of ordinary text', () => {
  const samples = [
    'id 123e4567-e89b-12d3-a456-426614174000 done',
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    '"version": "10.0.19041.1"',
    Buffer.from('The quick brown fox jumps over the lazy dog again and again.').toString('base64'),
    'const MAX_RETRY_ATTEMPTS_FOR_UPLOAD = 5;',
  ];
  for (const s of samples) assert.deepEqual(secrets(s), [], s);
});

test('new patterns stay linear on 1 MB adversarial input', () => {
  const MB = 1024 * 1024;
  const rep = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
  const units = ['AB2C', 'JQQJ9', 'LTAI', 'org 00D', '0x1, ', 'key={', 'getenv("PASSWORD", "', '+/', 'NRAL', 'M', 'password for '];
  const cpuMs = (f: () => unknown) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  for (const u of units) {
    const small = rep(u, MB / 8);
    detect(small);
    const tSmall = cpuMs(() => detect(small));
    const tBig = cpuMs(() => detect(rep(u, MB)));
    assert.ok(tBig < Math.max(24 * tSmall, 300), `${JSON.stringify(u)}: 128 KB ${tSmall.toFixed(1)} ms, 1 MB ${tBig.toFixed(1)} ms CPU`);
    assert.ok(tBig < 4000, `${JSON.stringify(u)}: 1 MB took ${tBig.toFixed(1)} ms`);
  }
});
