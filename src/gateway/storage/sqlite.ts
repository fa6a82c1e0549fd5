/**
 * The one SQLite seam: every store (audit, cache, compliance learning) opens its database here and uses
 * only the small `SqlDb` interface, so the engine can be better-sqlite3 (a binding built for the running
 * host) or Node's built-in `node:sqlite` where no binding matches. Which engine is in use — and which
 * binding file, and why the others were not used — is reported in `db.engineInfo`, never guessed.
 *
 * Binding choice: the product runs in plain Node (CLI, tests), code-server's extension host (Node 24) and
 * desktop VS Code (Electron: a different native ABI, `process.versions.modules`). A packaged extension
 * ships prebuilt bindings as `<extensionRoot>/native/<platform>-<arch>-abi<modules>/better_sqlite3.node`
 * (see `nativeBindingCandidates`); the one matching the running ABI is tried first, then better-sqlite3's
 * own build in node_modules, then `node:sqlite`.
 */
import { createRequire } from 'node:module';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = SqlValue[] | Record<string, SqlValue>;

export interface SqlStatement {
  run(...params: SqlValue[] | [Record<string, SqlValue>]): { changes: number; lastInsertRowid: number | bigint };
  get<T = Record<string, unknown>>(...params: SqlValue[] | [Record<string, SqlValue>]): T | undefined;
  all<T = Record<string, unknown>>(...params: SqlValue[] | [Record<string, SqlValue>]): T[];
  iterate<T = Record<string, unknown>>(...params: SqlValue[] | [Record<string, SqlValue>]): IterableIterator<T>;
}

export type SqlEngine = 'better-sqlite3' | 'node:sqlite';

/** What was loaded and why; shown in logs and the extension's status so nobody has to guess. */
export interface EngineInfo {
  engine: SqlEngine;
  /** Absolute path of the better_sqlite3.node that loaded; null = better-sqlite3's own build or node:sqlite. */
  binding: string | null;
  /** 'electron' inside desktop VS Code, 'node' elsewhere. */
  runtime: 'node' | 'electron';
  /** process.versions.modules of the running host (the native ABI). */
  abi: string;
  /** One line per engine/binding that was tried and failed, in order. */
  skipped: string[];
}

export interface SqlDb {
  readonly engine: SqlEngine;
  readonly engineInfo: EngineInfo;
  readonly path: string;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  /** Runs fn inside BEGIN/COMMIT (ROLLBACK on throw). */
  transaction<T>(fn: () => T): T;
  pragma(sql: string): unknown;
  close(): void;
}

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for this host (Electron has a different ABI). Tried first. */
  nativeBinding?: string;
  /** More binding files to try, in order, after `nativeBinding` (e.g. from `nativeBindingCandidates`). */
  nativeBindingCandidates?: string[];
  /** Extension install folder: adds `nativeBindingCandidates(extensionRoot)` to the list. */
  extensionRoot?: string;
  /**
   * Try better-sqlite3's own build in node_modules after the candidates (default true). Desktop VS Code
   * sets this false: that build targets Node's ABI and cannot load in Electron.
   */
  useDefaultBinding?: boolean;
  readonly?: boolean;
  /** Force an engine (tests, or a user setting). */
  engine?: SqlEngine;
  /**
   * Pages of WAL after which SQLite checkpoints inside a commit (default SQLite's 1000). Stores that run
   * a background checkpointer (see checkpointer.ts) raise it so commits on the request thread stay short.
   */
  walAutocheckpoint?: number;
}

/** Thrown when no engine loads; `.skipped` lists every attempt with its reason. */
export class SqliteUnavailableError extends Error {
  readonly skipped: string[];
  /** The underlying errors, in the order of `skipped` (e.g. a SqliteError with code SQLITE_NOTADB). */
  readonly causes: unknown[];
  constructor(skipped: string[], causes: unknown[] = []) {
    super(
      `No SQLite engine could be loaded, so nothing can be stored (${skipped.join('; ')}). ` +
        `Install the extension build for this platform, or run on Node 22.5+ where node:sqlite is built in.`,
    );
    this.name = 'SqliteUnavailableError';
    this.skipped = skipped;
    this.causes = causes;
  }
}

