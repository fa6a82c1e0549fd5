/**
 * `~/.smartflow/config.yaml`: the user's Smartflow settings shared by the SDK client, the CLI and
 * `smartflow gateway` (mode, gateway URL, virtual key, default model, provider settings, and the
 * `gateway:` section — compliance, cache, audit, routing — mapped onto GatewayConfig by GATEWAY_KEYS).
 *
 * Read and written with the `yaml` package's Document API so comments and keys we do not know survive a
 * write; written 0600 (it may hold keys) through a temp file + rename so a crash never leaves half a file.
 * A malformed file is reported with its line and column; callers keep working from the other sources.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document, LineCounter, isMap, isScalar, parseDocument, type YAMLMap } from 'yaml';
import { BUILTIN_POLICIES, parseCustomPolicy } from './compliance/policies.js';

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
  /** Settings of `smartflow gateway` and of direct mode's embedded gateway (see GATEWAY_KEYS). */
  gateway?: Record<string, unknown>;
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
  /**
   * The `gateway:` section, read on its own: a bad value there is reported in `gateway.errors` and does
   * not make the rest of the file unusable (nor does a bad top-level key lose the gateway settings).
   * Undefined when the file is missing or not YAML.
   */
  gateway?: GatewaySectionRead;
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
  if (doc.contents === null) return { path, exists: true, config: {}, gateway: { settings: emptySettings(), errors: [], unknownKeys: [] } };
  if (!isMap(doc.contents)) {
    return { path, exists: true, config: null, error: new ConfigFileError(path, 'expected a mapping of settings (key: value) at the top level.', 1) };
  }
  const gateway = parseGatewaySection(doc, lc, path, ['gateway']);
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
    gateway,
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
  return { path, exists: true, config: value as SmartflowFileConfig, gateway };
}

/**
 * Applies `updates` (dotted paths such as `providers.openai.api_key`; `null` removes a key) to the file,
 * keeping every other key and comment. Creates the folder (0700) and the file (0600).
 * Throws ConfigFileError when the existing file is malformed (we will not overwrite what we cannot read).
 */
