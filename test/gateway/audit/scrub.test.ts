// The key scrub: every credential shape the audit log must never hold is replaced, ordinary text
// (including words that merely contain "sk-" or "gh") is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubSecrets, KEY_PLACEHOLDER } from '../../../src/gateway/audit/scrub.js';

test('key shapes are replaced wherever they appear', () => {
  const cases: Array<[string, string]> = [
    ['key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx012345 here', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx012345'],
    ['sk-abcdefghijklmnopqrstuvwxyz123456', 'sk-abcdefghijklmnopqrstuvwxyz123456'],
    ['anthropic sk-ant-api03-abcDEF123_-xyz987654321', 'sk-ant-api03-abcDEF123_-xyz987654321'],
    ['aws AKIAIOSFODNN7EXAMPLE!', 'AKIAIOSFODNN7EXAMPLE'],
    ['sts ASIAJEXAMPLEXEG2JICE', 'ASIAJEXAMPLEXEG2JICE'],
    ['gh ghp_1234567890abcdefghijABCDEFGHIJ123456', 'ghp_1234567890abcdefghijABCDEFGHIJ123456'],
    ['pat github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop'],
    ['google AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI', 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI'],
    ['slack xoxb-123456789012-abcdefghijkl', 'xoxb-123456789012-abcdefghijkl'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', 'eyJhbGciOiJIUzI1NiJ9.abc.def'],
    ['{"x-api-key": "abcd1234efgh5678"}', 'abcd1234efgh5678'],
    ['authorization=Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['{"Authorization": "Token abcdef0123456789"}', 'abcdef0123456789'],
    ['?api_key=q1w2e3r4t5y6u7i8&x=1', 'q1w2e3r4t5y6u7i8'],
    ['{"apiKey":"Zx9Yw8Xv7Uu6Tt5S"}', 'Zx9Yw8Xv7Uu6Tt5S'],
    ['apikey=abcdefgh', 'abcdefgh'], // the shortest shape (15 characters)
    ['Bearer abcdefgh', 'abcdefgh'],
  ];
  for (const [input, secret] of cases) {
    const out = scrubSecrets(input);
    assert.ok(!out.includes(secret), `${input} -> ${out}`);
    assert.ok(out.includes(KEY_PLACEHOLDER), out);
  }
  // Several in one string, and the text around them kept.
  assert.equal(scrubSecrets('a sk-aaaaaaaaaaaaaaaaaaaaaaaa b AKIAAAAAAAAAAAAAAAAA c'), `a ${KEY_PLACEHOLDER} b ${KEY_PLACEHOLDER} c`);
});

test('ordinary text, ids and nulls pass through unchanged', () => {
  for (const s of [
    'Summarise the risk-assessment-framework for the task-list',
    'disk-usage is high; ask-me-anything; sk-learn is a library',
    'the ghost of a high-flying night',
    'req_01J9ZK3M8Q2V7N4R5T6Y',
    'gpt-4o-mini',
    'Bearer', // the word alone
    'user@example.com',
  ]) {
    assert.equal(scrubSecrets(s), s);
  }
  assert.equal(scrubSecrets(null), null);
  assert.equal(scrubSecrets(undefined), null);
});
