// Bundles: the extension host entry (node, cjs, `vscode` external), the CLI (node, cjs), and one
// browser bundle per webview. Native/heavy modules stay external and ship in node_modules.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native addons and packages that load files relative to themselves must not be bundled.
const nodeExternal = ['vscode', 'better-sqlite3', '@huggingface/transformers', 'onnxruntime-node', 'sharp'];

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const targets = [
  { entryPoints: ['src/gateway/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
  // The gateway is its own bundle so the extension host only loads it when the gateway starts, after activation.
  { entryPoints: ['src/gateway/bundle.ts'], outfile: 'dist/gateway.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: nodeExternal },
  ...['chat', 'scan', 'logs', 'settings'].map((v) => ({
    entryPoints: [`src/webview/${v}/main.ts`], outfile: `dist/webview/${v}.js`, platform: 'browser', format: 'iife', target: 'es2022',
  })),
].filter((t) => existsSync(t.entryPoints[0]));

const contexts = await Promise.all(targets.map((t) => esbuild.context({ ...common, ...t })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
