/**
 * The CLI's small argument parser: each command declares its flags (boolean or valued, repeatable or
 * not); anything else is a usage error (exit code 2) naming the flag, so typos never pass silently.
 */

export interface FlagSpec {
  /** Takes a value (`--port 7775` or `--port=7775`). Otherwise boolean. */
  value?: boolean;
  /** May be given more than once (values collected in order). */
  repeat?: boolean;
  /** One-letter alias, e.g. `n` for `-n`. */
  short?: string;
}

export interface ParsedArgs {
  flags: Map<string, string[]>;
  positionals: string[];
}

/** Thrown for bad command lines; main() prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      inline = eq === -1 ? undefined : a.slice(eq + 1);
    } else {
      const long = byShort.get(a.slice(1));
      if (!long) throw new UsageError(`unknown option ${a}`);
      name = long;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    let val: string;
    if (s.value) {
      if (inline !== undefined) val = inline;
      else {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`--${name} needs a value`);
        val = next;
        i++;
      }
    } else {
      if (inline !== undefined) throw new UsageError(`--${name} does not take a value`);
      val = 'true';
    }
    const list = flags.get(name) ?? [];
    if (list.length && !s.repeat) throw new UsageError(`--${name} given more than once`);
    list.push(val);
    flags.set(name, list);
  }
  return { flags, positionals };
}

export function flag(p: ParsedArgs, name: string): string | undefined {
  return p.flags.get(name)?.[0];
}

export function has(p: ParsedArgs, name: string): boolean {
  return p.flags.has(name);
}

export function intFlag(p: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = flag(p, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
