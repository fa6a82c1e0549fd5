// Runs every test file under test/ with Node's own test runner (TypeScript through tsx).
//   node test/run.mjs            unit + integration + end-to-end (prepares test/e2e first: setup.sh)
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
const e2e = (f) => f.startsWith(join('test', 'e2e'));
if (unitOnly) files = files.filter((f) => !e2e(f));

if (files.some(e2e) && existsSync('test/e2e/setup.sh')) {
  // The end-to-end kit (code-server, Node 24, the VSIX of the current sources) is prepared incrementally.
  console.log('Preparing the end-to-end kit (test/e2e/setup.sh)…');
  const s = spawnSync('bash', ['test/e2e/setup.sh'], { stdio: 'inherit' });
  if (s.status !== 0) {
    console.error('test/e2e/setup.sh failed: the end-to-end tests cannot run. Fix the error above (or run `npm run test:unit`).');
    process.exit(s.status ?? 1);
  }
}

const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', '--test-force-exit', ...files],
  { stdio: 'inherit', env: { ...process.env, SMARTFLOW_TEST: '1' } },
);
process.exit(r.status ?? 1);
