// Runs every test file under test/ with Node's own test runner (TypeScript through tsx).
//   node test/run.mjs            unit + integration + end-to-end (e2e needs `npm ci --prefix test/e2e`)
//   node test/run.mjs --unit     everything except test/e2e
//   node test/run.mjs test/x.test.ts ...   just those files
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const explicit = args.filter((a) => !a.startsWith('--'));

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

let files = explicit.length ? explicit : walk('test').sort();
if (unitOnly) files = files.filter((f) => !f.startsWith(join('test', 'e2e')));
if (!explicit.length && !unitOnly && !existsSync('test/e2e/node_modules')) {
  if (process.env.CI) {
    console.error('test/e2e/node_modules is missing: run `npm ci --prefix test/e2e` (see .ci/run).');
    process.exit(1);
  }
  console.warn('NOTE: end-to-end tests skipped: run `npm ci --prefix test/e2e` first (needs Debian chromium).');
  files = files.filter((f) => !f.startsWith(join('test', 'e2e')));
}

const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-force-exit', ...files],
  { stdio: 'inherit', env: { ...process.env, SMARTFLOW_TEST: '1' } },
);
process.exit(r.status ?? 1);