const req = createRequire(__filename);

/** Which host we are in: Electron (desktop VS Code) has its own native ABI. */
export function hostRuntime(versions: NodeJS.ProcessVersions = process.versions): { runtime: 'node' | 'electron'; abi: string } {
  return { runtime: (versions as Record<string, string | undefined>).electron ? 'electron' : 'node', abi: versions.modules };
}

/**
 * The binding files a packaged extension may ship for this host, most specific first:
 * `<root>/native/<platform>-<arch>-abi<modules>/better_sqlite3.node`, then the same under
 * `<root>/dist/native/…`. Only existing files are returned.
 *
 * @example openDatabase(p, { nativeBindingCandidates: nativeBindingCandidates(context.extensionPath) })
 */
export function nativeBindingCandidates(
  extensionRoot: string,
  host: { platform: string; arch: string; abi: string } = { platform: process.platform, arch: process.arch, abi: process.versions.modules },
): string[] {
  const dir = `${host.platform}-${host.arch}-abi${host.abi}`;
  return [join(extensionRoot, 'native', dir, 'better_sqlite3.node'), join(extensionRoot, 'dist', 'native', dir, 'better_sqlite3.node')].filter(
    (p) => existsSync(p),
  );
}

/** One line for logs and status bars: "better-sqlite3 (binding …/abi115/better_sqlite3.node, node ABI 115)". */
export function describeEngine(info: EngineInfo): string {
  const where = info.binding ? `binding ${info.binding}` : info.engine === 'better-sqlite3' ? 'bundled build' : 'built into the runtime';
  return `${info.engine} (${where}, ${info.runtime} ABI ${info.abi})`;
}

