/**
 * In-memory vector search for the semantic cache: contiguous Float32Array matrices per scope, searched by
 * brute-force dot product (vectors are unit length, so dot = cosine). Exact, with early pruning: the first
 * H dimensions of every row also live in a small dense "heads" matrix (it stays in CPU cache while the
 * full rows do not), and each row keeps the norms of its tail after H and after S dimensions, so
 * Cauchy-Schwarz bounds the rest of the dot product and rows that cannot reach the current floor are
 * skipped early. The bundled embedder emits principal-axes-ordered vectors, so the head carries most of
 * the energy and ~90% of rows stop after H = 20 dimensions. Any embedder stays exact, just less pruned.
 * H and S were picked by CPU time per search at 100k rows (bench/cache.bench.ts; 20/40 beat 8/24, 12/32
 * and 16/32); a plain scan of 100k x 100d rows costs 2-4x more.
 */

interface Partition {
  heads: Float32Array;
  rows: Float32Array;
  /** Norm of each row's dimensions [H, dim) and [S, dim). */
  tailH: Float32Array;
  tailS: Float32Array;
  keys: string[];
  count: number;
  cap: number;
}

export interface VectorHit {
  key: string;
  similarity: number;
}

export class VectorIndex {
  private readonly parts = new Map<string, Partition>();
  private readonly where = new Map<string, { scope: string; row: number }>();
  /** Dimensions in the dense head matrix. */
  readonly h: number;
  /** Second checkpoint. */
  readonly s: number;

  constructor(readonly dim: number, head = 20, second = 40) {
    this.h = Math.min(head, dim);
    this.s = Math.min(Math.max(second, this.h), dim);
  }

  get size(): number {
    return this.where.size;
  }

  has(key: string): boolean {
    return this.where.has(key);
  }

  add(scope: string, key: string, vec: Float32Array): void {
    if (vec.length !== this.dim) throw new Error(`vector has ${vec.length} dimensions, index expects ${this.dim}`);
    this.remove(key);
    let p = this.parts.get(scope);
    if (!p) {
      p = this.alloc(16);
      this.parts.set(scope, p);
    }
    if (p.count === p.cap) p = this.grow(scope, p);
    const r = p.count;
    p.rows.set(vec, r * this.dim);
    p.heads.set(vec.subarray(0, this.h), r * this.h);
    p.tailH[r] = tailNorm(vec, this.h);
    p.tailS[r] = tailNorm(vec, this.s);
    p.keys[r] = key;
    this.where.set(key, { scope, row: r });
    p.count++;
  }

  /** Removes by moving the last row into the hole. */
  remove(key: string): void {
    const w = this.where.get(key);
    if (!w) return;
    const p = this.parts.get(w.scope)!;
    const last = p.count - 1;
    if (w.row !== last) {
      p.rows.copyWithin(w.row * this.dim, last * this.dim, (last + 1) * this.dim);
      p.heads.copyWithin(w.row * this.h, last * this.h, (last + 1) * this.h);
      p.tailH[w.row] = p.tailH[last];
      p.tailS[w.row] = p.tailS[last];
      const moved = p.keys[last];
      p.keys[w.row] = moved;
      this.where.set(moved, { scope: w.scope, row: w.row });
    }
    p.keys.length = last;
    p.count = last;
    this.where.delete(key);
    if (p.count === 0) this.parts.delete(w.scope);
  }

  clear(): void {
    this.parts.clear();
    this.where.clear();
  }

  /** Up to k rows of `scope` with similarity >= minSimilarity, best first (exact). */
  search(scope: string, q: Float32Array, k: number, minSimilarity: number): VectorHit[] {
    const p = this.parts.get(scope);
    if (!p) return [];
    const { dim, h, s } = this;
    const { heads, rows, tailH, tailS } = p;
    const qH = tailNorm(q, h);
    const qS = tailNorm(q, s);
    const best: VectorHit[] = [];
    let floor = minSimilarity;
    for (let r = 0; r < p.count; r++) {
      let a = 0;
      const hb = r * h;
      for (let d = 0; d < h; d++) a += q[d] * heads[hb + d];
      if (a + qH * tailH[r] < floor) continue;
      const off = r * dim;
      let b = 0;
      for (let d = h; d < s; d++) b += q[d] * rows[off + d];
      if (a + b + qS * tailS[r] < floor) continue;
      let c0 = 0, c1 = 0;
      let d = s;
      for (; d + 1 < dim; d += 2) {
        c0 += q[d] * rows[off + d];
        c1 += q[d + 1] * rows[off + d + 1];
      }
      for (; d < dim; d++) c0 += q[d] * rows[off + d];
      const dot = a + b + c0 + c1;
      if (dot < floor) continue;
      best.push({ key: p.keys[r], similarity: dot });
      best.sort((x, y) => y.similarity - x.similarity);
      if (best.length > k) best.length = k;
      if (best.length === k) floor = Math.max(floor, best[k - 1].similarity);
    }
    return best;
  }

  private alloc(cap: number): Partition {
    return {
      heads: new Float32Array(cap * this.h), rows: new Float32Array(cap * this.dim),
      tailH: new Float32Array(cap), tailS: new Float32Array(cap), keys: [], count: 0, cap,
    };
  }

  private grow(scope: string, p: Partition): Partition {
    const n = this.alloc(p.cap * 2);
    n.heads.set(p.heads);
    n.rows.set(p.rows);
    n.tailH.set(p.tailH);
    n.tailS.set(p.tailS);
    n.keys = p.keys;
    n.count = p.count;
    this.parts.set(scope, n);
    return n;
  }
}

function tailNorm(v: Float32Array, from: number): number {
  let s = 0;
  for (let d = from; d < v.length; d++) s += v[d] * v[d];
  // A hair of slack so float rounding can never prune a row that truly reaches the floor.
  return Math.sqrt(s) * (1 + 1e-6) + 1e-6;
}
