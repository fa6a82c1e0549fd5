// Layer 2 (PERSON / ADDRESS) mechanisms: label, key, verb and e-mail cues, surname-first names, initials,
// accents, the extra given-name list, lower-case cues, product / place / phrase vetoes, more address
// formats — true positives and hard negatives — plus the held-out set's floor and name-dense input speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detect } from '../../../src/gateway/compliance/detect.js';
import { MB, cpuMs, rep } from './helpers.js';

const found = (t: string, type: 'PERSON' | 'ADDRESS') => detect(t).filter((f) => f.type === type).map((f) => t.slice(f.start, f.end));
const persons = (t: string) => found(t, 'PERSON');
const addresses = (t: string) => found(t, 'ADDRESS');

test('labels, git trailers and display names before an e-mail address are cues', () => {
  assert.deepEqual(persons('Revert "x"\n\nReported-by: Tomasz Wiśniewski'), ['Tomasz Wiśniewski']);
  assert.deepEqual(persons('Acked-by: Bogumiła Zielińska <bzielinska@example.pl>'), ['Bogumiła Zielińska']);
  assert.deepEqual(persons('To: Kaveh Rostami <kaveh@example.ir>\nSubject: Re: renewal'), ['Kaveh Rostami']);
  assert.deepEqual(persons('Reviewer: Tanvir Hossain'), ['Tanvir Hossain']);
  // A label alone does not make a lone unknown word a name, nor a team or product one.
  assert.deepEqual(persons('Assignee: Unassigned'), []);
  assert.deepEqual(persons('From: Platform Team <noreply@example.com>'), []);
});

test('keys whose value is a person name are cues; a plain "name" key is not', () => {
  assert.deepEqual(persons('{"customer": {"first_name": "Ines", "last_name": "Carvalho"}}'), ['Ines', 'Carvalho']);
  assert.deepEqual(persons('WARN declined customer_name=Juan Pablo Herrera amount=129.99'), ['Juan Pablo Herrera']);
  assert.deepEqual(persons('{"type": "Feature", "properties": {"name": "Central Park"}}'), []);
  assert.deepEqual(persons('metadata:\n  name: payments-api\n  labels:\n    app: Payments'), []);
});

test('names that are common words need a cue: a verb before or a speech verb after', () => {
  assert.deepEqual(persons('Tell Grace the slides are ready.'), ['Grace']);
  assert.deepEqual(persons('What did Bill Gates say about AI in his letter?'), ['Bill Gates']);
  assert.deepEqual(persons('Ask Questions in the forum.'), []);
  assert.deepEqual(persons('Sterling Silver, Rose Gold and Matte Black are the finishes.'), []);
  assert.deepEqual(persons('Your Bill for March is attached.'), []);
});

test('surname-first names, initials, possessives and an honorific inside a run', () => {
  assert.deepEqual(persons('Gates, Bill (born 1955) co-founded it'), ['Gates, Bill']);
  assert.deepEqual(persons('Employee: Hernandez, Maria L. (ID 20931)'), ['Hernandez, Maria L.']);
  assert.deepEqual(persons('Paris, Texas'), []);
  assert.deepEqual(persons('Lagos, Nigeria'), []);
  assert.deepEqual(persons('Reviewed by A. Kumar'), ['A. Kumar']);
  assert.deepEqual(persons("Anand's laptop needs a new SSD."), ['Anand']);
  assert.deepEqual(persons('Ping Dr. Okonjo for the lab results.'), ['Dr. Okonjo']);
});

test('accented spellings and given names from the extra list are known names', () => {
  assert.deepEqual(persons('Seán Ó Briain asked about the refund.'), ['Seán Ó Briain']);
  // "Lucía" is also a place word (Saint Lucia): next to another known name it is a name.
  assert.deepEqual(persons('-- \nLucía Gómez | Product Manager'), ['Lucía Gómez']);
  assert.deepEqual(persons('draft a reference letter for Olumide Bakare, who interned with us'), ['Olumide Bakare']);
  assert.deepEqual(persons('Standup: Emeka paired with Sofia on the flaky test.'), ['Emeka', 'Sofia']);
});

test('lower-case names after a greeting, a verb cue or before a speech verb', () => {
  assert.deepEqual(persons('"hey dmitri, the demo is moved to thursday"'), ['dmitri']);
  assert.deepEqual(persons('ping dmitry about the flaky test'), ['dmitry']);
  assert.deepEqual(persons('can u remind me what joão said about the deploy window'), ['joão']);
  assert.deepEqual(persons('Owner: björn lindgren'), ['björn lindgren']);
  // Common words stay words.
  assert.deepEqual(persons('ask will about it'), []);
  assert.deepEqual(persons('the docs said it is fine'), []);
});

test('products, places, teams and title-case phrases are not persons', () => {
  for (const t of [
    'Docker Compose, Terraform Cloud and GitHub Actions are configured.',
    'Visual Studio Code, IntelliJ IDEA and Sublime Text all support LSP.',
    'Victoria Station is closed; take the Jubilee line.',
    'Bug: Hover state on Primary Button is wrong in Dark Mode.',
    'Harvard Business Review and MIT Technology Review both covered it.',
    'The Jackson library serializes Date fields as timestamps.',
    'Cassandra nodes time out; Kafka consumers lag behind.',
    'Austin, Jackson and Charlotte offices will be closed Monday.',
    'Tableau, Looker and Power BI dashboards read from Snowflake.',
    'Florence-2 and Phi-3 are small vision and language models.',
    'Julia 1.9 is out.',
    'The Stanley Cup final is on Thursday.',
    'Set Max Connections to 200.',
    '{"shipTo": {"city": "New York", "state": "NY"}}',
    'Deploy to us-east-1; the Oregon region is deprecated.',
    'The Hudson River Park trail is closed for maintenance.',
    'The campus is in Santa Clara County.',
    'Date:   Tue Mar 4 10:22:31 2025 +0800',
  ]) assert.deepEqual(persons(t), [], t);
  // "Jan" is a given name as well as a month.
  assert.deepEqual(persons('Jan is from Rotterdam'), ['Jan']);
  // The same words as parts of a person's name are still names.
  assert.deepEqual(persons('Steve Jobs introduced the iPhone in 2007.'), ['Steve Jobs']);
  assert.deepEqual(persons('Meeting with Vincent Kompany at noon'), ['Vincent Kompany']);
});