/** Opens (creating folders as needed) a database in WAL mode. Throws `SqliteUnavailableError` if no engine loads. */
export function openDatabase(path: string, opts: OpenOptions = {}): SqlDb {
  if (path !== ':memory:' && !opts.readonly) makePrivateFile(path);
  const host = hostRuntime();
  const skipped: string[] = [];
  const causes: unknown[] = [];
  if (opts.engine !== 'node:sqlite') {
    const bindings: Array<string | undefined> = [];
    for (const b of [opts.nativeBinding, ...(opts.nativeBindingCandidates ?? []), ...(opts.extensionRoot ? nativeBindingCandidates(opts.extensionRoot) : [])]) {
      if (b && !bindings.includes(resolve(b))) bindings.push(resolve(b));
    }
    if (opts.useDefaultBinding !== false) bindings.push(undefined);
    for (const binding of bindings) {
      try {
        return openBetterSqlite(path, opts, binding, { engine: 'better-sqlite3', binding: binding ?? null, ...host, skipped });
      } catch (e) {
        skipped.push(`better-sqlite3 ${binding ?? '(bundled build)'}: ${firstLine(e)}`);
        causes.push(e);
      }
    }
    if (bindings.length === 0) skipped.push('better-sqlite3: no binding for this host was offered');
    if (opts.engine === 'better-sqlite3') throw new SqliteUnavailableError(skipped, causes);
  }
  try {
    return openNodeSqlite(path, opts, { engine: 'node:sqlite', binding: null, ...host, skipped });
  } catch (e) {
    skipped.push(`node:sqlite: ${firstLine(e)}`);
    causes.push(e);
  }
  throw new SqliteUnavailableError(skipped, causes);
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function applyPragmas(exec: (sql: string) => void, path: string, opts: OpenOptions): void {
  if (!opts.readonly && path !== ':memory:') exec('PRAGMA journal_mode = WAL');
  // NORMAL in WAL: a commit is in the OS page cache when it returns, so it survives a process kill
  // (only a power loss can lose the last commits), and commits need no fsync.
  exec('PRAGMA synchronous = NORMAL');
  exec('PRAGMA busy_timeout = 5000');
  if (opts.walAutocheckpoint !== undefined) exec(`PRAGMA wal_autocheckpoint = ${Math.max(0, Math.floor(opts.walAutocheckpoint))}`);
  // Keep a WAL that grew under a burst from staying large on disk forever.
  exec('PRAGMA journal_size_limit = 67108864');
}

function openBetterSqlite(path: string, opts: OpenOptions, binding: string | undefined, info: EngineInfo): SqlDb {
  const Database = req('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(path, { readonly: opts.readonly ?? false, ...(binding ? { nativeBinding: binding } : {}) });
  try {
    applyPragmas((sql) => void db.exec(sql), path, opts);
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    engine: 'better-sqlite3',
    engineInfo: info,
    path,
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql) as unknown as SqlStatement,
    transaction: <T>(fn: () => T) => db.transaction(fn)(),
    pragma: (sql) => db.pragma(sql),
    close: () => db.close(),
  };
}

/** The Node versions where `node:sqlite` loads without a flag (22.13+, 23.4+) or with one (22.5+). */
function nodeSqliteSupport(version = process.versions.node): string | null {
  const [maj, min] = version.split('.').map(Number);
  if (maj > 23 || (maj === 23 && min >= 4) || (maj === 22 && min >= 13)) return null;
  if (maj === 22 && min >= 5) return null; // needs --experimental-sqlite; the require below says so if missing
  return `not available in Node ${version} (built in from Node 22.5; unflagged from 22.13)`;
}

function openNodeSqlite(path: string, opts: OpenOptions, info: EngineInfo): SqlDb {
  const unsupported = nodeSqliteSupport();
  if (unsupported) throw new Error(unsupported);
  // Loaded lazily so older runtimes only fail here.
  const { DatabaseSync } = req('node:sqlite') as { DatabaseSync: new (p: string, o?: Record<string, unknown>) => any };
  const db = new DatabaseSync(path, opts.readonly ? { readOnly: true } : {});
  try {
    applyPragmas((sql) => db.exec(sql), path, opts);
  } catch (e) {
    db.close();
    throw e;
  }
  const wrap = (stmt: any): SqlStatement => ({
    run: (...p: any[]) => stmt.run(...p),
    get: (...p: any[]) => stmt.get(...p),
    all: (...p: any[]) => stmt.all(...p),
    // StatementSync.iterate arrived in 22.16 / 23.4; before that, all() (callers page their reads anyway).
    iterate: typeof stmt.iterate === 'function' ? (...p: any[]) => stmt.iterate(...p) : (...p: any[]) => stmt.all(...p)[Symbol.iterator](),
  });
  let depth = 0;
  return {
    engine: 'node:sqlite',
    engineInfo: info,
    path,
    exec: (sql) => db.exec(sql),
    prepare: (sql) => wrap(db.prepare(sql)),
    transaction: <T>(fn: () => T): T => {
      if (depth > 0) return fn();
      db.exec('BEGIN');
      depth++;
      try {
        const r = fn();
        db.exec('COMMIT');
        return r;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    pragma: (sql) => db.prepare(`PRAGMA ${sql}`).all(),
    close: () => db.close(),
  };
}

/** True when an error says the file is not a usable database (corrupt or not SQLite at all). */
export function isCorruptDatabaseError(e: unknown): boolean {
  const list = e instanceof SqliteUnavailableError ? e.causes : [e];
  return list.some((c) => {
    const code = String((c as { code?: unknown })?.code ?? '');
    // better-sqlite3 reports SQLITE_NOTADB / SQLITE_CORRUPT; node:sqlite uses errcode 26 / 11.
    const errcode = Number((c as { errcode?: unknown })?.errcode);
    return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || errcode === 26 || errcode === 11;
  });
}

/** Where the better-sqlite3 package lives (the checkpointer worker loads the same one). */
export function betterSqliteModulePath(): string | null {
  try {
    return req.resolve('better-sqlite3');
  } catch {
    return null;
  }
}

/**
 * Prompts, user ids and cache entries live in these files: create them readable by the owner only
 * (SQLite gives the -wal and -shm files the main file's permissions), whatever the umask or the mode of
 * a folder the user pointed us at.
 */
function makePrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  try {
    chmodSync(path, 0o600);
  } catch {
    // Not our file (e.g. a read-only share): SQLite will report what matters when it opens it.
  }
}
