/**
 * The one SQLite seam: every store (audit, cache, compliance learning) opens its database here and uses
 * only the small `SqlDb` interface, so the engine can be better-sqlite3 (a binding built for the running
 * host) or Node's built-in `node:sqlite` where no binding matches. Which engine is in use is reported,
 * never guessed.
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = SqlValue[] | Record<string, SqlValue>;

export interface SqlStatement {
  run(...params: SqlValue[] | [Record<string, SqlValue>]): { changes: number; lastInsertRowid: number | bigint };
  get<T = Record<string, unknown>>(...params: SqlValue[] | [Record<string, SqlValue>]): T | undefined;
  all<T = Record<string, unknown>>(...params: SqlValue[] | [Record<string, SqlValue>]): T[];
  iterate<T = Record<string, unknown>>(...params: SqlValue[] | [Record<string, SqlValue>]): IterableIterator<T>;
}

export interface SqlDb {
  readonly engine: 'better-sqlite3' | 'node:sqlite';
  readonly path: string;
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  /** Runs fn inside BEGIN/COMMIT (ROLLBACK on throw). */
  transaction<T>(fn: () => T): T;
  pragma(sql: string): unknown;
  close(): void;
}

export interface OpenOptions {
  /** Path to a better_sqlite3.node built for this host (Electron has a different ABI). */
  nativeBinding?: string;
  readonly?: boolean;
  /** Force an engine (tests). */
  engine?: 'better-sqlite3' | 'node:sqlite';
}

const req = createRequire(__filename);

/** Opens (creating folders as needed) a database in WAL mode. Throws a clear error if no engine loads. */
export function openDatabase(path: string, opts: OpenOptions = {}): SqlDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const errors: string[] = [];
  if (opts.engine !== 'node:sqlite') {
    try {
      return openBetterSqlite(path, opts);
    } catch (e) {
      errors.push(`better-sqlite3: ${(e as Error).message}`);
      if (opts.engine === 'better-sqlite3') throw e;
    }
  }
  try {
    return openNodeSqlite(path, opts);
  } catch (e) {
    errors.push(`node:sqlite: ${(e as Error).message}`);
  }
  throw new Error(`No SQLite engine could be loaded (${errors.join('; ')}).`);
}

function openBetterSqlite(path: string, opts: OpenOptions): SqlDb {
  const Database = req('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(path, { readonly: opts.readonly ?? false, nativeBinding: opts.nativeBinding });
  if (!opts.readonly && path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return {
    engine: 'better-sqlite3',
    path,
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql) as unknown as SqlStatement,
    transaction: <T>(fn: () => T) => db.transaction(fn)(),
    pragma: (sql) => db.pragma(sql),
    close: () => db.close(),
  };
}

function openNodeSqlite(path: string, opts: OpenOptions): SqlDb {
  // node:sqlite exists from Node 22.5; loaded lazily so older runtimes only fail here.
  const { DatabaseSync } = req('node:sqlite') as { DatabaseSync: new (p: string, o?: Record<string, unknown>) => any };
  const db = new DatabaseSync(path, opts.readonly ? { readOnly: true } : {});
  if (!opts.readonly && path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  const wrap = (stmt: any): SqlStatement => ({
    run: (...p: any[]) => stmt.run(...p),
    get: (...p: any[]) => stmt.get(...p),
    all: (...p: any[]) => stmt.all(...p),
    iterate: (...p: any[]) => stmt.iterate(...p),
  });
  let depth = 0;
  return {
    engine: 'node:sqlite',
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
