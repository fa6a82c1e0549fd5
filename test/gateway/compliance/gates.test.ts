// Character-class gates (a pass is skipped only when it cannot find anything) and HTTP header words in
// the person rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectCandidates, detect, SHAPE_DIGITS_CAP, SHAPE_DOTS_CAP, textShape } from '../../../src/gateway/compliance/detect.js';
import type { TextShape } from '../../../src/gateway/compliance/detect.js';

const found = (t: string, type: string) => detect(t).filter((f) => f.type === type).map((f) => t.slice(f.start, f.end));

/** A shape that opens every gate: all passes run, as before the gates existed. */
const ALL: TextShape = { digits: Number.MAX_SAFE_INTEGER, dots: Number.MAX_SAFE_INTEGER, colon: true, capitals: true, letters: true };
const key = (t: string, shape?: TextShape) =>
  collectCandidates(t, {}, undefined, shape)
    .map((c) => `${c.type}:${c.start}:${c.end}:${c.score}:${c.recognizer}:${!!c.needsContext}:${!!c.contextApplied}`)
    .join('|');

test('textShape counts digits and dots and notes ":" and possible capitals', () => {
  assert.deepEqual(textShape('a1.b2:c3'), { digits: 3, dots: 1, colon: true, capitals: false, letters: true });
  assert.deepEqual(textShape('1.2:3'), { digits: 3, dots: 1, colon: true, capitals: false, letters: false });
  assert.deepEqual(textShape('Ab'), { digits: 0, dots: 0, colon: false, capitals: true, letters: true });
  // Any non-ASCII character may be a capital ("Émile"): it opens the capitalised-run pass.
  assert.equal(textShape('émile').capitals, true);
  assert.equal(textShape('ü').letters, true);
  assert.equal(textShape('').digits, 0);
});

test('textShape: counts stop at the largest gate minimum; long texts (native searches) agree with the loop', () => {
  assert.deepEqual(textShape('1234567890123456 a.b.c.d.e'), { digits: SHAPE_DIGITS_CAP, dots: SHAPE_DOTS_CAP, colon: false, capitals: false, letters: true });
  // Random texts over the classes, short (counted by a loop) and long (native searches), against a plain count.
  const alphabet = ['1', '0', '9', '.', ':', 'A', 'Z', 'a', 'z', 'é', '\uD83D', ' ', '-', '@'];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let k = 0; k < 400; k++) {
    const len = k % 2 === 0 ? rnd(40) : 1025 + rnd(200);
    const pool = alphabet.filter(() => rnd(3) > 0);
    let t = '';
    for (let i = 0; i < len && pool.length; i++) t += pool[rnd(pool.length)];
    let digits = 0;
    let dots = 0;
    let colon = false;
    let capitals = false;
    let lower = false;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c >= 48 && c <= 57) digits++;
      else if (c === 46) dots++;
      else if (c === 58) colon = true;
      else if ((c >= 65 && c <= 90) || c >= 128) capitals = true;
      else if (c >= 97 && c <= 122) lower = true;
    }
    const want = { digits: Math.min(digits, SHAPE_DIGITS_CAP), dots: Math.min(dots, SHAPE_DOTS_CAP), colon, capitals, letters: capitals || lower };
    assert.deepEqual(textShape(t), want, JSON.stringify(t.slice(0, 60)));
  }
});

test('gates never change the candidates: texts with exactly one trigger class, and at each threshold', () => {
  const texts = [
    // One class each.
    'contact me at jane@example.com',
    'card 4111 1111 1111 1111 thanks',
    'ssn 078-05-1120 please',
    'server 10.0.0.1 is down',
    'listening on fe80::1 now',
    'call +44 20 7946 0958 today',
    'passport A1234567 attached',
    'she was born 3/4/1990 in town',
    'mrn 1234567 patient record',
    'ship to 12 main street springfield', '12 ü 3',
    'natalina, thomas, crystal and omar',
    'my name is jillian capon',
    'Émile Zola wrote it',
    'Ängel Öberg called',
    'hello there John Smith',
    'password: hunter2hunter2',
    'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345',
    // Just below and at each digit / dot threshold.
    '1.2.3', '1.2.3.4', '11.2.3', '12345', '123456', '12-34-567', '123-45-6789', '41111111111', '411111111111',
    '4111 1111 111', '4111 1111 1111', 'passport A12', 'passport A123', 'born 1/2/9', 'born 1/2/90', 'mrn 12345', 'mrn 123456',
    // Candidates holding exactly the minimum digits each gate assumes.
    'card 500000000009', 'ssn 536-22-8726', 'call 61 51 81', 'passport CFG123HJK',
  ];
  for (const t of texts) {
    assert.equal(key(t), key(t, ALL), t);
    assert.deepEqual(detect(t), detect(t), t);
  }
});

test('gates never change the candidates: random texts over the trigger classes', () => {
  // A fixed-seed generator (no Math.random: a failure must reproduce).
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = ['1', '2', '0', '9', '.', ':', ' ', '-', '/', '@', 'a', 'e', 'A', 'J', 'é', 'Ö', ' and ', 'ip ', 'born ', 'passport ', 'mrn ', 'John ', 'card ', 'call ', 'street ', 'key=', 'ssn '];
  for (let k = 0; k < 3000; k++) {
    let t = '';
    const n = 1 + rnd(24);
    for (let i = 0; i < n; i++) t += pieces[rnd(pieces.length)];
    assert.equal(key(t), key(t, ALL), JSON.stringify(t));
  }
});

test('HTTP header words are not names (repeated "Authorization: Bearer")', () => {
  assert.deepEqual(found('Authorization: Bearer '.repeat(50), 'PERSON'), []);
  assert.deepEqual(found('Content-Type: application/json\nAuthorization: Basic dXNlcjpwYXNzd29yZA==\nAccept: */*', 'PERSON'), []);
  assert.deepEqual(found('Hi Bearer Content', 'PERSON'), []);
  // Names next to headers are still names.
  assert.deepEqual(found('Authorization: Bearer x\nsaid Maria Gonzalez yesterday', 'PERSON'), ['Maria Gonzalez']);
  assert.deepEqual(found('Hello, my name is Maria Gonzalez and I need help', 'PERSON'), ['Maria Gonzalez']);
});

test('person results do not depend on earlier scans', () => {
  const t = 'Dear Mark, please ask John Smith and Mary Jones about it.';
  const first = JSON.stringify(detect(t));
  // Many other texts in between, with the same words in other positions and cases.
  for (let i = 0; i < 200; i++) detect(`Mark ${i} Smith John MARK the Mary, Jones and Mark Twain ${i}`);
  assert.equal(JSON.stringify(detect(t)), first);
});