export function writeConfigFile(path: string, updates: Record<string, unknown> | Array<[string[], unknown]>): void {
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
  // The array form takes paths as lists, for keys that contain dots themselves (model names: gemini-2.5-flash).
  const entries: Array<[string[], unknown]> = Array.isArray(updates) ? updates : Object.entries(updates).map(([k, v]) => [k.split('.'), v]);
  for (const [p, v] of entries) {
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

// -------------------------------------------------------------------------------------------------------
// The `gateway:` section: settings for `smartflow gateway` (and the embedded gateway of direct mode),
// snake_case in the file, mapped onto GatewayConfig. One table drives validation, the mapping and docs.
// -------------------------------------------------------------------------------------------------------

type Kind =
  | { t: 'bool' }
  | { t: 'int'; min: number; max: number }
  | { t: 'num'; min: number; max: number }
  | { t: 'str' }
  | { t: 'path' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'port-or-off' }
  | { t: 'strlist' }
  | { t: 'intlist'; min: number; max: number }
  | { t: 'fallbacks' }
  | { t: 'policies' };

interface GatewayKey {
  /** Path inside `gateway:` as written in YAML (snake_case). */
  key: string;
  /** Dotted path in GatewayConfig, or `listen.*` / `virtualKeys` for what is not part of GatewayConfig. */
  to: string;
  kind: Kind;
}

const MS_HOUR = 3_600_000;
/** Every key the `gateway:` section understands (documented in docs/cli.md). */
export const GATEWAY_KEYS: readonly GatewayKey[] = [
  { key: 'host', to: 'server.host', kind: { t: 'str' } },
  { key: 'port', to: 'server.port', kind: { t: 'int', min: 0, max: 65535 } },
  { key: 'compliance_port', to: 'listen.compliance', kind: { t: 'port-or-off' } },
  { key: 'management_port', to: 'listen.management', kind: { t: 'port-or-off' } },
  { key: 'data_dir', to: 'dataDir', kind: { t: 'path' } },
  { key: 'max_body_bytes', to: 'server.maxBodyBytes', kind: { t: 'int', min: 1024, max: 2 ** 31 } },
  { key: 'virtual_keys', to: 'virtualKeys', kind: { t: 'strlist' } },
  { key: 'retry.max_retries', to: 'retry.maxRetries', kind: { t: 'int', min: 0, max: 10 } },
  { key: 'retry.base_delay_ms', to: 'retry.baseDelayMs', kind: { t: 'int', min: 0, max: MS_HOUR } },
  { key: 'retry.max_delay_ms', to: 'retry.maxDelayMs', kind: { t: 'int', min: 0, max: MS_HOUR } },
  { key: 'retry.max_retry_after_ms', to: 'retry.maxRetryAfterMs', kind: { t: 'int', min: 0, max: MS_HOUR } },
  { key: 'timeouts.connect_ms', to: 'timeouts.connectMs', kind: { t: 'int', min: 1, max: MS_HOUR } },
  { key: 'timeouts.headers_ms', to: 'timeouts.headersMs', kind: { t: 'int', min: 1, max: MS_HOUR } },
  { key: 'timeouts.body_ms', to: 'timeouts.bodyMs', kind: { t: 'int', min: 1, max: MS_HOUR } },
  { key: 'routing.fallbacks', to: 'routing.fallbacks', kind: { t: 'fallbacks' } },
  { key: 'routing.fallback_on', to: 'routing.fallbackOn', kind: { t: 'intlist', min: 400, max: 599 } },
  { key: 'cache.enabled', to: 'cache.enabled', kind: { t: 'bool' } },
  { key: 'cache.semantic', to: 'cache.semantic', kind: { t: 'bool' } },
  { key: 'cache.similarity_threshold', to: 'cache.similarityThreshold', kind: { t: 'num', min: 0, max: 1 } },
  { key: 'cache.ttl_seconds', to: 'cache.ttlSeconds', kind: { t: 'int', min: 1, max: 10 * 365 * 86400 } },
  { key: 'cache.max_entries', to: 'cache.maxEntries', kind: { t: 'int', min: 1, max: 100_000_000 } },
  { key: 'cache.max_bytes', to: 'cache.maxBytes', kind: { t: 'int', min: 1024, max: Number.MAX_SAFE_INTEGER } },
  { key: 'cache.max_temperature', to: 'cache.maxTemperature', kind: { t: 'num', min: 0, max: 2 } },
  { key: 'cache.multi_turn', to: 'cache.multiTurn', kind: { t: 'bool' } },
  { key: 'cache.embedder', to: 'cache.embedder', kind: { t: 'enum', values: ['bundled', 'transformers'] } },
  { key: 'cache.embedder_model', to: 'cache.embedderModel', kind: { t: 'str' } },
  { key: 'cache.embedder_local_path', to: 'cache.embedderLocalPath', kind: { t: 'path' } },
  { key: 'audit.enabled', to: 'audit.enabled', kind: { t: 'bool' } },
  { key: 'audit.store_prompts', to: 'audit.storePrompts', kind: { t: 'enum', values: ['none', 'redacted', 'full'] } },
  { key: 'audit.retention_days', to: 'audit.retentionDays', kind: { t: 'int', min: 0, max: 36500 } },
  { key: 'compliance.enabled', to: 'compliance.enabled', kind: { t: 'bool' } },
  { key: 'compliance.policy', to: 'compliance.policy', kind: { t: 'str' } },
  { key: 'compliance.reversible', to: 'compliance.reversible', kind: { t: 'bool' } },
  { key: 'compliance.scan_responses', to: 'compliance.scanResponses', kind: { t: 'bool' } },
  { key: 'compliance.org_id', to: 'compliance.orgId', kind: { t: 'str' } },
  { key: 'compliance.learning_days', to: 'compliance.learningDays', kind: { t: 'int', min: 1, max: 365 } },
  { key: 'compliance.custom_policies', to: 'compliance.customPolicies', kind: { t: 'policies' } },
];
const KEY_INDEX = new Map(GATEWAY_KEYS.map((k) => [k.key, k]));
const SECTIONS = new Set(GATEWAY_KEYS.filter((k) => k.key.includes('.')).map((k) => k.key.split('.')[0]));

/** What the `gateway:` section (or a `--config` file) asks for, ready to merge over the defaults. */
export interface GatewayFileSettings {
  /** Partial GatewayConfig (camelCase), only the keys that were set and valid. */
  config: Record<string, unknown>;
  /** Side listener ports (false = not served separately). */
  listen: { compliance?: number | false; management?: number | false };
  virtualKeys?: string[];
}

export interface GatewaySectionRead {
  settings: GatewayFileSettings;
  /** Malformed values (each names its key and line); those keys keep their defaults. */
  errors: ConfigFileError[];
  /** Keys we do not know (kept in the file, not used): a typo shows up here. */
  unknownKeys: Array<{ key: string; line?: number }>;
}

const emptySettings = (): GatewayFileSettings => ({ config: {}, listen: {} });

function describeKind(k: Kind): string {
  switch (k.t) {
    case 'bool':
      return 'true or false';
    case 'int':
      return `a whole number from ${k.min} to ${k.max}`;
    case 'num':
      return `a number from ${k.min} to ${k.max}`;
    case 'str':
      return 'a non-empty string';
    case 'path':
      return 'a path (~/ is your home folder)';
    case 'enum':
      return k.values.map((v) => `"${v}"`).join(', ').replace(/, ([^,]*)$/, ' or $1');
    case 'port-or-off':
      return 'a port number (0-65535) or "off"';
    case 'strlist':
      return 'a list of strings';
    case 'intlist':
      return `a list of HTTP statuses (${k.min}-${k.max})`;
    case 'fallbacks':
      return 'a mapping of model to a list of fallback models, e.g. gpt-4o: [anthropic/claude-sonnet-4-6]';
    case 'policies':
      return 'a mapping of policy name to { extends, block, redact, log }';
  }
}

/** Checks one value against its key's kind; returns the value to use or the reason it is not usable. */
function coerce(k: Kind, v: unknown): { ok: true; value: unknown } | { ok: false; why: string } {
  const no = { ok: false as const, why: describeKind(k) };
  switch (k.t) {
    case 'bool':
      return typeof v === 'boolean' ? { ok: true, value: v } : no;
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= k.min && v <= k.max ? { ok: true, value: v } : no;
    case 'num':
      return typeof v === 'number' && Number.isFinite(v) && v >= k.min && v <= k.max ? { ok: true, value: v } : no;
    case 'str':
      return typeof v === 'string' && v.trim() ? { ok: true, value: v.trim() } : no;
    case 'path': {
      if (typeof v !== 'string' || !v.trim()) return no;
      const p = v.trim();
      return { ok: true, value: p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p };
    }
    case 'enum':
      return typeof v === 'string' && k.values.includes(v) ? { ok: true, value: v } : no;
    case 'port-or-off':
      if (v === false || v === 'off') return { ok: true, value: false };
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? { ok: true, value: v } : no;
    case 'strlist':
      return Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim()) ? { ok: true, value: v.map((s: string) => s.trim()) } : no;
    case 'intlist':
      return Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= k.min && n <= k.max) ? { ok: true, value: [...v] } : no;
    case 'fallbacks': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return no;
      const out: Record<string, string[]> = {};
      for (const [model, chain] of Object.entries(v)) {
        const list = typeof chain === 'string' ? chain.split(',') : chain;
        if (!Array.isArray(list) || !list.every((m) => typeof m === 'string' && m.trim())) return { ok: false, why: `${no.why} ("${model}" is not a list of model names)` };
        out[model] = list.map((m: string) => m.trim());
      }
      return { ok: true, value: out };
    }
    case 'policies': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return no;
      for (const [name, raw] of Object.entries(v)) {
        try {
          parseCustomPolicy(name, raw);
        } catch (e) {
          return { ok: false, why: `a valid policy: ${(e as Error).message}` };
        }
      }
      return { ok: true, value: v };
    }
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = value;
}

