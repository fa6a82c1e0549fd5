/**
 * `smartflow gateway`: serve the embedded gateway standalone (OpenAI-compatible API, compliance API,
 * management API) until SIGINT/SIGTERM. Settings come from, lowest first: the defaults, the `gateway:`
 * section of ~/.smartflow/config.yaml (or the file given with --config instead), then the flags.
 * Prints where it listens, where the bearer token is kept (never the token itself unless --show-token),
 * the effective compliance policy, cache mode and storage engine.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultDataDir, startGatewayService, type GatewayService } from '../../compose.js';
import type { GatewayConfigInput, ProviderOverride } from '../../config.js';
import { configFilePath, policyNames, readConfigFile, readGatewaySettingsFile, type GatewaySectionRead } from '../../config-file.js';
import { UsageError, flag, has, intFlag, parseArgs } from '../args.js';
import { EXIT, progress, type CliIo } from '../io.js';

export const GATEWAY_HELP = `Usage: smartflow gateway [options]

Run the Smartflow gateway on this machine until Ctrl+C (SIGINT) or SIGTERM.
Settings: the defaults, then the gateway: section of ~/.smartflow/config.yaml (or --config FILE instead),
then these flags (flags win).

Options:
  --host HOST              Address to bind (default 127.0.0.1; the gateway only accepts loopback Host headers)
  --port N                 OpenAI-compatible API port (default 7775; 0 = any free port)
  --compliance-port N|off  Compliance API port (default 7777, or any free port when --port is 0; off = not served
                           separately, the main port serves it anyway)
  --management-port N|off  Management API port (default 7778, or any free port when --port is 0)
  --data-dir DIR           Where the audit log, cache and token live (default: SMARTFLOW_DATA_DIR, else
                           gateway.data_dir from the settings, else your per-user app-data folder)
  --virtual-key KEY        Also accept this bearer key (repeatable; or SMARTFLOW_VIRTUAL_KEYS=k1,k2)
  --show-token             Print the bearer token (it is otherwise only stored, 0600, in the data dir)
  --config FILE            Gateway settings from this YAML file instead of the gateway: section of config.yaml
                           (same keys; see docs/cli.md)

Compliance, cache, audit and routing:
  --policy NAME            Compliance policy (default enterprise_standard; also ${policyNames().filter((n) => n !== 'enterprise_standard').join(', ')},
                           or a custom one from gateway.compliance.custom_policies)
  --reversible             Reversible redaction: numbered placeholders ([EMAIL_1]) restored in the reply you see
  --no-compliance          Do not scan prompts at all
  --no-cache               Turn the response cache off
  --no-semantic-cache      Exact-match cache only (no semantic hits)
  --store-prompts MODE     What the audit log keeps of prompts: none, redacted (default) or full
  --retention-days N       Delete audit records older than N days (default 90; 0 = keep forever)
  --fallback MODEL=M1,M2   When MODEL fails (429/5xx), try M1 then M2 (repeatable), e.g.
                           --fallback gpt-4o=anthropic/claude-sonnet-4-6,gemini/gemini-2.5-flash
  -h, --help               Show this help

Provider keys come from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) or the providers section of
~/.smartflow/config.yaml; base URLs from OPENAI_BASE_URL, OLLAMA_BASE_URL, … .
`;

const SPEC = {
  host: { value: true },
  port: { value: true },
  'compliance-port': { value: true },
  'management-port': { value: true },
  'data-dir': { value: true },
  'virtual-key': { value: true, repeat: true },
  'show-token': {},
  config: { value: true },
  policy: { value: true },
  reversible: {},
  'no-compliance': {},
  'no-cache': {},
  'no-semantic-cache': {},
  'store-prompts': { value: true },
  'retention-days': { value: true },
  fallback: { value: true, repeat: true },
  help: { short: 'h' },
} as const;

function sidePort(raw: string | undefined, name: string, fromFile: number | false | undefined, dflt: number, mainPort: number): number | false {
  if (raw === undefined) return fromFile !== undefined ? fromFile : mainPort === 0 ? 0 : dflt;
  if (raw === 'off' || raw === 'none' || raw === 'false') return false;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new UsageError(`--${name} must be a port number (0-65535) or "off", got "${raw}"`);
  return Number(raw);
}

const expandHome = (p: string, env: NodeJS.ProcessEnv): string => (p === '~' || p.startsWith('~/') ? join(env.HOME || homedir(), p.slice(1)) : p);

/** Objects merge, arrays and scalars replace (the same rule as resolveConfig). */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isObj(b) && isObj(v) ? merge(b, v) : v;
  }
  return out;
}

