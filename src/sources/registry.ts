// Every source tokensprawl reads, in the order `--help` lists them: what the CLI shows of each
// (command, flags, progress unit) and how to open it. A source's code is imported only when it
// is opened, so `--help`, `--version` and a pre-commit run load none of the others (zip, HAR
// and queue readers pull in streams and decoders a `git --staged` run never needs).
import type { SourceKind } from '../core/types.js';
import type { QueueFormat } from './queue-message.js';
import type { SourceDefinition } from './source.js';

const QUEUE_FORMATS: readonly QueueFormat[] = ['auto', 'kafka', 'rabbitmq', 'sqs', 'ndjson'];

/** `tokensprawl dir [paths...]` and `scan --dir P`. */
const dir: SourceDefinition = {
  kind: 'dir',
  description: 'scan files and folders (default "."); honours .gitignore inside them; named paths are scanned even when ignored, and followed when symlinks',
  argument: { name: '[paths...]', description: 'files and folders', default: ['.'] },
  scanFlag: { flags: '--dir <path>', description: 'a file or folder (repeatable)' },
  options: [{ flags: '--follow', description: 'follow symlinks inside the tree (loops are detected); by default they are counted as skipped' }],
  checkEmptyRead: true,
  progressUnit: 'files',
  defaultJobs: (cpus) => cpus,
  open: async (targets, ctx) => (await import('./fs.js')).openDir(targets, ctx),
};

/** `tokensprawl git [repo]` and `scan --git R`. */
const git: SourceDefinition = {
  kind: 'git',
  description: 'scan the git history of a repository, every ref',
  argument: { name: '[repo]', description: 'repository', default: ['.'] },
  scanFlag: { flags: '--git <repo>', description: 'a git repository: its whole history (repeatable)' },
  options: [
    { flags: '--since <rev>', description: 'only commits not reachable from rev, e.g. origin/main' },
    { flags: '--staged', description: 'only what is staged (the pre-commit case)' },
    { flags: '--max-commits <n>', description: 'scan at most n commits' },
  ],
  checkEmptyRead: false,
  progressUnit: 'commits',
  // git itself keeps a core busy producing the history
  defaultJobs: (cpus) => Math.max(1, cpus - 1),
  open: async (targets, ctx) => (await import('./git.js')).openGit(targets, ctx),
};

/** `tokensprawl ci-log <paths...>` and `scan --ci-log P`. */
const ciLog: SourceDefinition = {
  kind: 'ci-log',
  description: 'scan CI logs',
  argument: { name: '<paths...>', description: 'log files, folders or GitHub Actions log .zip archives' },
  scanFlag: { flags: '--ci-log <path>', description: 'a CI log file, folder or run-log .zip (repeatable)' },
  options: [],
  checkEmptyRead: true,
  progressUnit: 'files',
  defaultJobs: (cpus) => cpus,
  open: async (targets, ctx) => (await import('./ci-log.js')).openCiLog(targets, ctx),
};

/** `tokensprawl queue <paths...>` and `scan --queue P`. */
const queue: SourceDefinition = {
  kind: 'queue',
  description: 'scan message-queue exports: Kafka, RabbitMQ, SQS, NDJSON',
  argument: { name: '<paths...>', description: 'dump files' },
  scanFlag: { flags: '--queue <path>', description: 'a message-queue dump (repeatable)' },
  options: [{ flags: '--queue-format <format>', description: 'dump format', choices: QUEUE_FORMATS, default: 'auto' }],
  checkEmptyRead: true,
  progressUnit: 'messages',
  // A queue dump is parsed on the main thread into many small fields: handing them to workers
  // costs more than detecting them (measured: 50 MB of kcat JSON lines, 1.84 s on one thread,
  // 2.21 s with two workers).
  defaultJobs: () => 1,
  open: async (targets, ctx) => (await import('./queue.js')).openQueue(targets, ctx),
};

/** `tokensprawl har <paths...>` and `scan --har P`. */
const har: SourceDefinition = {
  kind: 'har',
  description: 'scan HAR exports of browser dev tools and proxies: every header, cookie, query string, posted body and response body',
  argument: { name: '<paths...>', description: 'HAR files ("-" reads standard input)' },
  scanFlag: { flags: '--har <path>', description: 'a HAR export (repeatable)' },
  options: [],
  checkEmptyRead: true,
  progressUnit: 'files',
  defaultJobs: (cpus) => cpus,
  open: async (targets, ctx) => (await import('./har.js')).openHar(targets, ctx),
};

/** `tokensprawl stdin` and `scan --stdin`. */
const stdin: SourceDefinition = {
  kind: 'stdin',
  description: 'scan standard input',
  scanFlag: { flags: '--stdin', description: 'standard input' },
  options: [{ flags: '--stdin-name <name>', description: 'path to report for standard input', default: '-' }],
  checkEmptyRead: false,
  progressUnit: 'files',
  defaultJobs: (cpus) => cpus,
  open: async (targets, ctx) => (await import('./stdin.js')).openStdin(targets, ctx),
};

export const SOURCES: readonly SourceDefinition[] = [dir, git, ciLog, queue, har, stdin];

export function sourceDefinition(kind: SourceKind): SourceDefinition {
  const found = SOURCES.find((s) => s.kind === kind);
  if (!found) throw new Error(`no source "${kind}" in the registry`);
  return found;
}
