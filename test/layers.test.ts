// The layer rules, enforced: src/gateway and src/webview never import 'vscode' at run time, src/gateway
// never imports from src/extension or src/webview, and only src/extension may import 'vscode'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

// Matches value imports and requires of 'vscode'; `import type` is allowed (erased at build time).
const runtimeVscode = /^\s*import\s+(?!type\b)[^;]*from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/m;

export function violations(root: string, rule: RegExp): string[] {
  return files(root).filter((f) => rule.test(readFileSync(f, 'utf8')));
}

test('src/gateway has no run-time vscode import', () => {
  assert.deepEqual(violations('src/gateway', runtimeVscode), []);
});

test('src/webview has no run-time vscode import', () => {
  assert.deepEqual(violations('src/webview', runtimeVscode), []);
});

test('src/gateway does not import from src/extension or src/webview', () => {
  assert.deepEqual(violations('src/gateway', /from\s+['"][./]*\/(extension|webview)\//), []);
});

test('the rule itself catches a violation and allows type-only imports', () => {
  assert.ok(runtimeVscode.test("import * as vscode from 'vscode';"));
  assert.ok(runtimeVscode.test("const v = require('vscode');"));
  assert.ok(!runtimeVscode.test("import type { Uri } from 'vscode';"));
});