/** The gateway settings the flags ask for, as a partial GatewayConfig. */
function settingsFromFlags(args: ReturnType<typeof parseArgs>): Record<string, unknown> {
  const c: Record<string, Record<string, unknown>> = {};
  const sect = (n: string): Record<string, unknown> => (c[n] ??= {});
  const policy = flag(args, 'policy');
  if (policy !== undefined) sect('compliance').policy = policy;
  if (has(args, 'reversible')) sect('compliance').reversible = true;
  if (has(args, 'no-compliance')) sect('compliance').enabled = false;
  if (has(args, 'no-cache')) sect('cache').enabled = false;
  if (has(args, 'no-semantic-cache')) sect('cache').semantic = false;
  const sp = flag(args, 'store-prompts');
  if (sp !== undefined) {
    if (sp !== 'none' && sp !== 'redacted' && sp !== 'full') throw new UsageError(`--store-prompts must be none, redacted or full, got "${sp}"`);
    sect('audit').storePrompts = sp;
  }
  const rd = intFlag(args, 'retention-days', 0, 36500);
  if (rd !== undefined) sect('audit').retentionDays = rd;
  const fallbacks: Record<string, string[]> = {};
  for (const raw of args.flags.get('fallback') ?? []) {
    const eq = raw.indexOf('=');
    const model = eq > 0 ? raw.slice(0, eq).trim() : '';
    const chain = eq > 0 ? raw.slice(eq + 1).split(',').map((m) => m.trim()).filter(Boolean) : [];
    if (!model || !chain.length) throw new UsageError(`--fallback expects MODEL=FALLBACK1,FALLBACK2, e.g. gpt-4o=anthropic/claude-sonnet-4-6; got "${raw}"`);
    fallbacks[model] = chain;
  }
  if (Object.keys(fallbacks).length) sect('routing').fallbacks = fallbacks;
  return c;
}

/** Reports a settings file's problems as warnings: the gateway still starts (those keys keep their defaults). */
function warnSection(io: CliIo, path: string, s: GatewaySectionRead): void {
  for (const e of s.errors) io.stderr.write(`warning: ${e.message}\n`);
  for (const u of s.unknownKeys) io.stderr.write(`warning: ${path}${u.line ? `:${u.line}` : ''}: unknown gateway setting "${u.key}" (kept in the file, not used; see \`smartflow gateway --help\` and docs/cli.md).\n`);
}

/** Provider keys and base URLs from the config file's `providers:` section (env still wins for keys). */
function providersFromFile(read: ReturnType<typeof readConfigFile>): { keys: Record<string, string>; overrides: Record<string, ProviderOverride> } {
  const keys: Record<string, string> = {};
  const overrides: Record<string, ProviderOverride> = {};
  for (const [id, s] of Object.entries(read.config?.providers ?? {})) {
    if (!s) continue;
    if (typeof s.api_key === 'string' && s.api_key) keys[id] = s.api_key;
    const o: ProviderOverride = {};
    if (typeof s.base_url === 'string') o.baseUrl = s.base_url;
    if (typeof s.api_version === 'string') o.apiVersion = s.api_version;
    if (typeof s.enabled === 'boolean') o.enabled = s.enabled;
    if (Object.keys(o).length) overrides[id] = o;
  }
  return { keys, overrides };
}

const days = (s: number): string => (s % 86400 === 0 ? `${s / 86400}d` : s % 3600 === 0 ? `${s / 3600}h` : `${s}s`);

