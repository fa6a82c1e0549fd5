/**
 * The response cache behind the gateway's `CacheLayer`: exact hits from memory (L1) or SQLite (L3) and
 * verified semantic hits (L2). Owns the bounds (entries, bytes, TTL, LRU order), persistence of entries
 * and statistics in `<dataDir>/cache.db`, and the background embedding of stored prompts. If SQLite cannot
 * be opened it runs memory-only and says so in the log and in `info()`.
 */
import { join } from 'node:path';
import type { CacheConfig } from '../config.js';
import type { CacheLayer, CacheLookup, CacheStats, ChatRequest, ChatResponse, Clock, Logger, RequestContext } from '../types.js';
import { openDatabase, type SqlDb, type SqlStatement } from '../storage/sqlite.js';
import { exactKey, semanticTarget } from './key.js';
import { VectorIndex } from './vector-index.js';
import { extractFeatures, verifyMatch, DEFAULT_VERIFY_OPTIONS, type PromptFeatures, type VerifyOptions } from './verify.js';
import type { Embedder, Lexicon } from './embedder/types.js';
import { BundledEmbedder } from './embedder/bundled.js';
import { TransformersEmbedder } from './embedder/transformers.js';

export interface CreateCacheOptions {
  dataDir: string;
  config: CacheConfig;
  clock: Clock;
  logger: Logger;
  /** better_sqlite3.node built for the host (Electron). */
  nativeBinding?: string;
  /** Overrides the embedder chosen by config.embedder (tests, bench). */
  embedder?: Embedder;
  /** Word knowledge for the verifier; default: the bundled vectors (stricter verification without). */
  lexicon?: Lexicon;
  /** Keep everything in memory (no cache.db). */
  memoryOnly?: boolean;
  verify?: Partial<VerifyOptions>;
  /** Hot entries kept in memory (default min(maxEntries, 2000)). */
  l1MaxEntries?: number;
}

export interface CacheInfo {
  storage: 'sqlite' | 'memory';
  storageError?: string;
  embedder: string | null;
  embedderError?: string;
  semanticEntries: number;
}

export interface ResponseCache extends CacheLayer {
  close(): void;
  clear(): void;
  stats(): CacheStats;
  info(): CacheInfo;
  /** Resolves when background embedding of stored prompts has finished (tests, shutdown). */
  whenIdle(): Promise<void>;
}

interface Entry {
  key: string;
  scope: string | null;
  prompt: string | null;
  bytes: number;
  tokens: number;
  costUsd: number;
  expiresAt: number;
  /** LRU sequence, persisted so a restart keeps the order. */
  seq: number;
  features?: PromptFeatures;
}

interface Counters {
  hits: number;
  misses: number;
  l1_hits: number;
  l2_hits: number;
  l3_hits: number;
  tokens_saved: number;
  cost_saved_cents: number;
}

const COUNTER_NAMES: Array<keyof Counters> = ['hits', 'misses', 'l1_hits', 'l2_hits', 'l3_hits', 'tokens_saved', 'cost_saved_cents'];
/** Candidates verified per semantic lookup (best first). */
export const SEMANTIC_TOP_K = 5;
/**
 * The similarity threshold tuned in bench/cache.bench.ts (docs/cache.md): with verification doing the
 * precision work, 0.80 serves the most paraphrases with no loss of precision on the dev sets. The
 * default of `cache.similarityThreshold` in config.ts should equal it.
 */
export const SHIPPED_SIMILARITY_THRESHOLD = 0.8;

