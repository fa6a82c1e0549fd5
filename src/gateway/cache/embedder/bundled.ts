/**
 * The bundled offline embedder: int8 GloVe word vectors (media/embedder/glove-100d-int8.bin, built by
 * scripts/build-embedder.ts) combined into a sentence vector with SIF weights a / (a + p(w)) and the common
 * component removed. Code identifiers are split into their word parts; numbers and unknown words add
 * nothing to the vector (the verifier compares them exactly instead). Also serves as the verifier's
 * `Lexicon` (word ranks and word-to-word similarity).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Embedder, Lexicon } from './types.js';
import { tokenize, splitIdentifier } from '../tokenize.js';
import { FILLER_WORDS } from '../lexicon.js';

/** Filler words ("explain", "best way") weigh this much of their SIF weight: the verifier ignores them too. */
const FILLER_WEIGHT = 0.25;
/** Bumped whenever sentence vectors change for the same asset, so stored vectors get recomputed. */
const RECIPE_VERSION = 2;

export const BUNDLED_ASSET = 'glove-100d-int8.bin';

export interface BundledEmbedderOptions {
  /** Path of the asset; default: media/embedder/<BUNDLED_ASSET> found by walking up from this module. */
  assetPath?: string;
  /** Remove the common component (default true; the bench compares both). */
  removeCommonComponent?: boolean;
}

interface Model {
  dim: number;
  index: Map<string, number>;
  ranks: Uint32Array;
  weights: Float32Array;
  scales: Float32Array;
  vectors: Int8Array;
  common: Float32Array;
  /** Row-major dim x dim orthonormal rotation onto principal axes (see scripts/build-embedder.ts), if any. */
  rotation: Float32Array | null;
}