/** The banner lines for the effective compliance / cache / audit / routing settings. */
export function describeSettings(service: Pick<GatewayService, 'config' | 'layers' | 'storage' | 'dataDir'>): Array<[string, string]> {
  const { config: c, layers: l, storage: st } = service;
  const state = (name: 'cache' | 'compliance'): string | null => (l[name].layer ? null : l[name].enabled ? `off — ${l[name].error ?? 'failed to start'}` : 'off (disabled in settings)');
  const lines: Array<[string, string]> = [];
  lines.push(['Compliance', state('compliance') ?? `on — policy ${c.compliance.policy}, ${c.compliance.reversible ? 'reversible redaction (originals restored in replies)' : 'one-way redaction'}${c.compliance.scanResponses ? ', responses scanned' : ''}`]);
  lines.push(['Cache', state('cache') ?? `on — ${c.cache.semantic ? `exact + semantic (similarity ≥ ${c.cache.similarityThreshold})` : 'exact match only (semantic off)'}, TTL ${days(c.cache.ttlSeconds)}`]);
  const audit = st.engine
    ? `SQLite (${st.engine}) in ${join(service.dataDir, 'audit.db')} — prompts ${c.audit.storePrompts === 'none' ? 'not stored' : c.audit.storePrompts === 'full' ? 'stored in full' : 'stored redacted'}, ${c.audit.retentionDays > 0 ? `kept ${c.audit.retentionDays} days` : 'kept forever'}`
    : `off — ${st.error ?? 'requests are not being logged'}`;
  lines.push(['Audit log', audit]);
  const fb = Object.entries(c.routing.fallbacks);
  if (fb.length) lines.push(['Fallbacks', fb.map(([m, chain]) => `${m} → ${chain.join(' → ')}`).join('; ')]);
  return lines;
}

