/**
 * `smartflow configure`: writes ~/.smartflow/config.yaml, either through an interactive wizard
 * (node:readline; keys typed without echo) or from flags for scripts. Other keys in the file are kept.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { checkGatewaySetting, configFilePath, policyNames, readConfigFile, writeConfigFile } from '../../config-file.js';
import { UsageError, flag, has, parseArgs } from '../args.js';
import { EXIT, type CliIo } from '../io.js';

export const CONFIGURE_HELP = `Usage: smartflow configure [options]

Set up ~/.smartflow/config.yaml (or $SMARTFLOW_CONFIG). Without options an interactive wizard asks
whether to connect to a gateway or call providers directly (and, optionally, the gateway's compliance,
cache and audit settings). With options nothing is asked.

Options:
  --mode gateway|direct        Which mode clients use
  --gateway-url URL            The Smartflow gateway (gateway mode)
  --api-key KEY                The gateway's virtual key (sk-sf-…)
  --provider-key NAME=KEY      A provider key for direct mode, e.g. openai=sk-… (repeatable)
  --provider-url NAME=URL      A provider base URL, e.g. ollama=http://localhost:11434 (repeatable)
  --default-model MODEL        Default model for chat
  --unset KEY                  Remove a setting, e.g. api_key or providers.openai.api_key (repeatable)
  --show                       Print the current settings (keys masked) and exit

Gateway settings (the gateway: section, used by \`smartflow gateway\` and by direct mode):
  --policy NAME                Compliance policy (enterprise_standard, pci_dss_strict, hipaa, gdpr, or a custom one)
  --reversible / --no-reversible         Reversible redaction on / off
  --cache / --no-cache                   Response cache on / off
  --semantic-cache / --no-semantic-cache Semantic cache hits on / off (off = exact match only)
  --store-prompts MODE         What the audit log keeps of prompts: none, redacted or full
  --retention-days N           Keep audit records N days (0 = forever)
  --fallback MODEL=M1,M2       Fallback chain for MODEL (repeatable; MODEL= with nothing removes it)
  --set gateway.KEY=VALUE      Any other gateway setting, e.g. gateway.cache.similarity_threshold=0.92
                               (repeatable; the keys are listed in docs/cli.md)
  -h, --help                   Show this help

Keys written here are stored in a file only you can read (mode 0600). You can instead keep them in the
environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, SMARTFLOW_API_KEY, …) and leave them out of the file.
`;

const SPEC = {
  mode: { value: true },
  'gateway-url': { value: true },
  'api-key': { value: true },
  'provider-key': { value: true, repeat: true },
  'provider-url': { value: true, repeat: true },
  'default-model': { value: true },
  unset: { value: true, repeat: true },
  show: {},
  policy: { value: true },
  reversible: {},
  'no-reversible': {},
  cache: {},
  'no-cache': {},
  'semantic-cache': {},
  'no-semantic-cache': {},
  'store-prompts': { value: true },
  'retention-days': { value: true },
  fallback: { value: true, repeat: true },
  set: { value: true, repeat: true },
  help: { short: 'h' },
} as const;

const PROVIDER_NAME = /^[a-z][a-z0-9_]*$/;
const KEY_WARNING = 'Note: keys are stored in the config file with permissions 0600 (only you can read it). To keep them out of the file, use environment variables instead.';

function nameValue(raw: string, flagName: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0 || eq === raw.length - 1) throw new UsageError(`--${flagName} expects NAME=VALUE, e.g. openai=…`);
  const name = raw.slice(0, eq).trim().toLowerCase();
  if (!PROVIDER_NAME.test(name)) throw new UsageError(`--${flagName}: "${name}" is not a provider name (letters, digits, _)`);
  return [name, raw.slice(eq + 1).trim()];
}

function checkUrl(u: string, what: string): string {
  try {
    const url = new URL(u);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return u.replace(/\/+$/, '');
  } catch {
    throw new UsageError(`${what} must be an http:// or https:// URL, got "${u}"`);
  }
}

export function mask(v: unknown): string {
  const s = String(v ?? '');
  if (!s) return '';
  return s.length <= 8 ? '****' : `${s.slice(0, 4)}…${s.slice(-2)}`;
}

function showConfig(io: CliIo, path: string): number {
  const r = readConfigFile(path);
  if (r.error) {
    io.stderr.write(`${r.error.message}\n`);
    return EXIT.error;
  }
  if (!r.exists) {
    io.stdout.write(`${path} does not exist yet. Run \`smartflow configure\` to create it.\n`);
    return EXIT.ok;
  }
  const c = r.config ?? {};
  io.stdout.write(`${path}\n`);
  io.stdout.write(`  mode:          ${c.mode ?? '(not set: direct unless gateway_url is set)'}\n`);
  if (c.gateway_url) io.stdout.write(`  gateway_url:   ${c.gateway_url}\n`);
  if (c.api_key) io.stdout.write(`  api_key:       ${mask(c.api_key)}\n`);
  if (c.default_model) io.stdout.write(`  default_model: ${c.default_model}\n`);
  for (const [name, s] of Object.entries(c.providers ?? {})) {
    io.stdout.write(`  providers.${name}: ${[s?.api_key ? `api_key ${mask(s.api_key)}` : '', s?.base_url ? `base_url ${s.base_url}` : ''].filter(Boolean).join(', ') || '(empty)'}\n`);
  }
  const flat = (o: unknown, prefix: string): Array<[string, unknown]> =>
    typeof o === 'object' && o !== null && !Array.isArray(o) && !/(fallbacks|custom_policies)$/.test(prefix) ? Object.entries(o).flatMap(([k, v]) => flat(v, `${prefix}.${k}`)) : [[prefix, o]];
  for (const [k, v] of c.gateway ? flat(c.gateway, 'gateway') : []) io.stdout.write(`  ${k}: ${/virtual_keys$/.test(k) && Array.isArray(v) ? `${v.length} key(s)` : JSON.stringify(v)}\n`);
  for (const e of r.gateway?.errors ?? []) io.stderr.write(`warning: ${e.message}\n`);
  return EXIT.ok;
}

/**
 * The gateway: settings the flags ask for, as path → value, each validated with the same rules the
 * gateway applies when it reads the file, so configure never writes a value the gateway would reject.
 */