function place(s: GatewayFileSettings, to: string, value: unknown): void {
  if (to === 'listen.compliance') s.listen.compliance = value as number | false;
  else if (to === 'listen.management') s.listen.management = value as number | false;
  else if (to === 'virtualKeys') s.virtualKeys = value as string[];
  else setPath(s.config, to, value);
}

/** Names a compliance policy may take: the built-ins plus the custom ones defined next to it. */
export function policyNames(customPolicies?: Record<string, unknown>): string[] {
  return [...Object.keys(BUILTIN_POLICIES), ...Object.keys(customPolicies ?? {}).filter((n) => !(n in BUILTIN_POLICIES))];
}

/**
 * Validates one gateway setting given as in the file (`cache.ttl_seconds`, 3600). For `smartflow configure`
 * (checks values before writing them) and the gateway's own flags.
 */
export function checkGatewaySetting(key: string, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const k = KEY_INDEX.get(key);
  if (!k) return { ok: false, message: `"gateway.${key}" is not a gateway setting (see docs/cli.md for the list)` };
  const r = coerce(k.kind, value);
  if (!r.ok) return { ok: false, message: `"gateway.${key}" must be ${r.why}` };
  if (key === 'compliance.policy' && !policyNames().includes(r.value as string)) {
    return { ok: false, message: `"gateway.compliance.policy": unknown policy "${String(value)}" (built-ins: ${policyNames().join(', ')}; custom ones go under gateway.compliance.custom_policies)` };
  }
  return r;
}

