// kill -9 during a load of inserts: every request id the writer acknowledged (printed after flushed())
// is in the database after reopen, and PRAGMA integrity_check says ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openAuditStore } from '../../../src/gateway/audit/index.js';
import { openDatabase } from '../../../src/gateway/storage/sqlite.js';
import { tempDir, testClock, testLogger } from './helpers.js';

async function killDuringLoad(dbPath: string, killAfterAcks: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'kill-writer.ts'), dbPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  const acked: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`writer too slow; stderr: ${stderr}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('kill-')) acked.push(l);
      if (acked.length >= killAfterAcks && child.exitCode === null && !child.killed) {
        child.kill('SIGKILL');
        clearTimeout(t);
      }
    });
    child.on('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
  assert.equal(child.signalCode, 'SIGKILL', `writer died on its own: ${stderr}`);
  return acked;
}

test('kill -9 during inserts: every acknowledged row survives and the database is intact', { timeout: 180_000 }, async () => {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'audit.db');
  try {
    let total = 0;
    // Kill at different moments (and reopen each time: a crashed WAL is recovered, then written again).
    for (const killAt of [3000, 12_000, 500]) {
      const acked = await killDuringLoad(dbPath, killAt);
      total += acked.length;
      const db = openDatabase(dbPath, { readonly: true });
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      db.close();
      const store = openAuditStore({ path: dbPath, clock: testClock(), logger: testLogger(), retentionDays: 0, backgroundCheckpoint: false });
      const check = openDatabase(dbPath, { readonly: true });
      const has = check.prepare('SELECT 1 AS x FROM audit_log WHERE request_id = ?');
      const missing = acked.filter((id) => !has.get(id));
      check.close();
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of ${acked.length} acknowledged rows lost`);
      assert.ok((await store.count()) >= total);
      await store.close();
    }
  } finally {
    cleanup();
  }
});
