// Compliance quality + speed: per-type precision / recall / F1 on ../shared/evals (Presidio generated
// data, Presidio recognizer unit cases, CredSweeper secrets), our engine side by side with the npm
// packages `redact-pii` and `@redactpii/node` through the same harness (span-overlap matching, their
// types mapped to ours); false hits on a code corpus; ms per 1,000 tokens; 1 MB adversarial inputs.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { encode as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { detect } from '../src/gateway/compliance/detect.js';

interface GoldSpan { start: number; end: number; type: string; orig_type: string }
interface Rec { id: string; text: string; spans: GoldSpan[]; meta?: { presidio_max_expected_score?: number | null } }
interface Pred { start: number; end: number; type: string }
type System = { name: string; run(text: string): Pred[] };

const EVALS = join(process.cwd(), '..', 'shared', 'evals');

/**
 * Our own hand-written set (test/fixtures/pii-heldout-*.jsonl): short developer / business texts written
 * for this project (not from ../shared/evals, not from Faker), PERSON and ADDRESS spans labelled by hand,
 * about 45 % hard negatives. Small (354 texts): read its numbers as a check on unseen text shapes, not as a
 * benchmark. "dev" (127) and "dev2" (100, written during the work) were looked at while changing the person
 * / address rules; "test" (127) was measured blind first (docs/compliance.md has both numbers).
 */
const HELDOUT = ['dev', 'dev2', 'test'].map((part) => [`heldout_ours_${part}`, join(process.cwd(), 'test', 'fixtures', `pii-heldout-${part}.jsonl`)] as const);

function load(file: string): Rec[] {
  const p = join(EVALS, file);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
}

const SECRET_OTHER = /password|url credentials|securestring/i;

/** Gold label as the harness sees it: secrets collapse to API_KEY / PASSWORD. */
function goldType(s: GoldSpan): string {
  if (s.type === 'OTHER' && SECRET_OTHER.test(s.orig_type)) return 'PASSWORD';
  return s.type;
}

/** Our types → eval types. */
function ourType(t: string): string {
  if (t === 'URL_CREDENTIALS') return 'PASSWORD';
  return t;
}

const SECRET_FAMILY = new Set(['API_KEY', 'PASSWORD']);

interface Counts { tp: number; fp: number; fn: number; goldN: number; predN: number }

function evaluate(records: Rec[], sys: System, types: string[], secretsMode: boolean): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  const key = (t: string) => (secretsMode && SECRET_FAMILY.has(t) ? 'SECRET' : t);
  const all = secretsMode ? ['SECRET', 'API_KEY', 'PASSWORD'] : types;
  for (const t of all) out[t] = { tp: 0, fp: 0, fn: 0, goldN: 0, predN: 0 };
  for (const r of records) {
    const preds = sys.run(r.text).map((p) => ({ ...p, type: ourType(p.type) }));
    const golds = r.spans.map((s) => ({ ...s, type: goldType(s) }));
    for (const t of all) {
      const match = (a: string) => (t === 'SECRET' ? SECRET_FAMILY.has(a) : a === t);
      // API_KEY and PASSWORD rows: gold of that type; predictions of either secret type count (the
      // split between "token" and "password" is the labeller's, not a privacy difference).
      const gMatch = (a: string) => match(a);
      const pMatch = (a: string) => (secretsMode && t !== 'SECRET' ? SECRET_FAMILY.has(a) : match(a));
      const g = golds.filter((s) => gMatch(s.type));
      const p = preds.filter((s) => pMatch(s.type));
      const c = out[t];
      c.goldN += g.length;
      for (const gs of g) {
        if (p.some((ps) => ps.start < gs.end && gs.start < ps.end)) c.tp++;
        else c.fn++;
      }
      // Precision rows for API_KEY/PASSWORD would double count; only SECRET (and PII types) score precision.
      if (secretsMode && t !== 'SECRET') continue;
      for (const ps of p) {
        c.predN++;
        if (!golds.some((gs) => (secretsMode ? SECRET_FAMILY.has(gs.type) : key(gs.type) === key(ps.type)) && ps.start < gs.end && gs.start < ps.end)) c.fp++;
      }
    }
  }
  return out;
}