test('address formats: compound and one-word streets, unit-first lines, more postal codes', () => {
  assert.deepEqual(addresses('Please send the NDA to Ms. Rebecca Lindqvist at Kungsgatan 44, 111 35 Stockholm.'), ['Kungsgatan 44, 111 35 Stockholm']);
  assert.deepEqual(persons('Please send the NDA to Ms. Rebecca Lindqvist at Kungsgatan 44, 111 35 Stockholm.'), ['Ms. Rebecca Lindqvist']);
  assert.deepEqual(addresses('He moved to 56 Kingsway, Manchester M19 2ND last year.'), ['56 Kingsway, Manchester M19 2ND']);
  assert.deepEqual(addresses('Send it to Flat 12, 8 Hanover Square, London W1S 1HQ.'), ['Flat 12, 8 Hanover Square, London W1S 1HQ']);
  assert.deepEqual(addresses('Delivery address: Plot 14, Sector 18, Gurugram, Haryana 122015').length, 1);
  assert.deepEqual(addresses('Adres: Keizersgracht 123, 1015 CJ Amsterdam'), ['Keizersgracht 123, 1015 CJ Amsterdam']);
  assert.deepEqual(addresses('Pickup at Karel de Grotelaan 33, Eindhoven'), ['Karel de Grotelaan 33, Eindhoven']);
  // A phone number after a locality is not a postal code.
  assert.ok(!addresses('11 Eriksbo Västergärde 98\n ANGERED\n089 72 63 41 office')[0]?.includes('089'));
});

test('address hard negatives: stack traces, paths, counts before street words', () => {
  assert.deepEqual(addresses(`Traceback (most recent call last):\n  File "/home/ci/app/worker.py", line 88, in run\n    result = Handler().process(job)\nKeyError: 'Address'`), []);
  assert.deepEqual(addresses('Added 12 Road segments to the map test.'), []);
  assert.deepEqual(addresses('Room 4, then the lab'), []);
});

interface Rec { text: string; spans: Array<{ start: number; end: number; type: string }> }

test('our held-out set: PERSON and ADDRESS F1 stay above a floor', () => {
  const recs: Rec[] = ['dev', 'dev2', 'test'].flatMap((p) =>
    readFileSync(join(process.cwd(), 'test', 'fixtures', `pii-heldout-${p}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec),
  );
  assert.ok(recs.length >= 300);
  for (const [type, floor] of [['PERSON', 0.8], ['ADDRESS', 0.85]] as const) {
    let tp = 0, gold = 0, pred = 0, fp = 0;
    for (const r of recs) {
      const p = detect(r.text).filter((f) => f.type === type);
      const g = r.spans.filter((s) => s.type === type);
      gold += g.length;
      pred += p.length;
      tp += g.filter((s) => p.some((x) => x.start < s.end && s.start < x.end)).length;
      fp += p.filter((x) => !g.some((s) => x.start < s.end && s.start < x.end)).length;
    }
    const precision = (pred - fp) / pred;
    const recall = tp / gold;
    const f1 = (2 * precision * recall) / (precision + recall);
    assert.ok(f1 >= floor, `${type} F1 ${f1.toFixed(3)} (P ${precision.toFixed(3)} R ${recall.toFixed(3)}) under ${floor}`);
  }
});


test('name-dense 1 MB inputs for the new cues scan in linear time', () => {
  // Inputs that are a finding every few characters: same ceiling as the other finding-dense shapes
  // (recognizers.test.ts: 2 × SMARTFLOW_ADVERSARIAL_BUDGET_MS, 400 ms by default).
  const ceiling = 2 * Number(process.env.SMARTFLOW_ADVERSARIAL_BUDGET_MS ?? 200);
  for (const u of ['hey anna ', 'Signed-off-by: Jo Ab\n', '"first_name": "Ana Li" <a@b.co>, ', 'Gates, Bill\n', 'Reviewed by A. Kumar\n', 'ping dmitri said ', 'Flat 1, 2 Main Street, ', 'Éé ']) {
    const quarter = rep(u, MB / 4);
    const big = rep(u, MB);
    detect(quarter.slice(0, 4096));
    let tQuarter = cpuMs(() => detect(quarter));
    let tBig = cpuMs(() => detect(big));
    if (tBig > 6 * tQuarter + 20 || tBig >= ceiling) {
      tQuarter = Math.min(tQuarter, cpuMs(() => detect(quarter)));
      tBig = Math.min(tBig, cpuMs(() => detect(big)));
    }
    assert.ok(tBig <= 6 * tQuarter + 20, `${JSON.stringify(u)}: 256 KB ${tQuarter.toFixed(1)} ms, 1 MB ${tBig.toFixed(1)} ms CPU — not linear`);
    assert.ok(tBig < ceiling, `${JSON.stringify(u)}: 1 MB took ${tBig.toFixed(1)} ms CPU (ceiling ${ceiling} ms)`);
  }
});
