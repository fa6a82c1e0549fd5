/** Reads all of stdin as UTF-8 (for `-` arguments). */
import type { CliIo } from './io.js';

export async function readStdin(io: CliIo): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of io.stdin) parts.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(parts).toString('utf8');
}
