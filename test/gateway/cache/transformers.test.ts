// The transformers.js embedder on the RANDOM-weight fixture (../shared/models/fixtures/random-bert-tiny):
// loading, our masked mean pooling + normalisation against transformers.js's own pipeline, use inside the
// cache (async embedding on store), and clear errors when weights are missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TransformersEmbedder, createCache } from '../../../src/gateway/cache/index.js';
import { meanPoolNormalize } from '../../../src/gateway/cache/embedder/transformers.js';
import { fakeClock, recordingLogger, tempDir, cacheConfig, ctx, chat, reply } from './helpers.js';

const MODELS = resolve(process.cwd(), '../shared/models');
const FIXTURE = 'fixtures/random-bert-tiny';
const haveFixture = existsSync(resolve(MODELS, FIXTURE, 'onnx/model_quantized.onnx'));
const skip = haveFixture ? false : `model fixture not found under ${MODELS}`;

test('masked mean pooling ignores padding and normalises', () => {
  // batch 2, seq 3, hidden 2; the second row has one padding position holding garbage.
  const hidden = { dims: [2, 3, 2], data: Float32Array.from([1, 0, 3, 0, 5, 0, 0, 2, 0, 4, 100, 100]) };
  const mask = { dims: [2, 3], data: BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]) };
  const [a, b] = meanPoolNormalize(hidden, mask);
  assert.deepEqual(Array.from(a), [1, 0]);
  assert.deepEqual(Array.from(b), [0, 1]);
});

test('loads the random-weight fixture offline; vectors are unit length and match transformers.js mean pooling', { skip }, async () => {
  const emb = new TransformersEmbedder({ model: FIXTURE, localPath: MODELS, dtype: 'q8' });
  await emb.load();
  assert.equal(emb.dim, 32);
  assert.match(emb.id, /random-bert-tiny/);
  const texts = ['hello world', 'a much longer sentence, so the first one is padded in the batch'];
  const ours = await emb.embed(texts);
  assert.equal(ours.length, 2);
  for (const v of ours) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
  // Reference: the library's own feature-extraction pipeline with pooling: 'mean', normalize: true.
  const lib = await import('@huggingface/transformers');
  lib.env.allowRemoteModels = false;
  lib.env.localModelPath = `${MODELS}/`;
  const pipe = await lib.pipeline('feature-extraction', FIXTURE, { dtype: 'q8' });
  const ref = await pipe(texts, { pooling: 'mean', normalize: true });
  const data = ref.data as Float32Array;
  for (let i = 0; i < 2; i++) {
    for (let d = 0; d < 32; d++) assert.ok(Math.abs(ours[i][d] - data[i * 32 + d]) < 1e-4, `text ${i} dim ${d}`);
  }
  // Batched and single embedding agree (padding does not leak into the mean). Not bit-exact: the
  // fixture's dynamic int8 quantisation picks its scale over the whole batch tensor.
  const [single] = await emb.embed([texts[0]]);
  for (let d = 0; d < 32; d++) assert.ok(Math.abs(single[d] - ours[0][d]) < 5e-3, `dim ${d}: ${single[d]} vs ${ours[0][d]}`);
});

test('the cache uses the transformers embedder: vectors are computed after store and serve semantic hits', { skip }, async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const emb = new TransformersEmbedder({ model: FIXTURE, localPath: MODELS });
  const cache = createCache({ dataDir: tmp.dir, config: cacheConfig({ embedder: 'transformers' }), clock: fakeClock(), logger: recordingLogger(), embedder: emb });
  await cache.whenIdle();
  assert.equal(cache.info().embedder, emb.id);
  cache.store(chat('How do I squash commits in git?'), 'openai', reply('git rebase -i'), ctx(), 0);
  await cache.whenIdle();
  assert.equal(cache.info().semanticEntries, 1);
  // Same prompt, other temperature: a different exact key, the same semantic scope, similarity 1.
  const hit = await cache.lookup(chat('How do I squash commits in git?', { temperature: 0.2 }), 'openai', ctx());
  assert.equal(hit?.hitType, 'semantic');
  assert.ok(Math.abs((hit?.similarity ?? 0) - 1) < 1e-4);
  cache.close();

  // Reopen: the stored 32-d vectors are reused as they are (same embedder id), not recomputed.
  const again = createCache({ dataDir: tmp.dir, config: cacheConfig({ embedder: 'transformers' }), clock: fakeClock(), logger: recordingLogger(), embedder: new TransformersEmbedder({ model: FIXTURE, localPath: MODELS }) });
  assert.equal(again.info().semanticEntries, 1, 'vector loaded from disk before the model finished loading');
  await again.whenIdle();
  assert.equal((await again.lookup(chat('How do I squash commits in git?', { temperature: 0.3 }), 'openai', ctx()))?.hitType, 'semantic');
  again.close();
});

test('missing weights: the real MiniLM folder has no onnx/ and the error says what is missing and what to do', async () => {
  const emb = new TransformersEmbedder({ model: 'Xenova/all-MiniLM-L6-v2', localPath: MODELS });
  await assert.rejects(emb.load(), (e: Error) => {
    assert.match(e.message, /Xenova\/all-MiniLM-L6-v2/);
    assert.match(e.message, /missing onnx\/model_quantized\.onnx/);
    assert.match(e.message, /Copy the model's files there|bundled embedder/);
    return true;
  });
  const none = new TransformersEmbedder({ model: 'nobody/no-such-model', localPath: MODELS });
  await assert.rejects(none.load(), /missing config\.json, tokenizer\.json, onnx\/model_quantized\.onnx/);
  const fp32 = new TransformersEmbedder({ model: FIXTURE, localPath: MODELS, dtype: 'fp32' });
  await assert.rejects(fp32.load(), /missing onnx\/model\.onnx/);
});

test('a cache whose embedder cannot load keeps exact caching and reports why semantic is off', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const logger = recordingLogger();
  const cache = createCache({
    dataDir: tmp.dir, clock: fakeClock(), logger,
    config: cacheConfig({ embedder: 'transformers', embedderModel: 'Xenova/all-MiniLM-L6-v2', embedderLocalPath: MODELS }),
  });
  await cache.whenIdle();
  assert.equal(cache.info().embedder, null);
  assert.match(cache.info().embedderError ?? '', /missing onnx\/model_quantized\.onnx/);
  assert.ok(logger.lines.some((l) => l.level === 'warn' && /semantic cache disabled/.test(l.msg)));
  cache.store(chat('q'), 'openai', reply('A'), ctx(), 0);
  assert.equal((await cache.lookup(chat('q'), 'openai', ctx()))?.hitType, 'exact');
  assert.equal(await cache.lookup(chat('q', { temperature: 0.1 }), 'openai', ctx()), null);
  cache.close();
});
