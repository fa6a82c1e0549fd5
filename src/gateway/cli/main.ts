/**
 * The `smartflow` command: dispatches to one module per sub-command and turns failures into exit codes
 * (0 ok, 1 error, 2 usage, 3 compliance findings from `scan`). bin/smartflow.js calls main() from the
 * esbuild bundle dist/cli.js.
 */
import { UsageError } from './args.js';
import { EXIT, processIo, type CliIo } from './io.js';

type Command = (argv: string[], io: CliIo) => Promise<number>;

interface CommandEntry {
  summary: string;
  run: Command;
}

// Commands load on demand so `smartflow --help` (and the light commands) start fast.
const lazy = (load: () => Promise<Command>): Command => async (argv, io) => (await load())(argv, io);

const COMMANDS: Record<string, CommandEntry> = {
  gateway: { summary: 'Run the gateway (OpenAI-compatible API on 127.0.0.1:7775)', run: lazy(async () => (await import('./commands/gateway.js')).gatewayCommand) },
  configure: { summary: 'Set up ~/.smartflow/config.yaml (wizard, or --mode/--gateway-url/… flags)', run: lazy(async () => (await import('./commands/configure.js')).configureCommand) },
  status: { summary: 'Show the mode, connectivity per provider or gateway, and cache stats', run: lazy(async () => (await import('./commands/status.js')).statusCommand) },
  chat: { summary: 'Send a message and stream the reply', run: lazy(async () => (await import('./commands/chat.js')).chatCommand) },
  logs: { summary: 'Show audit log records (filters, --json)', run: lazy(async () => (await import('./commands/logs.js')).logsCommand) },
  scan: { summary: 'Scan a file (or - for stdin) for PII and secrets (exit 3 when found)', run: lazy(async () => (await import('./commands/scan.js')).scanCommand) },
};

export const MAIN_HELP = `Usage: smartflow <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`smartflow <command> --help\` for a command's options.
Exit codes: 0 ok, 1 error, 2 usage error, 3 scan found PII/secrets.
`;

/** Runs one CLI invocation and returns its exit code. `io` defaults to the real process. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr).write(MAIN_HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('smartflow 0.1.0\n');
    return EXIT.ok;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.stderr.write(`smartflow: unknown command "${name}".\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`smartflow ${name}: ${e.message}\nRun \`smartflow ${name} --help\` for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`smartflow ${name}: ${(e as Error)?.message ?? String(e)}\n`);
    return EXIT.error;
  }
}
