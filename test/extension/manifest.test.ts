// package.json `contributes` and the code agree: every contributed command is registered, every command a
// menu or keybinding names is contributed, every setting the extension reads is contributed (with a
// default), every view has a provider, and every data-testid in docs/extension-ui.md exists in a webview.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: Array<{ command: string; title: string }>;
    menus: Record<string, Array<{ command: string }>>;
    keybindings: Array<{ command: string; key: string }>;
    views: Record<string, Array<{ id: string; type?: string }>>;
    configuration: { properties: Record<string, { default?: unknown; type: string }> };
  };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const src = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
const extSrc = src('src/extension');

test('every contributed command is registered and every referenced command is contributed', () => {
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  const registered = new Set([...extSrc.matchAll(/registerCommand\(\s*'([\w.]+)'/g)].map((m) => m[1]));
  assert.deepEqual([...contributed].filter((c) => !registered.has(c)), [], 'contributed but not registered');
  assert.deepEqual([...registered].filter((c) => !contributed.has(c)), [], 'registered but not contributed');
  const referenced = [...Object.values(pkg.contributes.menus).flat().map((m) => m.command), ...pkg.contributes.keybindings.map((k) => k.command)];
  assert.deepEqual(referenced.filter((c) => !contributed.has(c)), []);
  assert.ok(pkg.contributes.keybindings.some((k) => k.command === 'smartflow.scanSelection' && k.key === 'ctrl+alt+p'));
  assert.ok(pkg.contributes.menus['editor/context'].some((m) => m.command === 'smartflow.askAboutSelection'));
  assert.ok(pkg.contributes.menus['editor/context'].some((m) => m.command === 'smartflow.scanSelection'));
});

test('every setting the extension reads is contributed with a default', () => {
  const settingsSrc = readFileSync('src/extension/settings-parse.ts', 'utf8');
  const read = [...settingsSrc.matchAll(/pick(?:<[^(]*>)?\('([\w.]+)'/g)].map((m) => `smartflow.${m[1]}`);
  assert.ok(read.length >= 15, `found ${read.length} settings`);
  const props = pkg.contributes.configuration.properties;
  for (const key of read) {
    assert.ok(props[key], `${key} is read but not in contributes.configuration`);
    assert.notEqual(props[key].default, undefined, `${key} has no default`);
  }
  for (const key of Object.keys(props)) assert.ok(read.includes(key), `${key} is contributed but never read`);
  assert.equal(props['smartflow.localEndpoint.port'].default, 7775);
  // Secrets are never settings.
  assert.ok(!Object.keys(props).some((k) => /key|token|secret|password/i.test(k.replace('smartflow.', ''))));
});

test('views have providers and the bundle entry matches main', () => {
  const views = Object.values(pkg.contributes.views).flat();
  for (const v of views) assert.ok(extSrc.includes(`'${v.id}'`), `no provider registered for ${v.id}`);
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.activationEvents.includes('onStartupFinished'));
});

test('every data-testid documented in docs/extension-ui.md exists in the webview code', () => {
  const doc = readFileSync('docs/extension-ui.md', 'utf8');
  const web = ['chat', 'scan', 'logs', 'settings'].map((v) => readFileSync(`src/webview/${v}/main.ts`, 'utf8')).join('\n');
  const documented = new Set([...doc.matchAll(/`((?:chat|code|scan|logs|status)-[a-z-]+)`/g)].map((m) => m[1]));
  assert.ok(documented.size >= 40, `only ${documented.size} ids documented`);
  const missing = [...documented].filter((id) => !web.includes(`'${id}'`));
  assert.deepEqual(missing, []);
});
