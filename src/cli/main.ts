// The commander program. Only declarations live here: every action imports its module lazily,
// so `tokensprawl --version` loads nothing heavy.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { describeError, UsageError } from '../core/errors.js';
import { processIo, safeStderr, setOutputRedactor, type Io } from './io.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const INFORMATION_URI = 'https://github.com/tokensprawl/tokensprawl';

const SEVERITY_CHOICES = ['info', 'low', 'medium', 'high', 'critical', 'none'];
const PRECISION_CHOICES = ['very-high', 'high', 'medium', 'low'];

/** Entry used by bin/: returns the exit code. */
export async function main(argv: string[], io?: Io): Promise<number> {
  return run(argv, io ?? (await processIo()));
}

/**
 * One error path: whatever fails ends as `tokensprawl: <what>: <why>` on stderr and exit 2,
 * with a stack trace only under --debug. Everything written to stderr is redacted and has its
 * control characters escaped (sanitizeStderr).
 */
export async function run(argv: string[], rawIo: Io): Promise<number> {
  setOutputRedactor(undefined);
  const io: Io = { ...rawIo, stderr: safeStderr(rawIo) };
  const debug = argv.includes('--debug');
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    // Library messages name files by absolute path; here they read relative to the user.
    const relative = (m: string) => m.split(`${io.cwd}/`).join('');
    if (err instanceof UsageError) io.stderr(`tokensprawl: ${relative(err.message)}\n`);
    else io.stderr(`tokensprawl: internal error: ${relative(describeError(err)).split('\n', 1)[0] ?? ''}${debug ? '' : ' (--debug shows where)'}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr(`${relative(err.stack)}\n`);
    return 2;
  } finally {
    setOutputRedactor(undefined);
  }
}

function collect(value: string, prior: string[]): string[] {
  return [...prior, value];
}

/** Options shared by the scanning commands (SPEC "Options shared by the scanning commands"). */
function scanOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'sarif', 'github', 'html']).default('text'))
    .option('-o, --output <file>', 'write the report there instead of stdout')
    .option('--summary <file>', 'also append a Markdown summary there (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--rules <dir|file>', 'load rules from this directory or file too: YAML, or gitleaks TOML (.toml); repeatable', collect, [])
    .option('--no-builtin-rules', 'only the --rules directories')
    .option('--config <file>', 'configuration file (default: .tokensprawl.yaml in the scanned root)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above it (default: low)').choices(SEVERITY_CHOICES))
    .option('--baseline <report.json>', 'drop findings whose id appears in that earlier JSON report')
    .option('--now <iso>', 'the instant against which expiry is judged (default: now)')
    .option('--max-lifetime <duration>', 'longest acceptable JWT lifetime, e.g. 15m, 1h, 30d (default 1h)')
    .option('--jwks <file>', 'verify JWT signatures offline against this JWK Set')
    .option('--jobs <n>', 'threads that detect, this one included (default: number of CPUs)')
    .option('--shard <k/n>', 'scan only shard k of n (1-based)')
    .option('--progress', 'progress on stderr (default: only when stderr is a TTY)')
    .option('--no-progress', 'no progress output')
    .option('--allow-incomplete', 'exit as if complete (0 or 1) even when something could not be scanned (default: exit 2)')
    .addOption(new Option('--fail-on-errors', 'deprecated, does nothing: a scan with errors exits 2 unless --allow-incomplete').hideHelp())
    .option('--no-repo-config', 'ignore a .tokensprawl.yaml found in the scanned tree (for untrusted pull requests)')
    .option('--debug', 'stack traces for internal errors')
    .option('--show-suppressed', 'keep suppressed findings in the report, marked as such (baseline, allow, inline, placeholder: with the reason)')
    .addOption(new Option('--min-precision <level>', 'only run rules of at least this precision (default: low = every rule; generic rules are medium)').choices(PRECISION_CHOICES))
    .option('--sarif-category <category>', 'SARIF automationDetails.id (one analysis per category)');
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('tokensprawl')
    .description('Find bearer tokens where they leak, and judge every JWT.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError()
    .enablePositionalOptions()
    // Accepted before the command too (`tokensprawl --no-progress dir`), so scripts can pass it everywhere.
    .option('--no-progress', 'no progress output')
    .option('--debug', 'stack traces for internal errors')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText(
      'after',
      [
        '',
        'Exit codes of the scanning commands:',
        '  0  nothing at or above --fail-on, and everything was read',
        '  1  findings at or above --fail-on, and everything was read',
        '  2  something could not be read or parsed (listed under errors; --allow-incomplete exits 0/1 instead),',
        '     or a usage, config or rules error, a missing target, an unwritable -o, an internal error',
      ].join('\n'),
    );

  const scanAction = (command: 'dir' | 'git' | 'ci-log' | 'queue' | 'stdin') =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      const { runScanCommand } = await import('./scan-command.js');
      const opts = cmd.opts();
      if (program.opts()['progress'] === false) opts['progress'] = false;
      setExit(await runScanCommand(command, cmd.processedArgs as unknown[], opts, io));
    };

  scanOptions(
    program
      .command('dir')
      .argument('[paths...]', 'files and folders', ['.'])
      .description('scan files and folders (default "."); honours .gitignore inside them; named paths are scanned even when ignored, and followed when symlinks')
      .option('--follow', 'follow symlinks inside the tree (loops are detected); by default they are counted as skipped'),
  )
    .action(scanAction('dir'));
  scanOptions(
    program
      .command('git')
      .argument('[repo]', 'repository', '.')
      .description('scan the git history of a repository, every ref')
      .option('--since <rev>', 'only commits not reachable from rev, e.g. origin/main')
      .option('--staged', 'only what is staged (the pre-commit case)')
      .option('--max-commits <n>', 'scan at most n commits'),
  ).action(scanAction('git'));
  scanOptions(program.command('ci-log').argument('<paths...>', 'log files, folders or GitHub Actions log .zip archives').description('scan CI logs'))
    .action(scanAction('ci-log'));
  scanOptions(
    program
      .command('queue')
      .argument('<paths...>', 'dump files')
      .description('scan message-queue exports: Kafka, RabbitMQ, SQS, NDJSON')
      .addOption(new Option('--queue-format <format>', 'dump format').choices(['auto', 'kafka', 'rabbitmq', 'sqs', 'ndjson']).default('auto')),
  ).action(scanAction('queue'));
  scanOptions(program.command('stdin').description('scan standard input').option('--stdin-name <name>', 'path to report for standard input', '-'))
    .action(scanAction('stdin'));

  program
    .command('jwt')
    .argument('[token]', 'the token (read from stdin when omitted)')
    .description('decode and judge one token')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--now <iso>', 'the instant against which expiry is judged')
    .option('--max-lifetime <duration>', 'longest acceptable lifetime (default 1h)')
    .option('--jwks <file>', 'verify the signature offline against this JWK Set')
    .option('--no-progress', 'accepted for scripts; nothing runs long')
    .option('--debug', 'stack traces for internal errors')
    .action(async (token: string | undefined, opts: Record<string, unknown>) => {
      const { runJwtCommand } = await import('./jwt-command.js');
      setExit(await runJwtCommand(token, opts, io));
    });

  const rules = program.command('rules').description('inspect the loaded rules').option('--no-progress', 'accepted for scripts; nothing runs long');
  for (const [name, description] of [
    ['list', 'the loaded rules, one a line'],
    ['test', "check every rule against its own examples; non-zero on failure"],
  ] as const) {
    rules
      .command(name)
      .description(description)
      .option('--rules <dir|file>', 'load rules from this directory or file too: YAML, or gitleaks TOML (.toml); repeatable', collect, [])
      .option('--no-builtin-rules', 'only the --rules directories')
      .option('--no-progress', 'accepted for scripts; nothing runs long')
      .option('--debug', 'stack traces for internal errors')
      .action(async (opts: Record<string, unknown>) => {
        const { runRulesCommand } = await import('./rules-command.js');
        setExit(await runRulesCommand(name, opts, io));
      });
  }

  program
    .command('merge')
    .argument('<reports...>', 'JSON or SARIF reports of shards')
    .description('merge JSON or SARIF reports of shards into one')
    .addOption(new Option('--format <format>', 'output format (default: that of the inputs)').choices(['json', 'sarif']))
    .option('-o, --output <file>', 'write the merged report there instead of stdout')
    .option('--no-progress', 'accepted for scripts; nothing runs long')
    .option('--debug', 'stack traces for internal errors')
    .action(async (reports: string[], opts: Record<string, unknown>) => {
      const { runMergeCommand } = await import('./merge-command.js');
      setExit(await runMergeCommand(reports, opts, io));
    });

  return program;
}
