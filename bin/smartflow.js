#!/usr/bin/env node
// The `smartflow` command. The CLI is bundled by esbuild into dist/cli.js (npm ci runs the build).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('smartflow: dist/cli.js is missing. Run `npm run build` in ' + path.join(__dirname, '..') + ' first.\n');
  process.exit(1);
}
require(cli).main(process.argv.slice(2)).then(
  (code) => process.exitCode = typeof code === 'number' ? code : 0,
  (err) => { process.stderr.write('smartflow: ' + (err && err.message ? err.message : String(err)) + '\n'); process.exitCode = 1; },
);
