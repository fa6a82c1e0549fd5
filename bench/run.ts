// `npm run bench [area ...]`: runs each bench/<area>.bench.ts, prints its table, and writes all numbers to
// bench/results/<area>-<timestamp>.json (and <area>-latest.json).
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const wanted = process.argv.slice(2);
const dir = join(process.cwd(), 'bench');
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
mkdirSync(join(dir, 'results'), { recursive: true });
async function main(): Promise<number> {
let failed = 0;
for (const f of files) {
  const area = f.replace(/\.bench\.ts$/, '');
  if (wanted.length && !wanted.includes(area)) continue;
  console.log(`\n=== ${area} ===`);
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { run(): Promise<unknown> };
    const results = await mod.run();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const body = JSON.stringify({ area, at: new Date().toISOString(), node: process.version, results }, null, 2);
    writeFileSync(join(dir, 'results', `${area}-${stamp}.json`), body);
    writeFileSync(join(dir, 'results', `${area}-latest.json`), body);
  } catch (e) {
    failed++;
    console.error(`${area} failed:`, e);
  }
}
return failed;
}
main().then((f) => process.exit(f ? 1 : 0));