/** Finds the asset next to the source tree (tsx, tests) or next to the bundle (dist/ in the extension). */
export function findBundledAsset(start: string = __dirname): string | undefined {
  let dir = resolve(start);
  for (let i = 0; i < 8; i++) {
    const p = join(dir, 'media', 'embedder', BUNDLED_ASSET);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export class BundledEmbedder implements Embedder, Lexicon {
  private model: Model | undefined;
  private modelId = 'bundled-glove-sif';
  private readonly removeCommon: boolean;
  private readonly filler = new Set(FILLER_WORDS);

  constructor(private readonly opts: BundledEmbedderOptions = {}) {
    this.removeCommon = opts.removeCommonComponent ?? true;
  }

  get id(): string {
    return this.modelId;
  }
  get dim(): number {
    return this.model?.dim ?? 100;
  }
  get loaded(): boolean {
    return this.model !== undefined;
  }

  async load(): Promise<void> {
    this.loadSync();
  }

  /** Synchronous load (about 30 ms): the cache uses it so store() can index a vector immediately. */
  loadSync(): void {
    if (this.model) return;
    const path = this.opts.assetPath ?? findBundledAsset();
    if (!path || !existsSync(path)) {
      throw new Error(
        `The bundled cache embedder asset ${BUNDLED_ASSET} was not found${path ? ` at ${path}` : ' under media/embedder/'}. ` +
          'Reinstall the extension, or run `node --import tsx scripts/build-embedder.ts` in a source checkout.',
      );
    }
    const buf = readFileSync(path);
    if (buf.toString('ascii', 0, 8) !== 'SFEMB001') throw new Error(`${path} is not a Smartflow embedder asset (bad header); rebuild it with scripts/build-embedder.ts.`);
    const headLen = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString('utf8', 12, 12 + headLen)) as {
      id: string; dim: number; count: number; wordsBytes: number; commonComponent: number[]; rotation?: number[];
    };
    let off = 12 + headLen;
    const words = buf.toString('utf8', off, off + header.wordsBytes).split('\n');
    off += header.wordsBytes;
    off += (4 - (off % 4)) % 4;
    const n = header.count;
    // Copy into fresh aligned buffers (the Buffer's byteOffset inside Node's pool may not be aligned).
    const slice = (bytes: number): ArrayBuffer => {
      const ab = new ArrayBuffer(bytes);
      new Uint8Array(ab).set(buf.subarray(off, off + bytes));
      off += bytes;
      return ab;
    };
    const ranks = new Uint32Array(slice(n * 4));
    const weights = new Float32Array(slice(n * 4));
    const scales = new Float32Array(slice(n * 4));
    const vectors = new Int8Array(slice(n * header.dim));
    const index = new Map<string, number>();
    words.forEach((w, i) => index.set(w, i));
    this.model = { dim: header.dim, index, ranks, weights, scales, vectors, common: Float32Array.from(header.commonComponent),
      rotation: header.rotation?.length === header.dim * header.dim ? Float32Array.from(header.rotation) : null };
    this.modelId = `bundled:${header.id}:r${RECIPE_VERSION}${this.removeCommon ? '' : ':raw'}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    this.loadSync();
    return texts.map((t) => this.embedOne(t));
  }

  /** Sentence vector of one text (L2-normalised; all zeros when no word is known). */
  embedOne(text: string): Float32Array {
    const m = this.requireModel();
    const dim = m.dim;
    const acc = new Float32Array(dim);
    const addWord = (w: string): boolean => {
      const i = m.index.get(w);
      if (i === undefined) return false;
      const k = m.weights[i] * m.scales[i] * (this.filler.has(w) ? FILLER_WEIGHT : 1);
      const base = i * dim;
      for (let d = 0; d < dim; d++) acc[d] += k * m.vectors[base + d];
      return true;
    };
    for (const tok of tokenize(text)) {
      if (tok.kind === 'number' || tok.kind === 'symbol') continue;
      const lower = tok.lower === "n't" ? 'not' : tok.lower;
      if (tok.kind === 'word' && addWord(lower)) continue;
      // Identifiers, hyphenated and unknown words: their parts carry the meaning ("getUserById").
      const parts = splitIdentifier(tok.text);
      if (parts.length > 1 || tok.kind === 'code') for (const p of parts) if (!/^\d+$/.test(p)) addWord(p);
    }
    if (this.removeCommon) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += acc[d] * m.common[d];
      for (let d = 0; d < dim; d++) acc[d] -= dot * m.common[d];
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += acc[d] * acc[d];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dim; d++) acc[d] /= norm;
    if (!m.rotation || norm === 0) return acc;
    // Principal-axes order lets the vector index prune most rows early; cosines are unchanged.
    const out = new Float32Array(dim);
    const R = m.rotation;
    for (let k = 0; k < dim; k++) {
      let s = 0;
      const base = k * dim;
      for (let d = 0; d < dim; d++) s += R[base + d] * acc[d];
      out[k] = s;
    }
    return out;
  }

  rank(word: string): number | undefined {
    const m = this.requireModel();
    const i = m.index.get(word);
    return i === undefined ? undefined : m.ranks[i];
  }

  wordSimilarity(a: string, b: string): number | undefined {
    const m = this.requireModel();
    const i = m.index.get(a);
    const j = m.index.get(b);
    if (i === undefined || j === undefined) return undefined;
    let dot = 0, na = 0, nb = 0;
    const dim = m.dim;
    for (let d = 0; d < dim; d++) {
      const x = m.vectors[i * dim + d];
      const y = m.vectors[j * dim + d];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return na && nb ? dot / Math.sqrt(na * nb) : undefined;
  }

  /** Bytes held in memory by the loaded model (for the bench). */
  memoryBytes(): number {
    const m = this.model;
    if (!m) return 0;
    return m.vectors.byteLength + m.ranks.byteLength + m.weights.byteLength + m.scales.byteLength + m.index.size * 64;
  }

  private requireModel(): Model {
    this.loadSync();
    return this.model as Model;
  }
}