function gatewayUpdates(args: ReturnType<typeof parseArgs>, path: string): Array<[string[], unknown]> {
  const out: Array<[string[], unknown]> = [];
  const set = (key: string, value: unknown, what: string): void => {
    const r = checkGatewaySetting(key, value);
    if (!r.ok && !(key === 'compliance.policy' && customPolicy(value))) throw new UsageError(`${what}: ${r.message}`);
    out.push([['gateway', ...key.split('.')], r.ok ? r.value : value]);
  };
  // A policy may be a custom one already defined in the file.
  const customPolicy = (name: unknown): boolean => {
    const custom = (readConfigFile(path).config?.gateway as { compliance?: { custom_policies?: Record<string, unknown> } } | undefined)?.compliance?.custom_policies;
    return typeof name === 'string' && policyNames(custom).includes(name);
  };
  const both = (on: string, off: string, key: string): void => {
    if (has(args, on) && has(args, off)) throw new UsageError(`--${on} and --${off} contradict each other`);
    if (has(args, on)) set(key, true, `--${on}`);
    if (has(args, off)) set(key, false, `--${off}`);
  };
  const policy = flag(args, 'policy');
  if (policy !== undefined) set('compliance.policy', policy, '--policy');
  both('reversible', 'no-reversible', 'compliance.reversible');
  both('cache', 'no-cache', 'cache.enabled');
  both('semantic-cache', 'no-semantic-cache', 'cache.semantic');
  const sp = flag(args, 'store-prompts');
  if (sp !== undefined) set('audit.store_prompts', sp, '--store-prompts');
  const rd = flag(args, 'retention-days');
  if (rd !== undefined) set('audit.retention_days', /^\d+$/.test(rd) ? Number(rd) : rd, '--retention-days');
  for (const raw of args.flags.get('fallback') ?? []) {
    const eq = raw.indexOf('=');
    const model = eq > 0 ? raw.slice(0, eq).trim() : '';
    if (!model) throw new UsageError(`--fallback expects MODEL=FALLBACK1,FALLBACK2 (or MODEL= to remove), got "${raw}"`);
    const chain = raw.slice(eq + 1).split(',').map((m) => m.trim()).filter(Boolean);
    const p = ['gateway', 'routing', 'fallbacks', model];
    if (!chain.length) out.push([p, null]);
    else {
      const r = checkGatewaySetting('routing.fallbacks', { [model]: chain });
      if (!r.ok) throw new UsageError(`--fallback: ${r.message}`);
      out.push([p, chain]);
    }
  }
  for (const raw of args.flags.get('set') ?? []) {
    const eq = raw.indexOf('=');
    const key = eq > 0 ? raw.slice(0, eq).trim() : '';
    if (!key.startsWith('gateway.')) throw new UsageError(`--set expects gateway.KEY=VALUE, e.g. gateway.cache.ttl_seconds=3600; got "${raw}"`);
    const text = raw.slice(eq + 1);
    let value: unknown;
    try {
      value = text.trim() === '' ? null : parseYaml(text);
    } catch {
      throw new UsageError(`--set ${key}: "${text}" is not a valid value (write it as in YAML, e.g. [a, b] for a list)`);
    }
    if (value === null) out.push([key.split('.'), null]);
    else set(key.slice('gateway.'.length), value, `--set`);
  }
  return out;
}

