// The SQLite seam: which engine and binding load for this host, candidates under
// <extensionRoot>/native/<platform>-<arch>-abi<N>/, skipping a binding that does not load, the node:sqlite
// fallback (asserted per runtime: a clear error on Node < 22.5, a working engine from 22.5), and the
// background checkpointer keeping the WAL bounded without blocking writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import {
  describeEngine,
  hostRuntime,
  nativeBindingCandidates,
  openDatabase,
  SqliteUnavailableError,
} from '../../../src/gateway/storage/sqlite.js';
import { startCheckpointer } from '../../../src/gateway/storage/checkpointer.js';
import { openAuditStore } from '../../../src/gateway/audit/index.js';
import { GatewayError } from '../../../src/gateway/errors.js';
import { fullRecord, tempDir, testClock, testLogger } from '../audit/helpers.js';

const req = createRequire(__filename);
const bundledBinding = join(dirname(req.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
const [major, minor] = process.versions.node.split('.').map(Number);
const hasNodeSqlite = major > 22 || (major === 22 && minor >= 5);

test('plain Node opens better-sqlite3 (bundled build) in WAL and says so', () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  try {
    const db = openDatabase(join(dir, 'a.db'));
    assert.equal(db.engine, 'better-sqlite3');
    assert.deepEqual(db.engineInfo, { engine: 'better-sqlite3', binding: null, runtime: 'node', abi: process.versions.modules, skipped: [] });
    assert.deepEqual(db.pragma('journal_mode'), [{ journal_mode: 'wal' }]);
    assert.deepEqual(db.pragma('synchronous'), [{ synchronous: 1 }]);
    assert.match(describeEngine(db.engineInfo), /^better-sqlite3 \(bundled build, node ABI \d+\)$/);
    db.close();
  } finally {
    cleanup();
  }
});

test('database files are private to the owner, even in a world-readable folder', () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  const shared = join(dir, 'shared');
  mkdirSync(shared, { mode: 0o755 });
  const old = process.umask(0o022);
  try {
    const path = join(shared, 'nested', 'p.db');
    const db = openDatabase(path);
    db.exec('CREATE TABLE t (x TEXT); INSERT INTO t VALUES (\'prompt text\')');
    for (const f of [path, `${path}-wal`]) assert.equal(statSync(f).mode & 0o777, 0o600, `${f} is 0600`);
    assert.equal(statSync(dirname(path)).mode & 0o777, 0o700, 'a folder we create is 0700');
    db.close();
    // A file created earlier with loose permissions is tightened on open.
    const loose = join(shared, 'loose.db');
    writeFileSync(loose, '', { mode: 0o644 });
    openDatabase(loose).close();
    assert.equal(statSync(loose).mode & 0o777, 0o600);
  } finally {
    process.umask(old);
    cleanup();
  }
});

test('hostRuntime tells Electron from Node by process.versions', () => {
  assert.deepEqual(hostRuntime({ ...process.versions, electron: '37.2.0', modules: '136' } as NodeJS.ProcessVersions), { runtime: 'electron', abi: '136' });
  assert.deepEqual(hostRuntime(process.versions), { runtime: 'node', abi: process.versions.modules });
});

test('a binding shipped under <extensionRoot>/native/<platform>-<arch>-abi<N>/ is found and used', () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  try {
    const host = { platform: process.platform, arch: process.arch, abi: process.versions.modules };
    const target = join(dir, 'native', `${host.platform}-${host.arch}-abi${host.abi}`, 'better_sqlite3.node');
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(bundledBinding, target);
    // One for another ABI (e.g. Electron's) sits next to it and must not be picked.
    const other = join(dir, 'native', `${host.platform}-${host.arch}-abi1`, 'better_sqlite3.node');
    mkdirSync(dirname(other), { recursive: true });
    writeFileSync(other, 'not a binary');
    assert.deepEqual(nativeBindingCandidates(dir, host), [target]);
    assert.deepEqual(nativeBindingCandidates(dir, { ...host, abi: '1' }), [other]);
    const db = openDatabase(join(dir, 'b.db'), { extensionRoot: dir, useDefaultBinding: false });
    assert.equal(db.engine, 'better-sqlite3');
    assert.equal(db.engineInfo.binding, target);
    assert.match(describeEngine(db.engineInfo), new RegExp(`binding .*abi${host.abi}`));
    db.prepare('CREATE TABLE t(x)').run();
    db.close();
  } finally {
    cleanup();
  }
});

test('a binding that does not load is skipped with its reason; the next one is used', () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  try {
    const broken = join(dir, 'broken', 'better_sqlite3.node');
    mkdirSync(dirname(broken), { recursive: true });
    writeFileSync(broken, 'this is not a shared library');
    const db = openDatabase(join(dir, 'c.db'), { nativeBinding: broken });
    assert.equal(db.engine, 'better-sqlite3');
    assert.equal(db.engineInfo.binding, null, 'fell through to the bundled build');
    assert.equal(db.engineInfo.skipped.length, 1);
    assert.ok(db.engineInfo.skipped[0].startsWith(`better-sqlite3 ${broken}:`));
    db.close();
  } finally {
    cleanup();
  }
});