function prf(c: Counts) {
  const recall = c.goldN ? c.tp / c.goldN : NaN;
  const precision = c.predN ? (c.predN - c.fp) / c.predN : NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: round(precision), recall: round(recall), f1: round(f1), gold: c.goldN, predicted: c.predN };
}
const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

// ----- systems --------------------------------------------------------------------------------------

const ours: System = { name: 'smartflow', run: (t) => detect(t).map((f) => ({ start: f.start, end: f.end, type: f.type })) };

/** Recovers spans from a redactor that only returns text, by aligning literal segments around markers. */
function spansFromRedaction(original: string, redacted: string, marker: string, type: string): Pred[] {
  if (!redacted.includes(marker)) return [];
  const parts = redacted.split(marker);
  const out: Pred[] = [];
  let pos = parts[0].length;
  for (let i = 1; i < parts.length; i++) {
    const lit = parts[i];
    const start = pos;
    let end = lit ? original.indexOf(lit, start + 1) : i === parts.length - 1 ? original.length : start + 1;
    if (end < 0) end = original.length;
    out.push({ start, end, type });
    pos = end + lit.length;
  }
  return out;
}

async function otherSystems(): Promise<System[]> {
  const systems: System[] = [];
  try {
    const rp = (await import('redact-pii')) as unknown as { SyncRedactor: new (o: unknown) => { redact(s: string): string } };
    const map: Record<string, string> = {
      emailAddress: 'EMAIL', phoneNumber: 'PHONE', creditCardNumber: 'CREDIT_CARD', usSocialSecurityNumber: 'SSN',
      ipAddress: 'IP_ADDRESS', streetAddress: 'ADDRESS', names: 'PERSON', password: 'PASSWORD', credentials: 'PASSWORD',
    };
    const all = ['creditCardNumber', 'streetAddress', 'zipcode', 'phoneNumber', 'ipAddress', 'usSocialSecurityNumber', 'emailAddress', 'username', 'password', 'credentials', 'digits', 'url', 'names'];
    const M = '\u0001';
    const redactors = Object.entries(map).map(([name, type]) => {
      const cfg: Record<string, { enabled: boolean }> = {};
      for (const n of all) cfg[n] = { enabled: n === name };
      return { type, r: new rp.SyncRedactor({ builtInRedactors: cfg, globalReplaceWith: M }) };
    });
    systems.push({ name: 'redact-pii', run: (t) => redactors.flatMap(({ type, r }) => spansFromRedaction(t, r.redact(t), M, type)) });
  } catch (e) {
    console.log('redact-pii unavailable:', (e as Error).message);
  }
  try {
    const rn = (await import('@redactpii/node')) as unknown as { Redactor: new (o: unknown) => { redact(s: string): string } };
    const map: Record<string, string> = { EMAIL: 'EMAIL', PHONE: 'PHONE', CREDIT_CARD: 'CREDIT_CARD', SSN: 'SSN', NAME: 'PERSON' };
    const M = '\u0001';
    const redactors = Object.entries(map).map(([rule, type]) => ({ type, r: new rn.Redactor({ rules: { [rule]: true }, globalReplaceWith: M }) }));
    systems.push({ name: '@redactpii/node', run: (t) => redactors.flatMap(({ type, r }) => spansFromRedaction(t, r.redact(t), M, type)) });
  } catch (e) {
    console.log('@redactpii/node unavailable:', (e as Error).message);
  }
  return systems;
}

// ----- code corpus: none of this is personal data or a secret ---------------------------------------