/** A readline prompt that can hide what is typed (for keys) when stdin is a terminal. */
class Prompter {
  private readonly rl: Interface;
  private muted = false;
  private readonly lines: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(private readonly io: CliIo) {
    const out = new Writable({
      write: (chunk, _enc, cb) => {
        if (!this.muted) io.stdout.write(chunk);
        cb();
      },
    });
    this.rl = createInterface({ input: io.stdin, output: out, terminal: Boolean(io.stdin.isTTY) });
    // Queue lines ourselves so answers typed (or piped) ahead of a prompt are not lost.
    this.rl.on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(l);
      } else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      this.waiting?.(null);
    });
  }

  async ask(question: string, o: { secret?: boolean; dflt?: string } = {}): Promise<string> {
    const q = `${question}${o.dflt ? ` [${o.dflt}]` : ''}: `;
    this.io.stdout.write(q);
    this.muted = Boolean(o.secret);
    const line = this.lines.length ? this.lines.shift()! : this.ended ? null : await new Promise<string | null>((r) => (this.waiting = r));
    this.muted = false;
    if (o.secret) this.io.stdout.write('\n');
    if (line === null) throw new UsageError('input ended before the wizard finished (pass flags to configure without a terminal)');
    const v = line.trim();
    return v || o.dflt || '';
  }

  close(): void {
    this.rl.close();
  }
}

const WIZARD_PROVIDERS: Array<[string, string, string]> = [
  ['openai', 'OpenAI', 'OPENAI_API_KEY'],
  ['anthropic', 'Anthropic', 'ANTHROPIC_API_KEY'],
  ['gemini', 'Google Gemini', 'GEMINI_API_KEY'],
];

/** Asks until `parse` accepts the answer (it returns undefined for a bad one, with `hint` shown). */
async function askValid<T>(io: CliIo, p: Prompter, q: string, dflt: string, parse: (a: string) => T | undefined, hint: string): Promise<T> {
  for (;;) {
    const v = parse((await p.ask(q, { dflt })).trim().toLowerCase());
    if (v !== undefined) return v;
    io.stdout.write(`${hint}\n`);
  }
}

/** The wizard's gateway questions (the common settings; the rest: --set or the file). */
async function gatewayWizard(io: CliIo, p: Prompter, current: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
  const cur = (current ?? {}) as { compliance?: Record<string, unknown>; cache?: Record<string, unknown>; audit?: Record<string, unknown> };
  const names = policyNames(cur.compliance?.custom_policies as Record<string, unknown> | undefined);
  const out: Record<string, unknown> = {};
  out['gateway.compliance.policy'] = await askValid(io, p, `Compliance policy (${names.join('/')})`, String(cur.compliance?.policy ?? 'enterprise_standard'), (a) => (names.includes(a) ? a : undefined), `Please answer one of: ${names.join(', ')}.`);
  out['gateway.compliance.reversible'] = await askValid(io, p, 'Reversible redaction: restore the originals in the replies you see? (y/n)', cur.compliance?.reversible === true ? 'y' : 'n', (a) => (a.startsWith('y') ? true : a.startsWith('n') ? false : undefined), 'Please answer y or n.');
  const cacheNow = cur.cache?.enabled === false ? 'off' : cur.cache?.semantic === false ? 'exact' : 'on';
  const cache = await askValid(io, p, 'Response cache: on (exact + semantic), exact (exact matches only) or off? (on/exact/off)', cacheNow, (a) => (['on', 'exact', 'off'].includes(a) ? a : undefined), 'Please answer on, exact or off.');
  out['gateway.cache.enabled'] = cache !== 'off';
  if (cache !== 'off') out['gateway.cache.semantic'] = cache === 'on';
  out['gateway.audit.store_prompts'] = await askValid(io, p, 'What should the audit log keep of prompts? (none/redacted/full)', String(cur.audit?.store_prompts ?? 'redacted'), (a) => (['none', 'redacted', 'full'].includes(a) ? a : undefined), 'Please answer none, redacted or full.');
  out['gateway.audit.retention_days'] = await askValid(io, p, 'Keep audit records for how many days? (0 = forever)', String(cur.audit?.retention_days ?? 90), (a) => (/^\d+$/.test(a) && Number(a) <= 36500 ? Number(a) : undefined), 'Please answer a whole number of days (0-36500).');
  return out;
}