/**
 * Reads the gateway settings at `prefix` (['gateway'] in config.yaml, [] for a `--config` file) from a
 * parsed document. Never throws: each bad value is an error naming its key and line and keeps its default.
 */
function parseGatewaySection(doc: Document, lc: LineCounter, path: string, prefix: string[]): GatewaySectionRead {
  const out: GatewaySectionRead = { settings: emptySettings(), errors: [], unknownKeys: [] };
  const lineOf = (p: string[]): number | undefined => {
    const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lc.linePos(node.range[0]).line : undefined;
  };
  const label = (rel: string): string => (prefix.length ? `${prefix.join('.')}.${rel}` : rel);
  const root = prefix.length ? doc.getIn(prefix, true) : doc.contents;
  if (root === undefined || root === null || (isScalar(root) && root.value === null)) return out;
  if (!isMap(root)) {
    out.errors.push(new ConfigFileError(path, `"${prefix.join('.') || '(top level)'}" must be a mapping of gateway settings; it is ignored, the gateway uses its defaults.`, lineOf(prefix)));
    return out;
  }
  const value = (root as YAMLMap).toJSON() as Record<string, unknown>;
  const seen: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    if (SECTIONS.has(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) seen.push([`${k}.${k2}`, v2]);
    } else seen.push([k, v]);
  }
  const customPolicies = (value.compliance as { custom_policies?: unknown } | undefined)?.custom_policies;
  for (const [key, v] of seen) {
    const p = [...prefix, ...key.split('.')];
    const spec = KEY_INDEX.get(key);
    if (!spec) {
      out.unknownKeys.push({ key: label(key), line: lineOf(p) });
      continue;
    }
    if (v === null || v === undefined) continue; // an empty value means "the default"
    const r = coerce(spec.kind, v);
    if (!r.ok) {
      out.errors.push(new ConfigFileError(path, `"${label(key)}" must be ${r.why}; got ${JSON.stringify(v)}. Using the default instead.`, lineOf(p)));
      continue;
    }
    if (key === 'compliance.policy') {
      const names = policyNames(typeof customPolicies === 'object' && customPolicies ? (customPolicies as Record<string, unknown>) : undefined);
      if (!names.includes(r.value as string)) {
        out.errors.push(new ConfigFileError(path, `"${label(key)}": unknown policy "${String(v)}" (use one of: ${names.join(', ')}). Using the default instead.`, lineOf(p)));
        continue;
      }
    }
    place(out.settings, spec.to, r.value);
  }
  return out;
}

export interface GatewaySettingsFileRead {
  path: string;
  exists: boolean;
  /** The file cannot be used at all (unreadable, not YAML): nothing was read from it. */
  error?: ConfigFileError;
  section: GatewaySectionRead;
}

/**
 * Reads a YAML file of gateway settings (`smartflow gateway --config FILE`). The file is either the
 * `gateway:` section's content at the top level, or a whole config.yaml with a `gateway:` key.
 */
export function readGatewaySettingsFile(path: string): GatewaySettingsFileRead {
  const empty = (): GatewaySectionRead => ({ settings: emptySettings(), errors: [], unknownKeys: [] });
  if (!existsSync(path)) return { path, exists: false, error: new ConfigFileError(path, 'no such file.'), section: empty() };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { path, exists: true, error: new ConfigFileError(path, `cannot read the file (${(e as Error).message}).`, undefined, undefined, e), section: empty() };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const pos = lc.linePos(doc.errors[0].pos[0]);
    return { path, exists: true, error: new ConfigFileError(path, `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, pos.line, pos.col), section: empty() };
  }
  const nested = isMap(doc.contents) && doc.has('gateway');
  return { path, exists: true, section: parseGatewaySection(doc, lc, path, nested ? ['gateway'] : []) };
}
