// The commander program. Only declarations live here: every action imports its module lazily,
// so `tokensprawl --version` loads nothing heavy.
import { Command, CommanderError, Option } from 'commander';
import { EXIT, toExit } from '../core/errors.js';
import { FAIL_ON_CHOICES } from '../core/severity.js';
import type { ScanCommand } from '../core/types.js';
import { PRECISIONS } from '../rules/precision.js';
import { SOURCES } from '../sources/registry.js';
import type { SourceFlag } from '../sources/source.js';
import { processIo, safeStderr, setOutputRedactor, type Io } from './io.js';
import { VERSION } from './version.js';

const SEVERITY_CHOICES = [...FAIL_ON_CHOICES];
const PRECISION_CHOICES = [...PRECISIONS].reverse();

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
      return err.exitCode === 0 ? EXIT.clean : EXIT.error;
    }
    // Library messages name files by absolute path; here they read relative to the user.
    const { exitCode: code, text } = toExit(err, { debug, cwd: io.cwd });
    io.stderr(text);
    return code;
  } finally {
    setOutputRedactor(undefined);
  }
}

/**
 * The CLI in process, its output captured: what tests (and embedders) call instead of spawning
 * the binary. `io` defaults to no input, no TTY, no colour, this process's working directory.
 */
export async function runCaptured(argv: string[], io: Partial<Omit<Io, 'stdout' | 'stderr'>> & { cwd: string }): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const exitCode = await run(argv, {
    stdin: async function* () {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: '1' },
    cpus: 1,
    ...io,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { exitCode, stdout, stderr };
}

function collect(value: string, prior: string[]): string[] {
  return [...prior, value];
}

/** Where the rules come from, for the commands that do not scan (rules list/test, merge): as for a scan of the working directory. */
function ruleSourceOptions(cmd: Command): Command {
  return cmd
    .option('--rules <dir|file>', 'load rules from this directory or file too: YAML, or gitleaks TOML (.toml); repeatable', collect, [])
    .option('--no-builtin-rules', 'only the --rules directories')
    .option('--config <file>', 'configuration file (default: .tokensprawl.yaml in the working directory)')
    .option('--no-repo-config', 'ignore a .tokensprawl.yaml in the working directory');
}

function sourceOption(o: SourceFlag): Option {
  const opt = new Option(o.flags, o.description);
  if (o.choices) opt.choices(o.choices);
  if (o.default !== undefined) opt.default(o.default);
  return opt;
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
    .option('--policy <file>', "policies (YAML or JSON with a policies: list), in addition to the config's; repeatable", collect, [])
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

  const scanAction = (command: ScanCommand) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      const { runScanCommand } = await import('./scan-command.js');
      const opts = cmd.opts();
      if (program.opts()['progress'] === false) opts['progress'] = false;
      setExit(await runScanCommand(command, cmd.processedArgs as unknown[], opts, io));
    };

  // One command per source of the registry, with the source's own options.
  for (const def of SOURCES) {
    const cmd = program.command(def.kind).description(def.description);
    if (def.argument) cmd.argument(def.argument.name, def.argument.description, def.argument.default);
    for (const o of def.options) cmd.addOption(sourceOption(o));
    scanOptions(cmd).action(scanAction(def.kind));
  }
  // `scan`: any mix of sources in one run; every source's own options apply to its targets.
  const multi = program.command('scan').description('scan any mix of sources in one run: each flag repeatable, e.g. scan --dir . --git . --ci-log logs/ --queue dump.jsonl');
  for (const def of SOURCES) {
    if (def.scanFlag.flags.includes('<')) multi.option(def.scanFlag.flags, def.scanFlag.description, (v: string, prior: string[] | undefined) => [...(prior ?? []), v]);
    else multi.option(def.scanFlag.flags, def.scanFlag.description);
  }
  for (const def of SOURCES) for (const o of def.options) multi.addOption(sourceOption(o));
  scanOptions(multi).action(scanAction('scan'));

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
    ruleSourceOptions(rules.command(name).description(description))
      .option('--no-progress', 'accepted for scripts; nothing runs long')
      .option('--debug', 'stack traces for internal errors')
      .action(async (opts: Record<string, unknown>) => {
        const { runRulesCommand } = await import('./rules-command.js');
        setExit(await runRulesCommand(name, opts, io));
      });
  }

  // --- policy (src/policy; issue 14) ---
  program
    .command('policy')
    .description('policies as code (CEL)')
    .option('--no-progress', 'accepted for scripts; nothing runs long')
    .command('test')
    .argument('<file>', 'a policy file (YAML or JSON with a policies: list)')
    .description('check every policy of the file against its own examples and negativeExamples; non-zero on failure')
    .option('--no-progress', 'accepted for scripts; nothing runs long')
    .option('--debug', 'stack traces for internal errors')
    .action(async (file: string) => {
      const { runPolicyTestCommand } = await import('./policy-command.js');
      setExit(await runPolicyTestCommand(file, io));
    });
  // --- end policy ---

  ruleSourceOptions(
    program
      .command('merge')
      .argument('<reports...>', 'JSON or SARIF reports of shards')
      .description('merge JSON or SARIF reports of shards into one'),
  )
    .addOption(new Option('--format <format>', 'output format (default: that of the inputs; html from JSON inputs)').choices(['json', 'sarif', 'html']))
    .addOption(new Option('--fail-on <severity>', 'the gate the html report shows (default low)').choices(FAIL_ON_CHOICES))
    .option('-o, --output <file>', 'write the merged report there instead of stdout')
    .option('--no-progress', 'accepted for scripts; nothing runs long')
    .option('--debug', 'stack traces for internal errors')
    .action(async (reports: string[], opts: Record<string, unknown>) => {
      const { runMergeCommand } = await import('./merge-command.js');
      setExit(await runMergeCommand(reports, opts, io));
    });

  return program;
}