async function wizard(io: CliIo, path: string): Promise<Record<string, unknown>> {
  const current = readConfigFile(path);
  if (current.error) throw current.error;
  const cfg = current.config ?? {};
  const p = new Prompter(io);
  try {
    io.stdout.write(`Smartflow setup — writes ${path}\n\n`);
    let mode = '';
    while (mode !== 'gateway' && mode !== 'direct') {
      mode = (await p.ask('Connect to a Smartflow gateway, or call providers directly? (gateway/direct)', { dflt: cfg.mode ?? (cfg.gateway_url ? 'gateway' : 'direct') })).toLowerCase();
      if (mode === 'g') mode = 'gateway';
      if (mode === 'd') mode = 'direct';
      if (mode !== 'gateway' && mode !== 'direct') io.stdout.write('Please answer "gateway" or "direct".\n');
    }
    const updates: Record<string, unknown> = { mode };
    if (mode === 'gateway') {
      let url = '';
      while (!url) {
        const raw = await p.ask('Gateway URL (e.g. http://127.0.0.1:7775)', { dflt: cfg.gateway_url });
        try {
          url = checkUrl(raw, 'The gateway URL');
        } catch (e) {
          io.stdout.write(`${(e as Error).message}\n`);
        }
      }
      updates.gateway_url = url;
      const key = await p.ask(`Virtual key (sk-sf-…)${cfg.api_key ? ', Enter keeps the current one' : ', Enter for none'}`, { secret: true });
      if (key) updates.api_key = key;
    } else {
      io.stdout.write('Provider keys: press Enter to skip a provider (or to use its environment variable).\n');
      for (const [id, label, envName] of WIZARD_PROVIDERS) {
        const have = cfg.providers?.[id]?.api_key ? ' (Enter keeps the saved key)' : io.env[envName] ? ` (Enter uses ${envName} from the environment)` : '';
        const key = await p.ask(`${label} API key${have}`, { secret: true });
        if (key) updates[`providers.${id}.api_key`] = key;
      }
    }
    const model = await p.ask('Default model', { dflt: cfg.default_model ?? 'gpt-4o' });
    updates.default_model = model;
    const more = (await p.ask('Set the gateway\'s compliance, cache and audit settings now? (y/n)', { dflt: 'n' })).toLowerCase();
    if (more.startsWith('y')) Object.assign(updates, await gatewayWizard(io, p, cfg.gateway));
    return updates;
  } finally {
    p.close();
  }
}

export async function configureCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(CONFIGURE_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const path = configFilePath(io.env);
  if (has(args, 'show')) return showConfig(io, path);

  const updates: Record<string, unknown> = {};
  const mode = flag(args, 'mode');
  if (mode !== undefined) {
    if (mode !== 'gateway' && mode !== 'direct') throw new UsageError(`--mode must be "gateway" or "direct", got "${mode}"`);
    updates.mode = mode;
  }
  const url = flag(args, 'gateway-url');
  if (url !== undefined) updates.gateway_url = checkUrl(url, '--gateway-url');
  const apiKey = flag(args, 'api-key');
  if (apiKey !== undefined) updates.api_key = apiKey;
  for (const raw of args.flags.get('provider-key') ?? []) {
    const [name, key] = nameValue(raw, 'provider-key');
    updates[`providers.${name}.api_key`] = key;
  }
  for (const raw of args.flags.get('provider-url') ?? []) {
    const [name, u] = nameValue(raw, 'provider-url');
    updates[`providers.${name}.base_url`] = checkUrl(u, `--provider-url ${name}`);
  }
  const model = flag(args, 'default-model');
  if (model !== undefined) updates.default_model = model;
  for (const k of args.flags.get('unset') ?? []) {
    if (!/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$/i.test(k)) throw new UsageError(`--unset: "${k}" is not a setting name`);
    updates[k] = null;
  }
  const gw = gatewayUpdates(args, path);
  if (updates.mode === 'gateway' && !updates.gateway_url) {
    const cur = readConfigFile(path).config;
    if (!cur?.gateway_url) throw new UsageError('--mode gateway needs --gateway-url (no gateway URL is saved yet)');
  }

  let interactive = false;
  if (!Object.keys(updates).length && !gw.length) {
    if (!io.stdin.isTTY) throw new UsageError('no terminal for the wizard: pass options (e.g. --mode direct --provider-key openai=…) or run it in a terminal');
    interactive = true;
    Object.assign(updates, await wizard(io, path));
  }
  try {
    writeConfigFile(path, [...Object.entries(updates).map(([k, v]): [string[], unknown] => [k.split('.'), v]), ...gw]);
  } catch (e) {
    io.stderr.write(`smartflow configure: ${(e as Error).message}\n`);
    return EXIT.error;
  }
  const wroteKey = Object.keys(updates).some((k) => /(^|\.)api_key$/.test(k) && updates[k] !== null);
  io.stdout.write(`${interactive ? '\n' : ''}Saved ${path}\n`);
  if (wroteKey) io.stderr.write(`${KEY_WARNING}\n`);
  if (interactive) io.stdout.write('Check it with `smartflow status`, then try `smartflow chat "Hello"`.\n');
  return EXIT.ok;
}
