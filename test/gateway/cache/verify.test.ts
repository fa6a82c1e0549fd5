// The precision gate, class by class: each hard negative must be rejected by verification alone (its
// embedding similarity is typically high), and true paraphrases must pass it and the shipped threshold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BundledEmbedder, extractFeatures, verifyMatch, SHIPPED_SIMILARITY_THRESHOLD } from '../../../src/gateway/cache/index.js';
import { tokenize, splitIdentifier, stem } from '../../../src/gateway/cache/tokenize.js';

const emb = new BundledEmbedder();
emb.loadSync();
const verdict = (a: string, b: string) => verifyMatch(extractFeatures(a, emb), extractFeatures(b, emb), emb);
const sim = (a: string, b: string) => {
  const x = emb.embedOne(a), y = emb.embedOne(b);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
};

const NEGATIVES: Record<string, Array<[string, string]>> = {
  numbers: [
    ['Convert 5 miles to km', 'Convert 8 miles to km'],
    ['Generate a password of 12 characters', 'Generate a password of twelve hundred characters'],
    ['Sleep for five seconds in bash', 'Sleep for 6 seconds in bash'],
    ['What is 15% of 200?', 'What is 20% of 200?'],
  ],
  negation: [
    ['How do I run Docker with sudo?', 'How do I run Docker without sudo?'],
    ['Why does my script run?', "Why doesn't my script run?"],
    ['Select users who have placed an order', 'Select users who have never placed an order'],
  ],
  antonym: [
    ['How do I enable CORS in Express?', 'How do I disable CORS in Express?'],
    ['Sort the array in ascending order', 'Sort the array in descending order'],
    ['Find the maximum value in a list', 'Find the minimum value in a list'],
    ['How do I install a package with npm?', 'How do I uninstall a package with npm?'],
  ],
  entity: [
    ['What is the capital of France?', 'What is the capital of Germany?'],
    ["What's the weather like in paris?", "What's the weather like in london?"],
    ['How do I deploy a Flask app to Heroku?', 'How do I deploy a Flask app to Vercel?'],
  ],
  language: [
    ['How do I reverse a list in Python?', 'How do I reverse a list in Rust?'],
    ['Write hello world in C', 'Write hello world in C++'],
    ['Pretty print a JSON file', 'Pretty print an XML file'],
  ],
  version: [
    ["What's new in Python 3.12?", "What's new in Python 3.11?"],
    ['Upgrade the cluster to v1.29', 'Upgrade the cluster to v1.28'],
    ['What is new in ES2022?', 'What is new in ES2020?'],
  ],
  direction: [
    ['Convert JSON to YAML', 'Convert YAML to JSON'],
    ['Is Python faster than Rust?', 'Is Rust faster than Python?'],
    ['Copy files from the server to my laptop', 'Copy files from my laptop to the server'],
    ['Rewrite this JavaScript code in TypeScript', 'Rewrite this TypeScript code in JavaScript'],
    ['Sort by name then by date', 'Sort by date then by name'],
  ],
  code: [
    ['What does git rebase --onto do?', 'What does git rebase --interactive do?'],
    ['How do I use os.path.join in Python?', 'How do I use os.path.split in Python?'],
    ['Why does useEffect run twice?', 'Why does useMemo run twice?'],
  ],
  'rare word': [
    ['How do I configure Kubernetes ingress?', 'How do I configure Kubernetes egress?'],
    ['Explain the saga pattern', 'Explain the outbox pattern'],
  ],
};

for (const [cls, pairs] of Object.entries(NEGATIVES)) {
  test(`hard negatives are rejected: ${cls}`, () => {
    for (const [a, b] of pairs) {
      const v = verdict(a, b);
      assert.equal(v.ok, false, `${a} | ${b} must be rejected`);
      assert.equal(verdict(b, a).ok, false, `${b} | ${a} must be rejected (symmetric)`);
    }
  });
}

test('paraphrases pass verification and the shipped similarity threshold', () => {
  const pairs: Array<[string, string]> = [
    ['How do I reverse a list in Python?', "What's the best way to reverse a Python list?"],
    ['How can I center a div with CSS?', 'how do i center a div using css'],
    ['What is the difference between let and var in JavaScript?', 'Explain the difference between var and let in JavaScript'],
    ["Why doesn't my script run?", 'Why does my script not run?'],
    ['How do I convert a string to an integer in Java?', 'How can I convert a string into an integer in Java?'],
    ['Sleep for 5 seconds in bash', 'Sleep for five seconds in bash'],
  ];
  for (const [a, b] of pairs) {
    const v = verdict(a, b);
    assert.ok(v.ok, `${a} | ${b}: ${JSON.stringify(v)}`);
    assert.ok(sim(a, b) >= SHIPPED_SIMILARITY_THRESHOLD, `${a} | ${b}: similarity ${sim(a, b)}`);
  }
});

test('tokenizer keeps code shapes whole and splits identifiers for embedding', () => {
  const toks = tokenize("Don't call getUserById() with --force on utils.py in C++ v2.3, it's 1,000 items");
  const by = (text: string) => toks.find((t) => t.text === text);
  assert.equal(by('getUserById()')?.kind, 'code');
  assert.equal(by('--force')?.kind, 'code');
  assert.equal(by('utils.py')?.kind, 'code');
  assert.equal(by('C++')?.kind, 'word');
  assert.equal(by('2.3')?.kind, 'number');
  assert.equal(by('1000')?.kind, 'number');
  assert.ok(by("n't"));
  assert.deepEqual(splitIdentifier('getHTTPResponseCode'), ['get', 'http', 'response', 'code']);
  assert.deepEqual(splitIdentifier('max_retries'), ['max', 'retries']);
  assert.equal(stem('sorting'), stem('sorts'));
});

test('bundled embedder: unit vectors, identifiers embed like their words, unknown and numeric tokens add nothing', () => {
  const v = emb.embedOne('reverse a list');
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
  assert.ok(sim('getUserById', 'get user by id') > 0.99);
  assert.ok(sim('sort the list 12345', 'sort the list 67890') > 0.999, 'numbers go to verification, not the vector');
  assert.ok(Math.hypot(...emb.embedOne('zxqv 123')) === 0, 'nothing known: zero vector');
  assert.ok((emb.wordSimilarity('fast', 'quick') ?? 0) > (emb.wordSimilarity('fast', 'python') ?? 1));
  assert.ok((emb.rank('the') ?? 99) < (emb.rank('python') ?? 0));
});
