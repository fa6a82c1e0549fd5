/**
 * `~/.smartflow/config.yaml`: the user's Smartflow settings shared by the SDK client, the CLI and
 * `smartflow gateway` (mode, gateway URL, virtual key, default model, provider settings).
 *
 * Read and written with the `yaml` package's Document API so comments and keys we do not know survive a
 * write; written 0600 (it may hold keys) through a temp file + rename so a crash never leaves half a file.
 * A malformed file is reported with its line and column; callers keep working from the other sources.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document, LineCounter, isMap, parseDocument } from 'yaml';

export interface ProviderFileSettings {
  api_key?: string;
  base_url?: string;
  api_version?: string;
  enabled?: boolean;
  [extra: string]: unknown;
}

export interface SmartflowFileConfig {
  mode?: 'gateway' | 'direct';
  gateway_url?: string;
  /** The gateway's virtual key (sk-sf-…). */
  api_key?: string;
  default_model?: string;
  timeout?: number;
  management_port?: number;
  compliance_port?: number;
  bridge_port?: number;
  /** Direct mode: per-provider key / base URL (keys may instead come from the environment). */
  providers?: Record<string, ProviderFileSettings>;
  [extra: string]: unknown;
}

export class ConfigFileError extends Error {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  constructor(path: string, message: string, line?: number, column?: number, cause?: unknown) {
    const where = line ? `${path}:${line}${column ? `:${column}` : ''}` : path;
    super(`${where}: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'ConfigFileError';
    this.path = path;
    this.line = line;
    this.column = column;
  }
}

/** `SMARTFLOW_CONFIG` if set (tests, several profiles), else `~/.smartflow/config.yaml`. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SMARTFLOW_CONFIG) return env.SMARTFLOW_CONFIG;
  return join(env.HOME || homedir(), '.smartflow', 'config.yaml');
}

export interface ConfigFileRead {
  path: string;
  exists: boolean;
  config: SmartflowFileConfig | null;
  /** Set when the file exists but cannot be used; `config` is then null. */
  error?: ConfigFileError;
}

const STRING_KEYS = ['gateway_url', 'api_key', 'default_model'] as const;
const PORT_KEYS = ['management_port', 'compliance_port', 'bridge_port'] as const;

/** Reads and validates the file. Never throws: a problem comes back in `error` with the line. */
export function readConfigFile(path: string): ConfigFileRead {
  if (!existsSync(path)) return { path, exists: false, config: null };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { path, exists: true, config: null, error: new ConfigFileError(path, `cannot read the file (${(e as Error).message}); check its permissions.`, undefined, undefined, e) };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    const pos = lc.linePos(err.pos[0]);
    const msg = err.message.split('\n')[0];
    return { path, exists: true, config: null, error: new ConfigFileError(path, `not valid YAML: ${msg}. Fix that line or run \`smartflow configure\` to rewrite the file.`, pos.line, pos.col, err) };
  }
  if (doc.contents === null) return { path, exists: true, config: {} };
  if (!isMap(doc.contents)) {
    return { path, exists: true, config: null, error: new ConfigFileError(path, 'expected a mapping of settings (key: value) at the top level.', 1) };
  }
  const value = doc.toJS() as Record<string, unknown>;
  const lineOf = (key: string): number | undefined => {
    const node = doc.getIn([key], true) as { range?: [number, number, number] } | undefined;
    const r = node?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  const bad = (key: string, want: string): ConfigFileRead => ({
    path,
    exists: true,
    config: null,
    error: new ConfigFileError(path, `"${key}" must be ${want}.`, lineOf(key)),
  });
  if (value.mode !== undefined && value.mode !== 'gateway' && value.mode !== 'direct') return bad('mode', '"gateway" or "direct"');
  for (const k of STRING_KEYS) if (value[k] !== undefined && value[k] !== null && typeof value[k] !== 'string') return bad(k, 'a string');
  for (const k of PORT_KEYS) {
    const v = value[k];
    if (v !== undefined && v !== null && !(Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536)) return bad(k, 'a port number (1-65535)');
  }
  if (value.timeout !== undefined && value.timeout !== null && !(typeof value.timeout === 'number' && value.timeout > 0)) return bad('timeout', 'a positive number of seconds');
  if (value.gateway_url && !/^https?:\/\//i.test(String(value.gateway_url))) return bad('gateway_url', 'an http:// or https:// URL');
  if (value.providers !== undefined && value.providers !== null) {
    if (typeof value.providers !== 'object' || Array.isArray(value.providers)) return bad('providers', 'a mapping of provider name to settings');
    for (const [name, s] of Object.entries(value.providers as Record<string, unknown>)) {
      if (s !== null && (typeof s !== 'object' || Array.isArray(s))) return bad('providers', `a mapping; "${name}" should hold api_key / base_url`);
    }
  }
  for (const k of Object.keys(value)) if (value[k] === null) delete value[k];
  return { path, exists: true, config: value as SmartflowFileConfig };
}

/**
 * Applies `updates` (dotted paths such as `providers.openai.api_key`; `null` removes a key) to the file,
 * keeping every other key and comment. Creates the folder (0700) and the file (0600).
 * Throws ConfigFileError when the existing file is malformed (we will not overwrite what we cannot read).
 */
export function writeConfigFile(path: string, updates: Record<string, unknown>): void {
  let doc: Document;
  if (existsSync(path)) {
    const lc = new LineCounter();
    const text = readFileSync(path, 'utf8');
    doc = parseDocument(text, { lineCounter: lc });
    if (doc.errors.length) {
      const pos = lc.linePos(doc.errors[0].pos[0]);
      throw new ConfigFileError(path, `not valid YAML, so it was not changed: ${doc.errors[0].message.split('\n')[0]}. Fix or delete the file and try again.`, pos.line, pos.col);
    }
    if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigFileError(path, 'the top level is not a mapping, so it was not changed. Fix or delete the file and try again.', 1);
    if (doc.contents === null) doc = new Document({});
  } else {
    doc = new Document({});
    doc.commentBefore = ' Smartflow settings (written by `smartflow configure`). Keep this file private: it may hold keys.';
  }
  for (const [key, v] of Object.entries(updates)) {
    const p = key.split('.');
    if (v === null || v === undefined) {
      if (doc.hasIn(p)) doc.deleteIn(p);
    } else {
      doc.setIn(p, v);
    }
  }
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString(), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