test(`no better-sqlite3 binding loads: ${hasNodeSqlite ? 'node:sqlite takes over' : `clear error on Node ${process.versions.node} (node:sqlite needs 22.5+)`}`, () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  try {
    const broken = join(dir, 'broken.node');
    writeFileSync(broken, 'nope');
    const open = () => openDatabase(join(dir, 'd.db'), { nativeBinding: broken, useDefaultBinding: false });
    if (hasNodeSqlite) {
      const db = open();
      assert.equal(db.engine, 'node:sqlite');
      assert.equal(db.engineInfo.skipped.length, 1);
      db.exec('CREATE TABLE t(x)');
      db.prepare('INSERT INTO t VALUES (?)').run(42);
      assert.deepEqual(db.prepare('SELECT x FROM t').all(), [{ x: 42 }]);
      db.close();
    } else {
      assert.throws(open, (e: unknown) => {
        assert.ok(e instanceof SqliteUnavailableError);
        assert.equal(e.skipped.length, 2);
        assert.match(e.skipped[0], /^better-sqlite3 .*broken\.node/);
        assert.match(e.skipped[1], new RegExp(`^node:sqlite: not available in Node ${process.versions.node.replace(/\./g, '\\.')} \\(built in from Node 22\\.5`));
        assert.match(e.message, /nothing can be stored/);
        return true;
      });
    }
  } finally {
    cleanup();
  }
});

test(`the audit store on the node:sqlite engine: ${hasNodeSqlite ? 'works end to end' : 'reports clearly that logs are not kept'}`, async () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  const logger = testLogger();
  const store = openAuditStore({ path: join(dir, 'audit.db'), clock: testClock(), logger, retentionDays: 90, retentionIntervalMs: 0, engine: 'node:sqlite' });
  try {
    if (hasNodeSqlite) {
      assert.equal(store.engine, 'node:sqlite');
      assert.match(store.status.description, /node:sqlite \(built into the runtime/);
      const r = fullRecord();
      store.record(r);
      await store.flushed();
      const got = await store.getLog(r.request_id);
      assert.equal(got?.request_id, r.request_id);
      assert.deepEqual(got?.metrics, r.metrics);
      const a = await store.getAnalytics({ start: '2026-01-01', end: '2026-12-31' });
      assert.equal(a.totals.requests, 1);
      assert.equal(a.totals.latency_p50_ms, r.latency_ms);
    } else {
      assert.equal(store.engine, 'none');
      assert.equal(store.status.keeping, false);
      assert.match(store.status.description, /^Audit logs are NOT being kept: .*node:sqlite: not available in Node/);
      assert.ok(logger.lines.some((l) => l.level === 'error' && /NOT being kept/.test(l.msg)));
      store.record(fullRecord());
      await store.flushed();
      assert.equal(store.status.dropped, 1);
      await assert.rejects(store.getLogs(), (e: unknown) => e instanceof GatewayError && e.code === 'storage_unavailable' && /NOT being kept/.test(e.message));
      await assert.rejects(store.getAnalytics(), (e: unknown) => e instanceof GatewayError && e.code === 'storage_unavailable');
    }
  } finally {
    await store.close();
    cleanup();
  }
});

test('the checkpoint worker folds the WAL into the database while writes continue', async () => {
  const { dir, cleanup } = tempDir('sf-sqlite-');
  const path = join(dir, 'e.db');
  const db = openDatabase(path, { walAutocheckpoint: 0 });
  const cp = startCheckpointer(db, testLogger(), 60_000);
  try {
    assert.ok(cp, 'worker started');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)');
    const ins = db.prepare('INSERT INTO t(v) VALUES (?)');
    for (let i = 0; i < 20; i++) db.transaction(() => { for (let k = 0; k < 200; k++) ins.run('x'.repeat(500)); });
    const walBefore = statSync(`${path}-wal`).size;
    assert.ok(walBefore > 1_000_000, `WAL grew (${walBefore})`);
    const frames = await cp.checkpointNow();
    assert.ok(frames > 0, `checkpointed ${frames} frames`);
    // After a complete checkpoint the next writer restarts the WAL from the top instead of growing it.
    for (let i = 0; i < 20; i++) db.transaction(() => { for (let k = 0; k < 200; k++) ins.run('y'.repeat(500)); });
    assert.ok(statSync(`${path}-wal`).size <= walBefore * 1.1, 'WAL reused, not grown');
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM t').get(), { n: 8000 });
    await cp.stop();
    assert.equal(cp.running, false);
    assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
  } finally {
    await cp?.stop();
    db.close();
    cleanup();
  }
  assert.ok(!existsSync(path));
});