export const CODE_CORPUS = [
  '"version": "1.2.3.4",',
  'Microsoft Windows [Version 10.0.19041.1]',
  'const PORT = 8080; server.listen(3000, "0.0.0.0");',
  'at Object.<anonymous> (/app/src/index.js:142:17)',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
  'sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'id = "123e4567-e89b-12d3-a456-426614174000"',
  'order_id: 4111111111111112  // luhn fails',
  'invoice 1234567812345678 total',
  'timestamp: 1700000000000, epoch 1699999999',
  '  File "main.py", line 1234, in <module>',
  'requests==2.31.0\nnumpy>=1.26.4\ntorch==2.1.0+cu118',
  'listen 127.0.0.1:5432; build 4.3.2.1; port 8080',
  'const x = arr[12345678]; let y = 0x7fffffff;',
  'apiVersion: apps/v1\nkind: Deployment\nreplicas: 3',
  'if (password == null) { throw new Error("password required"); }',
  'const token = getToken(); const apiKey = process.env.OPENAI_API_KEY;',
  'password: ${DB_PASSWORD}\nsecret: <your-secret-here>',
  'date: 2024-01-15T10:30:00Z, build 2024.01.15.1',
  'matrix = [[1, 2, 3], [4, 5, 6]]; total = 1234567;',
  'Copyright (c) 2019-2024 Example Corp. All rights reserved.',
  'dependencies: lodash@4.17.21, react@18.2.0',
  'resource "aws_instance" "web" { ami = "ami-0c55b159cbfafe1f0" instance_type = "t2.micro" }',
  'integrity="sha512-Q6PXmGQ2D9aBp0ALVs+pLgXHXZRjgF6kX6u3s0YH6vS7sNQPczjh0KF3K+1UgqwS+PRBVLL6wY9kNNvIYCPb4A=="',
  'git checkout a1b2c3d4 && npm version 2.0.0-beta.1',
  'EXPOSE 80 443 8443\nENV NODE_VERSION=20.11.1',
  'for (let i = 0; i < 1000000; i++) { sum += i * 31; }',
  'SELECT * FROM users WHERE id = 42 AND created_at > 1672531200;',
  'isbn 978-3-16-148410-0, sku 12-3456-789',
  'ip_version = 4; mask = 255.255.255.0; ttl = 64',
];