export async function gatewayCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(GATEWAY_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);

  // ---- settings: defaults < config.yaml gateway: (or --config FILE) < flags --------------------------
  const cfgPath = configFilePath(io.env);
  const fileRead = readConfigFile(cfgPath);
  if (fileRead.error) io.stderr.write(`warning: ${fileRead.error.message}\n         Continuing with environment settings only.\n`);
  let section: GatewaySectionRead | undefined = fileRead.gateway;
  let sectionFrom = cfgPath;
  const explicit = flag(args, 'config');
  if (explicit !== undefined) {
    const r = readGatewaySettingsFile(resolve(io.cwd, expandHome(explicit, io.env)));
    if (r.error) {
      // The user named this file: starting without it would silently drop settings such as store_prompts.
      io.stderr.write(`smartflow gateway: --config ${r.error.message} Fix the file or leave out --config.\n`);
      return EXIT.error;
    }
    section = r.section;
    sectionFrom = r.path;
  }
  if (section) warnSection(io, sectionFrom, section);
  const file = section?.settings ?? { config: {}, listen: {} };
  const fileServer = (file.config.server ?? {}) as { host?: string; port?: number };
  const fromFlags = settingsFromFlags(args);
  const merged = merge(file.config, fromFlags) as Record<string, unknown> & { compliance?: { policy?: string; customPolicies?: Record<string, unknown> } };
  const policy = merged.compliance?.policy;
  if (policy !== undefined && flag(args, 'policy') !== undefined) {
    const names = policyNames(merged.compliance?.customPolicies);
    if (!names.includes(policy)) throw new UsageError(`--policy: unknown compliance policy "${policy}". Use one of: ${names.join(', ')}`);
  }

  const host = flag(args, 'host') ?? fileServer.host ?? '127.0.0.1';
  const port = intFlag(args, 'port', 0, 65535) ?? fileServer.port ?? 7775;
  const compliancePort = sidePort(flag(args, 'compliance-port'), 'compliance-port', file.listen.compliance, 7777, port);
  const managementPort = sidePort(flag(args, 'management-port'), 'management-port', file.listen.management, 7778, port);
  // The flag, then the environment, then the file (the usual order: the environment overrides files).
  const dataDirRaw = flag(args, 'data-dir') ?? (io.env.SMARTFLOW_DATA_DIR || undefined) ?? (merged.dataDir as string | undefined);
  const dataDir = dataDirRaw ? resolve(io.cwd, expandHome(dataDirRaw, io.env)) : defaultDataDir(io.env);
  const virtualKeys = [
    ...(file.virtualKeys ?? []),
    ...(args.flags.get('virtual-key') ?? []),
    ...(io.env.SMARTFLOW_VIRTUAL_KEYS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  ];
  const fromFile = providersFromFile(fileRead);
  const config = {
    ...merged,
    dataDir,
    server: { ...((merged.server as object | undefined) ?? {}), host, port },
    providers: fromFile.overrides,
  } as GatewayConfigInput;

  const p = progress(io, 'Starting the Smartflow gateway');
  let service: Awaited<ReturnType<typeof startGatewayService>>;
  try {
    service = await startGatewayService({
      config,
      env: io.env,
      providerKeys: fromFile.keys,
      virtualKeys,
      listen: { main: true, compliance: compliancePort, management: managementPort },
    });
  } catch (e) {
    p.done();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      io.stderr.write(`smartflow: a port is already in use (${err.message}). Stop the other process or choose another port with --port / --compliance-port / --management-port (0 = any free port).\n`);
    } else if (err.code === 'EACCES') {
      io.stderr.write(`smartflow: not allowed to listen there (${err.message}). Use a port above 1024.\n`);
    } else {
      io.stderr.write(`smartflow: the gateway could not start: ${err.message ?? String(e)}\n`);
    }
    return EXIT.error;
  }
  p.done();
  const out = io.stdout;
  out.write(`Smartflow gateway listening\n`);
  out.write(`  OpenAI-compatible API  ${service.url}/v1\n`);
  if (service.complianceUrl) out.write(`  Compliance API         ${service.complianceUrl}\n`);
  if (service.managementUrl) out.write(`  Management API         ${service.managementUrl}\n`);
  out.write(`  Data dir               ${dataDir}\n`);
  if (service.tokenPath) out.write(`  Bearer token file      ${service.tokenPath}\n`);
  else if (io.env.SMARTFLOW_LOCAL_TOKEN) out.write(`  Bearer token           from SMARTFLOW_LOCAL_TOKEN\n`);
  else out.write(`  Bearer token           kept in memory only (the data dir is not writable; use --show-token)\n`);
  if (has(args, 'show-token')) out.write(`  Bearer token           ${service.token}\n`);
  if (virtualKeys.length) out.write(`  Virtual keys           ${virtualKeys.length} accepted\n`);
  for (const [label, text] of describeSettings(service)) out.write(`  ${label.padEnd(23)}${text}\n`);
  const usedFile = Object.keys(file.config).length > 0 || Object.keys(file.listen).length > 0 || Boolean(file.virtualKeys);
  const sources = ['defaults', ...(usedFile ? [sectionFrom === cfgPath ? `${cfgPath} (gateway:)` : sectionFrom] : []), ...(Object.keys(fromFlags).length ? ['flags'] : [])];
  out.write(`  Settings from          ${sources.join(' + ')}\n`);
  if (host === '0.0.0.0' || host === '::') {
    io.stderr.write(`warning: listening on every interface, but requests are only answered when their Host header is a loopback name (DNS-rebinding defence); bind a specific address (--host 10.0.0.5) for clients on other machines.\n`);
  } else if (!/^(127\.|localhost$|::1$)/.test(host)) {
    io.stderr.write(`warning: ${host} is reachable from other machines; every request still needs the bearer token or a virtual key.\n`);
  }
  out.write(`Press Ctrl+C to stop.\n`);

  await new Promise<void>((resolveStop) => {
    const off = io.onShutdownSignal((sig) => {
      off();
      io.stderr.write(`\nReceived ${sig}, shutting down…\n`);
      resolveStop();
    });
  });
  try {
    await service.close();
  } catch (e) {
    io.stderr.write(`smartflow: error while closing: ${(e as Error).message}\n`);
    return EXIT.error;
  }
  io.stderr.write('Gateway stopped.\n');
  return EXIT.ok;
}