/** Creates the cache; see docs/cache.md for the tiers and the verification rules. */
export function createCache(opts: CreateCacheOptions): ResponseCache {
  const { config, clock, logger } = opts;
  const verifyOpts: VerifyOptions = { ...DEFAULT_VERIFY_OPTIONS, ...opts.verify };
  const l1Max = opts.l1MaxEntries ?? Math.min(config.maxEntries, 2000);
  const l1MaxBytes = Math.min(config.maxBytes, 64 * 1024 * 1024);

  // ---- storage -------------------------------------------------------------------------------------
  let db: SqlDb | undefined;
  let storageError: string | undefined;
  let stmts: ReturnType<typeof prepare> | undefined;
  if (!opts.memoryOnly) {
    try {
      db = openDatabase(join(opts.dataDir, 'cache.db'), { nativeBinding: opts.nativeBinding });
      migrate(db);
      stmts = prepare(db);
    } catch (e) {
      storageError = (e as Error).message;
      db = undefined;
      logger.warn('cache: SQLite unavailable, running memory-only (entries will not survive a restart)', { error: storageError });
    }
  }

  // ---- embedder ------------------------------------------------------------------------------------
  let embedder: Embedder | undefined;
  let embedderReady = false;
  let embedderError: string | undefined;
  let lexicon: Lexicon | undefined = opts.lexicon;
  let bundled: BundledEmbedder | undefined;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };
  if (!lexicon) {
    try {
      bundled = new BundledEmbedder();
      bundled.loadSync();
      lexicon = bundled;
    } catch (e) {
      bundled = undefined;
      logger.warn('cache: bundled word vectors missing; semantic verification runs without synonyms', { error: (e as Error).message });
    }
  }
  if (config.semantic) {
    if (opts.embedder) embedder = opts.embedder;
    else if (config.embedder === 'transformers') embedder = new TransformersEmbedder({ model: config.embedderModel, localPath: config.embedderLocalPath });
    else embedder = bundled;
    if (!embedder) embedderError = 'the bundled embedder asset is missing';
    if (embedder instanceof BundledEmbedder && embedder.loaded) embedderReady = true;
    else if (embedder) {
      const e = embedder;
      track(
        e.load().then(
          () => {
            if (e.dim !== index.dim) {
              for (const k of entries.keys()) if (index.has(k)) needVector.add(k);
              index = new VectorIndex(e.dim);
            }
            embedderReady = true;
            reindexMissing();
          },
          (err: Error) => {
            embedderError = err.message;
            logger.warn('cache: semantic cache disabled, the embedder failed to load (exact cache still works)', { error: err.message });
          },
        ),
      );
    }
  }
  // Sized by the embedder; a model that reports its size only after loading gets a fresh index then.
  let index = new VectorIndex(embedder && embedder.dim > 0 ? embedder.dim : 100);

  // ---- state ---------------------------------------------------------------------------------------
  /** Every entry, in LRU order (first = least recently used). */
  const entries = new Map<string, Entry>();
  /** Hot responses (exact hits without SQLite). */
  const l1 = new Map<string, { res: ChatResponse; bytes: number }>();
  let l1Bytes = 0;
  let totalBytes = 0;
  let seq = 0;
  const counters: Counters = { hits: 0, misses: 0, l1_hits: 0, l2_hits: 0, l3_hits: 0, tokens_saved: 0, cost_saved_cents: 0 };
  /** Entries whose vector must be (re)computed once the embedder is ready. */
  const needVector = new Set<string>();

  if (db && stmts) loadFromDisk(stmts);

  function loadFromDisk(s: NonNullable<typeof stmts>): void {
    s.deleteExpired.run(clock.wallNow());
    for (const row of s.counters.all<{ name: string; value: number }>()) {
      if ((COUNTER_NAMES as string[]).includes(row.name)) counters[row.name as keyof Counters] = row.value;
    }
    const embId = embedder?.id ?? null;
    for (const r of s.loadAll.iterate<{
      key: string; scope: string | null; prompt: string | null; bytes: number; tokens: number; cost_usd: number;
      expires_at: number; seq: number; embedder: string | null; vector: Uint8Array | null;
    }>()) {
      const e: Entry = { key: r.key, scope: r.scope, prompt: r.prompt, bytes: r.bytes, tokens: r.tokens, costUsd: r.cost_usd, expiresAt: r.expires_at, seq: r.seq };
      entries.set(e.key, e);
      totalBytes += e.bytes;
      seq = Math.max(seq, e.seq);
      if (e.scope && e.prompt && embedder) {
        // A model that reports its size only after loading: the stored vectors tell it.
        if (r.vector && r.embedder === embId && index.size === 0 && r.vector.byteLength !== index.dim * 4) index = new VectorIndex(r.vector.byteLength / 4);
        if (r.vector && r.embedder === embId && r.vector.byteLength === index.dim * 4) {
          const v = new Float32Array(index.dim);
          new Uint8Array(v.buffer).set(r.vector);
          index.add(e.scope, e.key, v);
        } else needVector.add(e.key);
      }
    }
    if (needVector.size && embedderReady) reindexMissing();
  }

  function reindexMissing(): void {
    if (!embedder || !embedderReady || !needVector.size) return;
    const keys = [...needVector];
    needVector.clear();
    const e = embedder;
    track(
      (async () => {
        for (let i = 0; i < keys.length; i += 64) {
          const batch = keys.map((k) => entries.get(k)).slice(i, i + 64).filter((x): x is Entry => !!x?.prompt && !!x.scope);
          if (!batch.length) continue;
          const vecs = await e.embed(batch.map((b) => b.prompt!));
          batch.forEach((b, j) => {
            if (!entries.has(b.key)) return;
            index.add(b.scope!, b.key, vecs[j]);
            stmts?.setVector.run(e.id, Buffer.from(vecs[j].buffer, vecs[j].byteOffset, vecs[j].byteLength), b.key);
          });
        }
      })().catch((err: Error) => logger.warn('cache: re-embedding stored prompts failed', { error: err.message })),
    );
  }

  // ---- helpers -------------------------------------------------------------------------------------
  // Hits only change memory; LRU order and counters reach SQLite in one batched transaction a second later
  // (a hit must not wait on a write). close() flushes.
  const dirtySeq = new Map<string, number>();
  const dirtyCounters = new Map<keyof Counters, number>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  function scheduleFlush(): void {
    if (!stmts || flushTimer) return;
    flushTimer = setTimeout(flush, 1000);
    flushTimer.unref?.();
  }
  function flush(): void {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    if (!db || !stmts || (!dirtySeq.size && !dirtyCounters.size)) return;
    const s = stmts;
    try {
      db.transaction(() => {
        for (const [k, v] of dirtySeq) s.touch.run(v, k);
        for (const [k, v] of dirtyCounters) s.counter.run(k, v);
      });
    } catch (e) {
      logger.warn('cache: could not persist LRU order / statistics', { error: (e as Error).message });
    }
    dirtySeq.clear();
    dirtyCounters.clear();
  }

  function touch(e: Entry): void {
    entries.delete(e.key);
    e.seq = ++seq;
    entries.set(e.key, e);
    if (stmts) {
      dirtySeq.set(e.key, e.seq);
      scheduleFlush();
    }
  }

  function l1Put(key: string, res: ChatResponse, bytes: number): void {
    const old = l1.get(key);
    if (old) {
      l1.delete(key);
      l1Bytes -= old.bytes;
    }
    l1.set(key, { res, bytes });
    l1Bytes += bytes;
    // Memory-only: L1 is the store and the global bounds apply; with SQLite it is a hot subset.
    if (db) {
      while (l1.size > l1Max || l1Bytes > l1MaxBytes) {
        const [k, v] = l1.entries().next().value as [string, { res: ChatResponse; bytes: number }];
        l1.delete(k);
        l1Bytes -= v.bytes;
      }
    }
  }

  function drop(key: string): void {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    totalBytes -= e.bytes;
    const h = l1.get(key);
    if (h) {
      l1.delete(key);
      l1Bytes -= h.bytes;
    }
    index.remove(key);
    needVector.delete(key);
    dirtySeq.delete(key);
    stmts?.delete.run(key);
  }

  /** Drops expired entries from the least-recently-used end (a few per call, so store() stays cheap). */
  function purgeExpired(max: number): void {
    const now = clock.wallNow();
    let n = 0;
    for (const e of entries.values()) {
      if (n++ >= max) break;
      if (e.expiresAt <= now) drop(e.key);
    }
  }

  function enforceBounds(): void {
    while (entries.size > config.maxEntries || totalBytes > config.maxBytes) {
      const oldest = entries.keys().next().value as string | undefined;
      if (oldest === undefined) break;
      drop(oldest);
    }
  }

  function bump(name: keyof Counters, by = 1): void {
    counters[name] += by;
    if (stmts) {
      dirtyCounters.set(name, (dirtyCounters.get(name) ?? 0) + by);
      scheduleFlush();
    }
  }

  function recordHit(e: Entry, tier: 'L1' | 'L2' | 'L3'): void {
    bump('hits');
    bump(tier === 'L1' ? 'l1_hits' : tier === 'L2' ? 'l2_hits' : 'l3_hits');
    if (e.tokens) bump('tokens_saved', e.tokens);
    if (e.costUsd) bump('cost_saved_cents', e.costUsd * 100);
  }

  function loadResponse(e: Entry): { res: ChatResponse; tier: 'L1' | 'L3' } | undefined {
    const hot = l1.get(e.key);
    if (hot) return { res: hot.res, tier: 'L1' };
    const row = stmts?.getResponse.get<{ response: string }>(e.key);
    if (!row) return undefined;
    const res = JSON.parse(row.response) as ChatResponse;
    l1Put(e.key, res, e.bytes);
    return { res, tier: 'L3' };
  }

  function live(key: string): Entry | undefined {
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= clock.wallNow()) {
      drop(key);
      return undefined;
    }
    return e;
  }

  function semanticOn(): boolean {
    return config.semantic && !!embedder && embedderReady;
  }

  async function embedOne(text: string): Promise<Float32Array> {
    if (embedder instanceof BundledEmbedder) return embedder.embedOne(text);
    const [v] = await embedder!.embed([text]);
    return v;
  }

  // ---- CacheLayer ----------------------------------------------------------------------------------
  const cache: ResponseCache = {
    async lookup(req: ChatRequest, provider: string, ctx: RequestContext): Promise<CacheLookup | null> {
      if (!config.enabled || ctx.cacheMode === 'off') return null;
      const key = exactKey(req, provider);
      const e = live(key);
      if (e) {
        const got = loadResponse(e);
        if (got) {
          touch(e);
          recordHit(e, got.tier);
          return { response: structuredClone(got.res), hitType: 'exact', tier: got.tier };
        }
        drop(key); // row vanished underneath us (another process cleared the file)
      }
      if (!semanticOn()) return null;
      const target = semanticTarget(req, provider, config);
      if ('skip' in target) return null;
      const q = await embedOne(target.prompt);
      const candidates = index.search(target.scope, q, SEMANTIC_TOP_K, config.similarityThreshold);
      if (!candidates.length) return null;
      const qf = extractFeatures(target.prompt, lexicon);
      for (const c of candidates) {
        const ce = live(c.key);
        if (!ce?.prompt) continue;
        ce.features ??= extractFeatures(ce.prompt, lexicon);
        const v = verifyMatch(qf, ce.features, lexicon, verifyOpts);
        if (!v.ok) {
          logger.debug('cache: semantic candidate rejected by verification', { reason: v.reason, similarity: Number(c.similarity.toFixed(3)) });
          continue;
        }
        const got = loadResponse(ce);
        if (!got) continue;
        touch(ce);
        recordHit(ce, 'L2');
        return { response: structuredClone(got.res), hitType: 'semantic', tier: 'L2', matchedQuery: ce.prompt, similarity: c.similarity };
      }
      return null;
    },

    store(req: ChatRequest, provider: string, res: ChatResponse, ctx: RequestContext, costUsd: number): void {
      if (!config.enabled || ctx.cacheMode === 'off' || ctx.cacheMode === 'no-store') return;
      if (!res?.choices?.length) return;
      const key = exactKey(req, provider);
      const json = JSON.stringify(res);
      const target = config.semantic ? semanticTarget(req, provider, config) : { skip: 'off' };
      const sem = 'skip' in target ? null : target;
      const bytes = json.length + (sem?.prompt.length ?? 0) + 200;
      if (bytes > config.maxBytes) return;
      drop(key);
      const e: Entry = {
        key, scope: sem?.scope ?? null, prompt: sem?.prompt ?? null, bytes,
        tokens: res.usage?.total_tokens ?? 0, costUsd: Number.isFinite(costUsd) ? costUsd : 0,
        expiresAt: clock.wallNow() + config.ttlSeconds * 1000, seq: ++seq,
      };
      entries.set(key, e);
      totalBytes += bytes;
      l1Put(key, structuredClone(res), bytes);
      stmts?.insert.run(key, e.scope, e.prompt, json, bytes, e.tokens, e.costUsd, clock.wallNow(), e.seq, e.expiresAt);
      purgeExpired(8);
      enforceBounds();
      if (sem && embedder && entries.has(key)) {
        if (embedderReady && embedder instanceof BundledEmbedder) addVector(e, embedder.embedOne(sem.prompt), embedder.id);
        else if (embedderReady) {
          const emb = embedder;
          track(emb.embed([sem.prompt]).then(([v]) => addVector(e, v, emb.id)).catch((err: Error) => logger.warn('cache: embedding a stored prompt failed', { error: err.message })));
        } else needVector.add(key);
      }
    },

    recordMiss(): void {
      if (!config.enabled) return;
      bump('misses');
    },

    stats(): CacheStats {
      const total = counters.hits + counters.misses;
      return {
        hits: counters.hits,
        misses: counters.misses,
        hit_rate: total ? counters.hits / total : 0,
        l1_hits: counters.l1_hits,
        l2_hits: counters.l2_hits,
        l3_hits: counters.l3_hits,
        tokens_saved: counters.tokens_saved,
        cost_saved_cents: Math.round(counters.cost_saved_cents * 10_000) / 10_000,
        entries: entries.size,
      };
    },

    info(): CacheInfo {
      return {
        storage: db ? 'sqlite' : 'memory',
        storageError,
        embedder: embedder && embedderReady ? embedder.id : null,
        embedderError,
        semanticEntries: index.size,
      };
    },

    clear(): void {
      entries.clear();
      l1.clear();
      l1Bytes = 0;
      totalBytes = 0;
      index.clear();
      needVector.clear();
      for (const k of COUNTER_NAMES) counters[k] = 0;
      dirtySeq.clear();
      dirtyCounters.clear();
      if (db && stmts) {
        const s = stmts;
        db.transaction(() => {
          s.clearEntries.run();
          s.clearCounters.run();
        });
      }
    },

    async whenIdle(): Promise<void> {
      while (pending.size) await Promise.allSettled([...pending]);
    },

    close(): void {
      flush();
      db?.close();
      db = undefined;
      stmts = undefined;
    },
  };

  function addVector(e: Entry, v: Float32Array, embedderId: string): void {
    if (!e.scope || entries.get(e.key) !== e) return; // evicted or replaced meanwhile
    index.add(e.scope, e.key, v);
    stmts?.setVector.run(embedderId, Buffer.from(v.buffer, v.byteOffset, v.byteLength), e.key);
  }

  return cache;
}

