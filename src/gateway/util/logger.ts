/**
 * Loggers for the gateway core: a silent one (tests, libraries) and a leveled stderr one (CLI). Fields are
 * printed as JSON; callers never pass secrets (keys, tokens, prompts) as fields.
 */
import type { Logger } from '../types.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export function createStderrLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS[level];
  const log = (lv: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lv] < min) return;
    const f = fields && Object.keys(fields).length ? ' ' + safeJson(fields) : '';
    write(`${new Date().toISOString()} ${lv.toUpperCase()} ${msg}${f}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return '[unserialisable]';
  }
}
