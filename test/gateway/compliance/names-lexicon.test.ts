// The person word table (recognizers/names.ts): every word of the name lists and the English-word list is
// found with the facts the lists give it, words in no list are not, and accented / non-Latin-1 keys work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { personWordFacts } from '../../../src/gateway/compliance/recognizers/names.js';
import { PEOPLE_NAMES } from '../../../src/gateway/compliance/data/people-names.js';
import { GIVEN_NAMES_EXTRA } from '../../../src/gateway/compliance/data/given-names-extra.js';
import { ENGLISH_WORDS } from '../../../src/gateway/compliance/data/english-words.js';

/** Words the lexicon drops on purpose: they are stop words, or brands ("tesla", "siri"). */
const BRANDS = new Set(['tesla', 'lexus', 'cortana', 'siri', 'sony', 'acer', 'dior']);
const dropped = (w: string) => personWordFacts(w).stop || BRANDS.has(w);

test('every name of the main and extra lists is a known name unless the lexicon drops it', () => {
  const people = PEOPLE_NAMES.split('\n').filter((n) => n.length > 1).map((n) => n.toLowerCase());
  const extra = GIVEN_NAMES_EXTRA.split('\n').filter(Boolean);
  assert.ok(people.length > 30_000 && extra.length > 50_000);
  const missing = [...people, ...extra].filter((w) => !personWordFacts(w).known && !dropped(w));
  assert.deepEqual(missing, []);
  // The drops are few: stop words and brands only.
  const drops = new Set([...people, ...extra].filter((w) => !personWordFacts(w).known));
  assert.ok(drops.size > 0 && drops.size < 400, `${drops.size} dropped`);
  for (const w of drops) assert.ok(dropped(w), w);
});

test('accented extra names are known in their folded spelling too; keys beyond Latin-1 work', () => {
  const nonAscii = GIVEN_NAMES_EXTRA.split('\n').filter((n) => /[^\x00-\x7f]/.test(n));
  assert.ok(nonAscii.length > 100);
  const fold = (w: string) => w.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  for (const n of nonAscii) {
    const f = fold(n);
    // (Letters without a decomposition, "ł", "ø", "ß", fold by a table of their own.)
    if (/^[a-z'\- ]+$/.test(f) && !dropped(f)) assert.ok(personWordFacts(f).known, `${n} → ${f}`);
  }
  const beyondLatin1 = [...PEOPLE_NAMES.split('\n'), ...GIVEN_NAMES_EXTRA.split('\n')]
    .map((n) => n.toLowerCase())
    .filter((n) => n.length > 1 && /[^\x00-\xff]/.test(n) && !dropped(n));
  assert.ok(beyondLatin1.length > 0);
  for (const n of beyondLatin1) assert.ok(personWordFacts(n).known, n);
  assert.ok(personWordFacts('torbjörn').known);
});

test('English words are English words exactly when no stop list or main name list has them', () => {
  const main = new Set(PEOPLE_NAMES.split('\n').map((n) => n.toLowerCase()));
  for (const w of ENGLISH_WORDS.split(' ')) {
    const f = personWordFacts(w);
    const inMain = main.has(w) && f.known;
    assert.equal(f.english, !f.stop && !inMain, w);
  }
  assert.ok(personWordFacts('connections').english);
  assert.ok(!personWordFacts('connections').known);
});

test('hand lists and words in no list', () => {
  assert.ok(personWordFacts('the').stop);
  assert.ok(personWordFacts('london').place);
  assert.ok(personWordFacts('dr').honorific);
  assert.ok(personWordFacts('station').org);
  assert.ok(personWordFacts('grace').known && personWordFacts('grace').common);
  assert.ok(!personWordFacts('Grace').known, 'keys are lower-case');
  // Random strings (and prefixes / extensions of names) are not in the table.
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let k = 0; k < 3000; k++) {
    let w = 'zq';
    for (let j = 0; j < 4 + Math.floor(rnd() * 8); j++) w += String.fromCharCode(97 + Math.floor(rnd() * 26));
    assert.deepEqual(Object.values(personWordFacts(w)).filter(Boolean), [], w);
  }
  for (const w of ['', 'x'.repeat(300), 'johnx', 'joh', 'mariaa']) assert.ok(!personWordFacts(w).known, w);
});