function adversarialInputs(): Array<{ name: string; text: string }> {
  const MB = 1024 * 1024;
  const rep = (s: string) => s.repeat(Math.ceil(MB / s.length)).slice(0, MB);
  return [
    { name: 'digits', text: rep('1234567890') },
    { name: 'dots', text: rep('.') },
    { name: 'at-signs', text: rep('@') },
    { name: 'spaces', text: rep(' ') },
    { name: 'digits+dots', text: rep('1.2.') },
    { name: 'digits+spaces', text: rep('1 2 ') },
    { name: 'email-ish', text: rep('a.a@a.a') },
    { name: 'hex+colons', text: rep('a1:') },
    { name: 'letters', text: rep('aB3') },
    { name: 'dashes+digits', text: rep('12-') },
    { name: 'key=value', text: rep('password=') },
    { name: 'Capitalised', text: rep('John ') },
    // More shapes: separator runs, base64-ish, quotes, URL pieces, headers, numbers in groups, IBAN-like,
    // and inputs that are nothing but findings (every unit a valid value: cost per finding).
    { name: 'digit-pairs', text: rep('12 34 ') },
    { name: '+1 repeated', text: rep('+1 ') },
    { name: 'IBAN-like', text: rep('GB00 0000 ') },
    { name: 'dashes', text: rep('-') },
    { name: 'underscores', text: rep('_') },
    { name: 'slashes', text: rep('/') },
    { name: 'equals', text: rep('=') },
    { name: 'base64-ish', text: rep('QUJDRGVm') },
    { name: 'quotes', text: rep('"') },
    { name: 'scheme-sep', text: rep('://') },
    { name: 'newlines', text: rep('\n') },
    { name: 'context words', text: rep('ip ') },
    { name: 'Authorization: Bearer', text: rep('Authorization: Bearer ') },
    { name: 'key: (dense keys)', text: rep('key: ') },
    { name: 'varied names', text: rep('John Mary Anne Paul ') },
    { name: 'Mr. repeated', text: rep('Mr. ') },
    { name: 'emails a@b.cc', text: rep('a@b.cc ') },
    { name: 'cards', text: rep('4111 1111 1111 1111 ') },
    { name: 'IPv4s', text: rep('10.0.0.1 ') },
    { name: 'dates + born', text: rep('1/2/1990 born ') },
    // More finding-dense shapes (a reviewer's own picks): other addresses, e-mails, unspaced cards, ISO
    // dates, and secrets — key names with random values, vendor tokens, JWTs, passwords, keyword chains.
    { name: 'IPv4s 1.1.1.1', text: rep('1.1.1.1 ') },
    { name: 'emails a@b.co', text: rep('a@b.co ') },
    { name: 'cards unspaced', text: rep('4111111111111111 ') },
    { name: 'ISO dates + dob', text: rep('1990-01-02 dob ') },
    { name: 'key: <token>', text: rep('key: aB3dE5fG7hJ9kL1mN2pQ ') },
    { name: 'password: <value>', text: rep('password: hunter2x ') },
    { name: 'token: (dense keys)', text: rep('token: ') },
    { name: 'api_key= chain', text: rep('api_key=') },
    // A made-up token, built by concatenation so no key-shaped literal sits in the repository.
    { name: 'GitHub tokens', text: rep('ghp_' + 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY2zA4 ') },
    { name: 'Bearer <JWT>', text: rep('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc123DEF456ghi ') },
  ];
}

export async function run(): Promise<Record<string, unknown>> {
  const large = load('pii_presidio_generated_large.jsonl');
  const unit = load('pii_presidio_unit_cases.jsonl');
  const secrets = load('secrets_credsweeper.jsonl');
  const datasets = () => [
    ['presidio_generated_large', large, false],
    ['presidio_unit_cases', unit, false],
    ['presidio_unit_cases_non_weak', unitNonWeak, false],
    ['credsweeper_secrets', secrets, true],
  ] as const;
  const PII_TYPES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'SSN', 'IBAN', 'IP_ADDRESS', 'PERSON', 'ADDRESS', 'DATE_OF_BIRTH', 'PASSPORT'];
  const results: Record<string, unknown> = {};
  const quality: Record<string, Record<string, Record<string, unknown>>> = {};
  // Presidio's own tests mark some cases as weak matches (its expected score < 0.5: e.g. a bare "A12803456"
  // or "078051121" with no context, which Presidio itself scores 0.05–0.4). A detector with a report
  // threshold does not report those by design; this second view leaves those records out.
  const weak = (r: Rec) => typeof r.meta?.presidio_max_expected_score === 'number' && r.meta.presidio_max_expected_score < 0.5;
  const unitNonWeak = unit.filter((r) => !weak(r));
  const evalSystem = (sys: System): void => {
    for (const [name, recs, secretsMode] of datasets()) {
      if (!recs.length) continue;
      quality[name] ??= {};
      const c = evaluate(recs as Rec[], sys, PII_TYPES, secretsMode);
      quality[name][sys.name] = Object.fromEntries(Object.entries(c).filter(([, v]) => v.goldN || v.predN).map(([t, v]) => [t, prf(v)]));
    }
    // Held-out set: only PERSON and ADDRESS are labelled there, so only those are scored.
    for (const [name, file] of HELDOUT) {
      if (!existsSync(file)) continue;
      const recs = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
      quality[name] ??= {};
      const c = evaluate(recs, sys, ['PERSON', 'ADDRESS'], false);
      quality[name][sys.name] = Object.fromEntries(Object.entries(c).map(([t, v]) => [t, prf(v)]));
    }
  };
  evalSystem(ours);
  const speedLines = measureSpeed(large, results);
  for (const sys of await otherSystems()) evalSystem(sys);
  results.quality = quality;

  for (const [ds, bySys] of Object.entries(quality)) {
    console.log(`\n${ds}`);
    const types = [...new Set(Object.values(bySys).flatMap((x) => Object.keys(x)))];
    console.log(['type'.padEnd(14), ...Object.keys(bySys).map((s) => s.padEnd(24))].join(' '));
    for (const t of types) {
      const cells = Object.values(bySys).map((x) => {
        const v = x[t] as ReturnType<typeof prf> | undefined;
        return (v ? `P${fmt(v.precision)} R${fmt(v.recall)} F${fmt(v.f1)}` : '-').padEnd(24);
      });
      console.log([t.padEnd(14), ...cells].join(' '));
    }
  }

  // Code corpus: every finding is a false hit.
  const codeHits = CODE_CORPUS.flatMap((t) => detect(t).map((f) => ({ type: f.type, text: t.slice(f.start, f.end).slice(0, 12) + '…', recognizer: f.recognizer })));
  results.code_corpus = { snippets: CODE_CORPUS.length, false_hits: codeHits.length, hits: codeHits.map((h) => `${h.type}:${h.recognizer}`) };
  console.log(`\ncode corpus: ${CODE_CORPUS.length} snippets, ${codeHits.length} false hits ${codeHits.length ? JSON.stringify(codeHits.map((h) => h.recognizer)) : ''}`);

  for (const l of speedLines) console.log(l);
  return results;
}

/**
 * Our speed, measured before the peer packages are loaded and run (their heaps and JIT state would tax
 * our numbers), after our own quality pass has warmed the code up. Returns the lines to print.
 */
function measureSpeed(large: Rec[], results: Record<string, unknown>): string[] {
  const lines: string[] = [];
  // Speed: full scan over the generated texts, ms per 1,000 tokens. Tokens are counted with o200k_base (the
  // tokenizer of GPT-4o and later OpenAI models; of the current ones it gives these texts the fewest tokens,
  // so the most per-token cost), and also as 4 characters per token, the usual rule of thumb for English
  // prose — PII-dense text (numbers, e-mails, names) has fewer characters per token, so that rule
  // undercounts its tokens. Every figure is the best of three rounds: on the shared machine, other work only
  // ever adds time.
  const best3 = (f: () => void): { wall: number; cpu: number } => {
    let wall = Infinity;
    let cpu = Infinity;
    for (let k = 0; k < 3; k++) {
      const s = performance.now();
      const c0 = process.cpuUsage();
      f();
      const c = process.cpuUsage(c0);
      wall = Math.min(wall, performance.now() - s);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
    }
    return { wall, cpu };
  };
  const texts = large.map((r) => r.text);
  for (const t of texts.slice(0, 200)) detect(t); // warm-up
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const short = best3(() => {
    for (const t of texts) detect(t);
  });
  // Long document: the same texts concatenated (one 200 KB prompt).
  const doc = texts.join('\n');
  const long = best3(() => detect(doc));
  // Ordinary prose (Quora questions: little PII) — what most prompts look like.
  const prose = existsSync(join(EVALS, 'pairs_qqp_dev.jsonl'))
    ? readFileSync(join(EVALS, 'pairs_qqp_dev.jsonl'), 'utf8').split('\n').slice(0, 3000).filter(Boolean).map((l) => (JSON.parse(l) as { a: string }).a).join('\n')
    : '';
  let proseCpu: number | null = null;
  if (prose) {
    detect(prose);
    proseCpu = best3(() => detect(prose)).cpu;
  }
  // Steady state: a running gateway scans thousands of prompts, and V8 keeps optimising the recognizers for
  // the first ~10 passes over these 2,109 texts (measured: 2–3 ms per 1k tokens on pass 1, flat from pass
  // ~10). So 20 more passes, reporting the median of the last 10 — the figure a long-running gateway sees.
  const steady: { wall: number; cpu: number }[] = [];
  for (let k = 0; k < 20; k++) {
    const s = performance.now();
    const c0 = process.cpuUsage();
    for (const t of texts) detect(t);
    const c = process.cpuUsage(c0);
    if (k >= 10) steady.push({ wall: performance.now() - s, cpu: (c.user + c.system) / 1000 });
  }
  const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  // Each shape: a 4 KB warm-up, then the first 1 MB scan (recorded as `first`: it also pays V8's optimizing
  // compiler for code paths the shape is the first to exercise — that compiler runs on another thread,
  // and process CPU time counts it), then the best of three more (`warm`: the steady state of a running
  // gateway, and the number the 50 ms target is read against). Best-of because the shared machine's noise
  // only ever adds time.
  const adv: Record<string, number> = {};
  const advCpu: Record<string, number> = {};
  const advFirst: Record<string, number> = {};
  for (const { name, text } of adversarialInputs()) {
    detect(text.slice(0, 4096)); // warm-up
    let wall = Infinity;
    let cpu = Infinity;
    for (let k = 0; k < 4; k++) {
      const s = performance.now();
      const c0 = process.cpuUsage();
      detect(text);
      const c = process.cpuUsage(c0);
      const cpuMs = (c.user + c.system) / 1000;
      if (k === 0) {
        advFirst[name] = round(cpuMs) as number;
        continue;
      }
      wall = Math.min(wall, performance.now() - s);
      cpu = Math.min(cpu, cpuMs);
    }
    adv[name] = round(wall) as number;
    advCpu[name] = round(cpu) as number;
  }
  results.adversarial_1mb_cpu_ms = advCpu;
  results.adversarial_1mb_ms = adv;
  results.adversarial_1mb_first_scan_cpu_ms = advFirst;
  results.load_average = os.loadavg().map((x) => Math.round(x * 100) / 100);
  lines.push(`adversarial 1 MB wall ms: ${Object.entries(adv).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  lines.push(`adversarial 1 MB CPU ms (warm):  ${Object.entries(advCpu).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  lines.push(`adversarial 1 MB CPU ms (first scan):  ${Object.entries(advFirst).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  lines.push(`load average (1/5/15 min): ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // Tokens are counted after every timing (here, after the 1 MB inputs too) (the tokenizer's tables would otherwise sit in the heap
  // being measured).
  const tokens = texts.reduce((n, t) => n + o200k(t).length, 0);
  const msPer1k = short.wall / (tokens / 1000);
  const shortCpuPer1k = short.cpu / (tokens / 1000);
  const docTokens = o200k(doc).length;
  const docPer1k = long.wall / (docTokens / 1000);
  const docCpuPer1k = long.cpu / (docTokens / 1000);
  const prosePer1k = proseCpu === null ? null : proseCpu / (o200k(prose).length / 1000);
  const steadyWallPer1k = median(steady.map((r) => r.wall)) / (tokens / 1000);
  const steadyCpuPer1k = median(steady.map((r) => r.cpu)) / (tokens / 1000);
  // The same steady-state figures with 4 characters per token.
  const per4 = (ms: number): number => ms / (chars / 4 / 1000);
  results.speed = {
    tokenizer: 'o200k_base',
    short_texts_tokens: tokens,
    short_texts_chars: chars,
    ms_per_1k_tokens_short_texts_steady: round(steadyWallPer1k),
    cpu_ms_per_1k_tokens_short_texts_steady: round(steadyCpuPer1k),
    ms_per_1k_chars4_short_texts_steady: round(per4(median(steady.map((r) => r.wall)))),
    cpu_ms_per_1k_chars4_short_texts_steady: round(per4(median(steady.map((r) => r.cpu)))),
    ms_per_1k_tokens_short_texts: round(msPer1k),
    cpu_ms_per_1k_tokens_short_texts: round(shortCpuPer1k),
    ms_per_1k_tokens_long_doc: round(docPer1k),
    cpu_ms_per_1k_tokens_long_doc: round(docCpuPer1k),
    cpu_ms_per_1k_tokens_prose: prosePer1k === null ? null : round(prosePer1k),
    long_doc_chars: doc.length,
    prose_chars: prose.length,
  };
  lines.unshift(
    `\nspeed (o200k_base tokens; the short texts have ${tokens} tokens, ${(chars / tokens).toFixed(2)} chars per token): PII-dense generated texts ${msPer1k.toFixed(3)} ms/1k tokens wall / ${shortCpuPer1k.toFixed(3)} CPU (short texts, ${Math.round(chars / texts.length)} chars each), ${docPer1k.toFixed(3)} wall / ${docCpuPer1k.toFixed(3)} CPU (one ${Math.round(doc.length / 1024)} KB document); ordinary prose ${prosePer1k?.toFixed(3) ?? '-'} CPU ms/1k tokens`,
    `speed, steady state (short texts, median of 10 passes after 14 earlier ones): ${steadyWallPer1k.toFixed(3)} ms/1k tokens wall / ${steadyCpuPer1k.toFixed(3)} CPU; at 4 chars per token ${per4(median(steady.map((r) => r.wall))).toFixed(3)} wall / ${per4(median(steady.map((r) => r.cpu))).toFixed(3)} CPU`,
  );

  return lines;
}

function fmt(x: number | null): string {
  return x === null ? ' -  ' : x.toFixed(2);
}