function migrate(db: SqlDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS cache_entries (
      key TEXT PRIMARY KEY,
      scope TEXT,
      prompt TEXT,
      response TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      tokens INTEGER NOT NULL,
      cost_usd REAL NOT NULL,
      created_at INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      embedder TEXT,
      vector BLOB
    );
    CREATE INDEX IF NOT EXISTS cache_entries_seq ON cache_entries(seq);
    CREATE INDEX IF NOT EXISTS cache_entries_expires ON cache_entries(expires_at);
    CREATE TABLE IF NOT EXISTS cache_counters (name TEXT PRIMARY KEY, value REAL NOT NULL);
  `);
}

function prepare(db: SqlDb): Record<
  'insert' | 'touch' | 'delete' | 'getResponse' | 'setVector' | 'loadAll' | 'deleteExpired' | 'counters' | 'counter' | 'clearEntries' | 'clearCounters',
  SqlStatement
> {
  return {
    insert: db.prepare(
      `INSERT OR REPLACE INTO cache_entries (key, scope, prompt, response, bytes, tokens, cost_usd, created_at, seq, expires_at, embedder, vector)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
    ),
    touch: db.prepare('UPDATE cache_entries SET seq = ? WHERE key = ?'),
    delete: db.prepare('DELETE FROM cache_entries WHERE key = ?'),
    getResponse: db.prepare('SELECT response FROM cache_entries WHERE key = ?'),
    setVector: db.prepare('UPDATE cache_entries SET embedder = ?, vector = ? WHERE key = ?'),
    loadAll: db.prepare('SELECT key, scope, prompt, bytes, tokens, cost_usd, expires_at, seq, embedder, vector FROM cache_entries ORDER BY seq'),
    deleteExpired: db.prepare('DELETE FROM cache_entries WHERE expires_at <= ?'),
    counters: db.prepare('SELECT name, value FROM cache_counters'),
    counter: db.prepare('INSERT INTO cache_counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value'),
    clearEntries: db.prepare('DELETE FROM cache_entries'),
    clearCounters: db.prepare('DELETE FROM cache_counters'),
  };
}
