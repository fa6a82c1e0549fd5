// The pruned vector search returns exactly what a full scan returns, keeps scopes apart, and stays
// consistent through removals (rows are moved into holes) and growth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorIndex } from '../../../src/gateway/cache/vector-index.js';

function rng(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}
function unit(r: () => number, dim: number, skew: number): Float32Array {
  // Energy decaying with the dimension index, like the bundled embedder's principal-axes vectors.
  const v = new Float32Array(dim);
  for (let d = 0; d < dim; d++) v[d] = r() * Math.exp(-d / skew);
  const n = Math.hypot(...v);
  for (let d = 0; d < dim; d++) v[d] /= n;
  return v;
}
function brute(rows: Map<string, Float32Array>, q: Float32Array, k: number, min: number) {
  const all = [...rows].map(([key, v]) => ({ key, similarity: v.reduce((s, x, i) => s + x * q[i], 0) }));
  return all.filter((x) => x.similarity >= min).sort((a, b) => b.similarity - a.similarity).slice(0, k);
}

test('pruned search equals a full scan (top-k and threshold), for skewed and flat vectors', () => {
  for (const skew of [8, 1e9]) {
    const r = rng(7);
    const idx = new VectorIndex(64, 8, 16);
    const rows = new Map<string, Float32Array>();
    for (let i = 0; i < 3000; i++) {
      const v = unit(r, 64, skew);
      rows.set(`k${i}`, v);
      idx.add('s', `k${i}`, v);
    }
    for (let t = 0; t < 40; t++) {
      // Queries near a stored row, so there are real neighbours above the threshold.
      const base = rows.get(`k${t * 7}`)!;
      const noise = unit(r, 64, skew);
      const q = unit(() => 0, 64, 1);
      let n = 0;
      for (let d = 0; d < 64; d++) n += (q[d] = base[d] + 0.3 * noise[d]) ** 2;
      for (let d = 0; d < 64; d++) q[d] /= Math.sqrt(n);
      for (const [k, min] of [[5, 0.5], [1, 0.8], [10, -1]] as const) {
        const got = idx.search('s', q, k, min);
        const want = brute(rows, q, k, min);
        assert.deepEqual(got.map((x) => x.key), want.map((x) => x.key));
        got.forEach((x, i) => assert.ok(Math.abs(x.similarity - want[i].similarity) < 1e-5));
      }
    }
  }
});

test('scopes are separate; remove and re-add keep the index consistent', () => {
  const r = rng(3);
  const idx = new VectorIndex(32);
  const rows = new Map<string, Float32Array>();
  for (let i = 0; i < 100; i++) {
    const v = unit(r, 32, 6);
    rows.set(`k${i}`, v);
    idx.add(i % 2 ? 'odd' : 'even', `k${i}`, v);
  }
  const q = rows.get('k3')!;
  assert.equal(idx.search('odd', q, 1, 0.99)[0]?.key, 'k3');
  assert.deepEqual(idx.search('even', q, 1, 0.99), []);
  for (let i = 0; i < 100; i += 3) idx.remove(`k${i}`);
  assert.equal(idx.size, 100 - 34);
  for (let i = 1; i < 100; i += 3) {
    const v = rows.get(`k${i}`)!;
    assert.equal(idx.search(i % 2 ? 'odd' : 'even', v, 1, 0.999)[0]?.key, `k${i}`, `k${i} still found after removals`);
  }
  assert.deepEqual(idx.search(0 % 2 ? 'odd' : 'even', rows.get('k0')!, 1, 0.999).map((x) => x.key).filter((k) => k === 'k0'), []);
  idx.add('odd', 'k0', rows.get('k0')!);
  assert.equal(idx.search('odd', rows.get('k0')!, 1, 0.999)[0]?.key, 'k0');
  assert.throws(() => idx.add('odd', 'bad', new Float32Array(3)), /3 dimensions/);
  idx.clear();
  assert.equal(idx.size, 0);
});
