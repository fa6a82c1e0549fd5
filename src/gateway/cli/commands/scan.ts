/**
 * `smartflow scan <file|->`: compliance scan of a file or stdin. Exit code 0 when clean, 3 when PII or
 * secrets were found (so it can gate a commit hook or CI step), 1 on errors.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readStdin } from '../stdin.js';
import { UsageError, flag, has, parseArgs } from '../args.js';
import { CLIENT_FLAGS, CLIENT_FLAGS_HELP, cliClient, gatewayDownHelp } from '../client.js';
import { EXIT, progress, type CliIo } from '../io.js';

export const SCAN_HELP = `Usage: smartflow scan [options] <file|->

Scan a file (or stdin with -) for PII and secrets with the compliance engine.
Exit code: 0 clean, 3 findings, 1 error, 2 usage.

Options:
  --policy NAME            Policy (default enterprise_standard; also pci_dss_strict, hipaa, gdpr, …)
  --redact                 Print the redacted text to stdout instead of the findings
  --json                   Print the full result as JSON
${CLIENT_FLAGS_HELP}  -h, --help               Show this help
`;

const SPEC = { ...CLIENT_FLAGS, policy: { value: true }, redact: {}, json: {}, help: { short: 'h' } } as const;

interface Finding {
  type: string;
  start: number;
  end: number;
  confidence?: number;
  masked?: string;
  recognizer?: string;
}

/** 1-based line and column of a string offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) {
    line++;
    last = i;
  }
  return { line, col: offset - last };
}

export async function scanCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (has(args, 'help')) {
    io.stdout.write(SCAN_HELP);
    return EXIT.ok;
  }
  if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? 'scan takes one file (or -)' : 'give a file to scan, or - for stdin');
  const src = args.positionals[0];
  let text: string;
  try {
    text = src === '-' ? await readStdin(io) : await readFile(resolve(io.cwd, src), 'utf8');
  } catch (e) {
    io.stderr.write(`smartflow scan: cannot read ${src}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
    return EXIT.error;
  }
  const name = src === '-' ? '<stdin>' : src;
  const client = cliClient(io, args.flags);
  const p = progress(io, `Scanning ${name}`);
  try {
    const r = await client.checkCompliance(text, flag(args, 'policy') ?? 'enterprise_standard');
    p.done();
    const findings = (Array.isArray(r.findings) ? r.findings : []) as Finding[];
    const found = findings.length > 0 || r.has_violations;
    if (has(args, 'json')) io.stdout.write(JSON.stringify({ file: name, ...r }, null, 2) + '\n');
    else if (has(args, 'redact')) io.stdout.write(r.redacted_content ?? text);
    else if (!found) io.stdout.write(`${name}: no PII or secrets found.\n`);
    else {
      io.stdout.write(`${name}: ${findings.length || r.pii_detected.length} finding(s), risk ${r.risk_level}\n`);
      for (const f of [...findings].sort((a, b) => a.start - b.start)) {
        const { line, col } = lineCol(text, f.start);
        io.stdout.write(`  ${name}:${line}:${col}  ${f.type.padEnd(16)} ${f.masked ?? ''}${f.confidence !== undefined ? `  (confidence ${f.confidence.toFixed(2)})` : ''}\n`);
      }
      if (!findings.length) io.stdout.write(`  ${r.pii_detected.join(', ')}\n`);
      for (const rec of r.recommendations) io.stdout.write(`  → ${rec}\n`);
    }
    return found ? EXIT.findings : EXIT.ok;
  } catch (e) {
    p.done();
    io.stderr.write(`smartflow scan: ${(e as Error).message}\n${gatewayDownHelp(client, e) ?? ''}`);
    return EXIT.error;
  } finally {
    await client.close();
  }
}
