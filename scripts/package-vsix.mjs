#!/usr/bin/env node
// Builds the VSIX from a staging folder that holds only what the extension needs at run time: the
// production bundles, media, prebuilt native bindings, and the few node_modules esbuild leaves external
// (better-sqlite3's loader + compiled addon, and what loads it). Packing from the repo root would drag in
// hundreds of MB of dev tooling, and `vsce package --no-dependencies` drops node_modules entirely, hence
// the staging folder: vsce runs there with dependency detection (`npm list --production`), which sees
// exactly the modules copied in.
//
//   node scripts/package-vsix.mjs [--out smartflow.vsix] [--native-dir DIR]... [--no-build] [--keep-staging]
//
// --native-dir DIR   a folder shaped like native/<platform>-<arch>-abi<modules>/better_sqlite3.node to ship
//                    (repeatable; the repo's own native/ is used when it exists). The storage loader picks
//                    the one matching the host's ABI (see nativeBindingCandidates in src/gateway/storage).
// --no-build         package the current dist/ as it is (default: `node esbuild.mjs --production` first).
//
// @huggingface/transformers is deliberately not shipped (hundreds of MB with onnxruntime): the
// transformers embedder reports that it is not installed and the cache falls back to the built-in one.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Runtime packages left external by esbuild that the VSIX ships, with the files each one needs. */
const RUNTIME_MODULES = {
  'better-sqlite3': (rel) => rel === 'package.json' || rel === 'LICENSE' || rel.startsWith('lib/') || rel === 'build/Release/better_sqlite3.node',
  bindings: (rel) => ['package.json', 'LICENSE.md', 'bindings.js'].includes(rel),
  'file-uri-to-path': (rel) => ['package.json', 'LICENSE', 'index.js'].includes(rel),
};
/** Install-time-only dependencies of shipped modules (prebuild-install downloads binaries; not used at run time). */
const INSTALL_ONLY = new Set(['prebuild-install']);

function parseArgs(argv) {
  const opts = { out: join(root, 'smartflow.vsix'), nativeDirs: [], build: true, keepStaging: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--native-dir') opts.nativeDirs.push(resolve(argv[++i]));
    else if (a === '--no-build') opts.build = false;
    else if (a === '--keep-staging') opts.keepStaging = true;
    else throw new Error(`package-vsix: unknown argument ${a}. See the header of scripts/package-vsix.mjs.`);
  }
  if (existsSync(join(root, 'native'))) opts.nativeDirs.unshift(join(root, 'native'));
  return opts;
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: process.env });
  if (r.status !== 0) throw new Error(`package-vsix: \`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal}) in ${cwd}.`);
}

/** Copies `from` into `to`, keeping the files for which keep(relativePath) is true. */
function copyFiltered(from, to, keep) {
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const rel = relative(from, abs).split('\\').join('/');
      if (statSync(abs).isDirectory()) walk(abs);
      else if (keep(rel)) {
        mkdirSync(dirname(join(to, rel)), { recursive: true });
        cpSync(abs, join(to, rel));
      }
    }
  };
  walk(from);
}

/** The shipped runtime modules plus their runtime dependencies, resolved from the repo's node_modules. */
function runtimeModules() {
  const seen = new Set();
  const queue = Object.keys(RUNTIME_MODULES);
  while (queue.length) {
    const name = queue.shift();
    if (seen.has(name) || INSTALL_ONLY.has(name)) continue;
    const dir = join(root, 'node_modules', name);
    if (!existsSync(join(dir, 'package.json'))) throw new Error(`package-vsix: node_modules/${name} is missing. Run \`npm ci\` first.`);
    seen.add(name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    queue.push(...Object.keys(pkg.dependencies ?? {}));
  }
  for (const name of seen) {
    if (!RUNTIME_MODULES[name]) throw new Error(`package-vsix: ${name} is a new runtime dependency; say which of its files to ship in RUNTIME_MODULES.`);
  }
  return [...seen];
}

/** Install-time tools are not shipped; removing them from the staged manifest keeps `npm list` (run by vsce) clean. */
function dropInstallOnlyDependencies(pkgPath) {
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  if (!pkg.dependencies) return;
  for (const name of INSTALL_ONLY) delete pkg.dependencies[name];
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
}

function stageManifest(staging) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // The VSIX manifest describes what is inside it: no dev tooling, no build scripts (vsce would run a
  // `vscode:prepublish`), and only the dependencies actually shipped.
  delete pkg.devDependencies;
  delete pkg.scripts;
  const shipped = Object.keys(RUNTIME_MODULES);
  pkg.dependencies = Object.fromEntries(Object.entries(pkg.dependencies ?? {}).filter(([n]) => shipped.includes(n)));
  writeFileSync(join(staging, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

export function packageVsix(opts) {
  const started = Date.now();
  if (opts.build) run(process.execPath, ['esbuild.mjs', '--production'], root);
  if (!existsSync(join(root, 'dist', 'extension.js'))) throw new Error('package-vsix: dist/extension.js is missing; run `npm run build` (or drop --no-build).');

  const staging = mkdtempSync(join(tmpdir(), 'smartflow-vsix-'));
  try {
    stageManifest(staging);
    for (const f of ['README.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', 'CHANGELOG.md', '.vscodeignore']) {
      if (existsSync(join(root, f))) cpSync(join(root, f), join(staging, f));
    }
    // The CLI bundle is the npm package's `smartflow` command; the extension never loads it.
    copyFiltered(join(root, 'dist'), join(staging, 'dist'), (rel) => !rel.endsWith('.map') && rel !== 'cli.js');
    if (existsSync(join(root, 'media'))) cpSync(join(root, 'media'), join(staging, 'media'), { recursive: true });
    for (const dir of opts.nativeDirs) {
      if (!existsSync(dir)) throw new Error(`package-vsix: --native-dir ${dir} does not exist.`);
      copyFiltered(dir, join(staging, 'native'), (rel) => rel.endsWith('.node'));
    }
    for (const name of runtimeModules()) {
      const to = join(staging, 'node_modules', name);
      copyFiltered(join(root, 'node_modules', name), to, RUNTIME_MODULES[name]);
      dropInstallOnlyDependencies(join(to, 'package.json'));
    }

    mkdirSync(dirname(opts.out), { recursive: true });
    rmSync(opts.out, { force: true });
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(staging, f)));
    run(
      process.execPath,
      [vsce, 'package', '--dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', ...(hasLicense ? [] : ['--skip-license']), '--out', opts.out],
      staging,
    );
    const bytes = statSync(opts.out).size;
    console.log(`package-vsix: ${opts.out} ${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { path: opts.out, bytes };
  } finally {
    if (opts.keepStaging) console.log(`package-vsix: staging kept at ${staging}`);
    else rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    packageVsix(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
