// Issue 13: one case per bullet of "Why" that this branch covers (items 1-4, 7, 8), and a few
// more found on the way. Each shows the error entry or the finding, the exit code, and that no
// raw secret (and, in text, no raw control character) was printed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult, SourceItem } from '../../src/core/types.js';
import { dirSource, type WalkFs } from '../../src/sources/fs.js';
import { raw } from '../analyze/jwt-helpers.js';
import { fakeGithubToken, fakeNpmToken } from '../helpers/fake-tokens.js';
import { leakedSecret } from '../helpers/secrets.js';
import { tmpTree, tmpTrees } from '../helpers/tmp.js';
import { storedZip } from '../helpers/zip.js';
import { RAW_CONTROL, runCli } from './helpers.js';

const NOW = '2026-01-01T00:00:00Z';
const TOKEN = fakeGithubToken('ghp', 'hostile-suite');
const OTHER = fakeNpmToken('hostile-suite');

const { tree, track } = tmpTrees(afterAll);
async function json(args: string[], cwd: string): Promise<{ status: number; stderr: string; stdout: string; report: ScanResult }> {
  const out = await runCli([...args, '--format', 'json', '--now', NOW, '--no-progress'], cwd);
  let report: ScanResult;
  try {
    report = JSON.parse(out.stdout) as ScanResult;
  } catch {
    throw new Error(`not a JSON report (exit ${out.status}): ${out.stderr}`);
  }
  return { ...out, report };
}
function noLeak(out: { stdout: string; stderr: string }, secrets: string[] = [TOKEN, OTHER]): void {
  expect(leakedSecret(out.stdout + out.stderr, secrets)).toBeNull();
}

// ---------------------------------------------------------------------------------------------
describe('1. scans nothing and exits 0 (now: scanned, or an error and exit 2)', () => {
  it('a dir target that is a symlink is followed', async () => {
    const dir = tree({ 'real/app.env': `TOKEN=${TOKEN}\n` });
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    const out = await json(['dir', 'link'], dir);
    expect(out.status).toBe(1);
    expect(out.report.findings.map((f) => [f.location.path, f.ruleId])).toEqual([['app.env', 'github-pat']]);
    noLeak(out);
  });

  it('a folder the enclosing repository git-ignores is scanned when named, and a note says so', async () => {
    const dir = tree({ '.gitignore': 'build/\n*.bak\n', 'build/app.env': `TOKEN=${TOKEN}\n`, 'build/old.bak': `TOKEN=${OTHER}\n` });
    execFileSync('git', ['init', '-q', dir]);
    const out = await json(['dir', 'build'], dir);
    expect(out.status).toBe(1);
    // the ignore file's rules are not applied inside the named folder
    expect(out.report.findings.map((f) => f.location.path).sort()).toEqual(['app.env', 'old.bak']);
    expect(out.report.scan.notes?.some((n) => /build is ignored by \.\.\/\.gitignore: scanned because it was named/.test(n))).toBe(true);
    noLeak(out);
  });

  it('a named file that is git-ignored is scanned', async () => {
    const dir = tree({ '.gitignore': '*.env\n', 'app.env': `TOKEN=${TOKEN}\n` });
    execFileSync('git', ['init', '-q', dir]);
    const out = await json(['dir', 'app.env'], dir);
    expect(out.status).toBe(1);
    expect(out.report.findings).toHaveLength(1);
  });

  it('symlinks inside the tree are not followed but counted; --follow follows them and detects loops', async () => {
    const dir = tree({ 'src/a.txt': 'nothing\n', 'elsewhere/app.env': `TOKEN=${TOKEN}\n` });
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'src/linked'));
    symlinkSync(path.join(dir, 'src'), path.join(dir, 'src/loop'));
    const plain = await json(['dir', 'src'], dir);
    expect(plain.status).toBe(0);
    expect(plain.report.scan.stats.symlinksSkipped).toBe(2);
    const text = await runCli(['dir', 'src', '--no-progress'], dir);
    expect(text.stdout).toMatch(/2 symlinks not followed/);
    const followed = await json(['dir', 'src', '--follow'], dir);
    expect(followed.status).toBe(1);
    expect(followed.report.findings.map((f) => f.location.path)).toEqual(['linked/app.env']);
    expect(followed.report.scan.notes?.some((n) => /loop: symlink loop/.test(n))).toBe(true);
    noLeak(followed);
  });

  it('a target that holds only symlinks: nothing read, an error entry, exit 2', async () => {
    const dir = tree({ 'elsewhere/app.env': `TOKEN=${TOKEN}\n` });
    mkdirSync(path.join(dir, 'only-links'));
    symlinkSync(path.join(dir, 'elsewhere/app.env'), path.join(dir, 'only-links/app.env'));
    const out = await json(['dir', 'only-links'], dir);
    expect(out.status).toBe(2);
    expect(out.report.errors).toEqual([{ target: 'only-links', message: expect.stringMatching(/nothing was read although it is not empty.*1 symlink not followed/) as unknown as string }]);
    expect(out.stderr).toMatch(/could not scan only-links: nothing was read/);
    expect((await json(['dir', 'only-links', '--allow-incomplete'], dir)).status).toBe(0);
  });

  it('a subfolder whose path exceeds PATH_MAX is an error entry (ENAMETOOLONG), exit 2; the rest is scanned', async () => {
    const t = tmpTree({ 'top.env': `TOKEN=${OTHER}\n` });
    const dir = t.dir;
    // rmSync cannot remove what is deeper than PATH_MAX; rm -rf can
    track(() => execFileSync('rm', ['-rf', dir]));
    const seg = 'd'.repeat(200);
    // built with relative, physical cds: no single call sees the whole path
    execFileSync('sh', ['-c', `cd -P "${dir}" && for i in $(seq 1 24); do mkdir ${seg} && cd -P ${seg}; done && echo "TOKEN=${TOKEN}" > deep.env`]);
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(2);
    expect(out.report.errors.length).toBeGreaterThanOrEqual(1);
    expect(out.report.errors[0]?.message).toMatch(/ENAMETOOLONG/);
    expect(out.report.findings.map((f) => f.location.path)).toEqual(['top.env']);
    const text = await runCli(['dir', '.', '--no-progress'], dir);
    expect(text.stdout).toMatch(/^error .*ENAMETOOLONG/m);
    expect(text.stdout).not.toMatch(/^no findings[;,]/m);
    noLeak(out);
  });

  it('a folder that cannot be listed, or a file that turns into a folder after listing, is an error entry (fault injection)', async () => {
    const dir = tree({ 'ok/app.env': `TOKEN=${TOKEN}\n`, 'locked/x.env': 'x\n', 'swapped.env': 'y\n' });
    const failing: WalkFs = {
      readdir: (d) => {
        if (d.endsWith('locked')) throw Object.assign(new Error('EACCES: permission denied, scandir'), { code: 'EACCES' });
        return readdirSync(d, { withFileTypes: true });
      },
      stat: (p) => {
        throw new Error(`unexpected stat ${p}`);
      },
    };
    // swapped.env: listed as a file, then replaced by a folder before it is read
    const items: SourceItem[] = [];
    for await (const item of dirSource([dir], {
      root: dir,
      fs: {
        ...failing,
        readdir: (d) => {
          const entries = failing.readdir(d);
          if (d === dir) {
            execFileSync('sh', ['-c', `rm "${path.join(dir, 'swapped.env')}" && mkdir "${path.join(dir, 'swapped.env')}"`]);
          }
          return entries;
        },
      },
    }))
      items.push(item);
    const errors = items.flatMap((i) => (i.type === 'error' ? [i.error] : []));
    expect(errors.map((e) => e.target).sort()).toEqual(['locked', 'swapped.env']);
    expect(errors.find((e) => e.target === 'locked')?.message).toMatch(/cannot list this folder: .*EACCES/);
    expect(errors.find((e) => e.target === 'swapped.env')?.message).toMatch(/EISDIR/);
    expect(items.some((i) => i.type === 'fragment' && i.fragment.provenance.path === 'ok/app.env')).toBe(true);
  });

  it('a FIFO inside the tree is counted as skipped, never read (it would block)', async () => {
    const dir = tree({ 'app.env': `TOKEN=${TOKEN}\n` });
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(1);
    expect(out.report.scan.stats.specialSkipped).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe('2. prints raw secrets outside the redacted field (now: redacted everywhere)', () => {
  it('a token as a JSON key in a queue message: location.field is redacted', async () => {
    const dir = tree({ 'dump.ndjson': `${JSON.stringify({ queue: 'q', messageId: 'm-1', data: { [TOKEN]: OTHER } })}\n` });
    const out = await json(['queue', 'dump.ndjson'], dir);
    expect(out.status).toBe(1);
    const fields = out.report.findings.map((f) => f.location.field ?? '');
    expect(fields.some((f) => f.startsWith('/data/ghp_…'))).toBe(true);
    noLeak(out);
  });

  it('a token as a RabbitMQ message_id', async () => {
    const dir = tree({ 'r.json': JSON.stringify([{ routing_key: 'q', properties: { message_id: TOKEN }, payload: `Bearer ${OTHER}`, payload_encoding: 'string' }]) });
    for (const format of ['json', 'sarif', 'text']) {
      const out = await runCli(['queue', 'r.json', '--format', format, '--no-progress'], dir);
      expect(out.status).toBe(1);
      noLeak(out);
    }
  });

  it('a token in a CI job and step name, and in a zip entry name', async () => {
    const dir = tree({
      'run.log': `build ${TOKEN}\tpush ${TOKEN}\t2024-05-01T12:00:00.0000000Z push with ${OTHER}\n`,
      'logs.zip': storedZip([{ name: `build/1_${TOKEN}.txt`, data: `2024-05-01T12:00:00.0000000Z push with ${OTHER}\n` }]),
    });
    for (const format of ['json', 'sarif', 'text']) {
      const out = await runCli(['ci-log', 'run.log', 'logs.zip', '--format', format, '--no-progress'], dir);
      expect(out.status).toBe(1);
      noLeak(out);
    }
  });

  it('a token in a JWT header (kid, jku, x5u) and claims, in scans and through the jwt command', async () => {
    const jwt = raw({ alg: 'HS256', kid: TOKEN, jku: `https://k.example/${TOKEN}`, x5u: `https://x.example/${OTHER}` }, { sub: TOKEN, iat: 1767225600, exp: 1767229200 });
    const dir = tree({ 'auth.txt': `Authorization: Bearer ${jwt}\n` });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(1);
    expect(out.report.findings[0]?.jwt?.header['kid']).toMatch(/^ghp_…/);
    noLeak(out, [TOKEN, OTHER, jwt]);
    for (const format of ['json', 'text']) {
      const j = await runCli(['jwt', '--format', format, '--now', NOW], dir, jwt);
      expect(j.status).toBe(0);
      noLeak(j, [TOKEN, OTHER, jwt]);
    }
  });

  it('an allow reason and an error message holding a token are redacted', async () => {
    const dir = tree({
      'app.env': `TOKEN=${TOKEN}\n`,
      'cfg.yaml': `allow:\n  - sha256: "${'ab'.repeat(32)}"\n    reason: "was ${OTHER}"\n`,
      'dump.ndjson': `{"queue":"q","data":{"t":"${OTHER}",}\n`,
    });
    const out = await runCli(['dir', '.', '--config', 'cfg.yaml', '--format', 'text', '--no-progress'], dir);
    expect(out.stderr).toMatch(/allow entry abababababab… \(was npm_…/);
    noLeak(out);
    const q = await runCli(['queue', 'dump.ndjson', '--no-progress'], dir);
    expect(q.status).toBe(2);
    noLeak(q);
  });
});

// ---------------------------------------------------------------------------------------------
describe('3. crashes on content of the scanned tree (now: an error entry, the scan goes on)', () => {
  it('a 50 KB .gitignore line: the line is not applied, an error entry, no stack trace', async () => {
    const dir = tree({ '.gitignore': `${'a*'.repeat(25_000)}\n*.log\n`, 'app.env': `TOKEN=${TOKEN}\n`, 'x.log': `TOKEN=${OTHER}\n` });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(2);
    expect(out.report.errors).toEqual([{ target: '.gitignore', message: expect.stringMatching(/1 line longer than 4096 characters not applied/) as unknown as string }]);
    // the other lines still apply
    expect(out.report.findings.map((f) => f.location.path)).toEqual(['app.env']);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a YAML alias in .tokensprawl.yaml: an error entry that does not echo the alias; the scan goes on', async () => {
    const alias = `x${OTHER}`;
    const dir = tree({ '.tokensprawl.yaml': `a: &${alias} [1]\nignore: *${alias}\n`, 'app.env': `TOKEN=${TOKEN}\n` });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(2);
    expect(out.report.errors).toEqual([{ target: '.tokensprawl.yaml', message: expect.stringMatching(/^not applied: .*YAML aliases/) as unknown as string }]);
    expect(out.report.findings).toHaveLength(1);
    expect(out.stdout + out.stderr).not.toContain(alias);
    noLeak(out);
  });

  it('a billion-laughs config: refused, no blow-up', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const dir = tree({ '.tokensprawl.yaml': `${lines.join('\n')}\n`, 'app.env': `TOKEN=${TOKEN}\n` });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(2);
    expect(out.report.errors[0]?.target).toBe('.tokensprawl.yaml');
    expect(out.report.findings).toHaveLength(1);
  });

  it('an oversized config and a malformed one are error entries too; --config with the same file stops the run with one line', async () => {
    const dir = tree({ '.tokensprawl.yaml': 'failOn: [unclosed\n', 'app.env': `TOKEN=${TOKEN}\n` });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(2);
    expect(out.report.errors[0]?.message).toMatch(/invalid YAML/);
    const trusted = await runCli(['dir', '.', '--config', '.tokensprawl.yaml', '--no-progress'], dir);
    expect(trusted.status).toBe(2);
    expect(trusted.stdout).toBe('');
    expect(trusted.stderr).toMatch(/^tokensprawl: config \.tokensprawl\.yaml: invalid YAML/);
  });
});

// ---------------------------------------------------------------------------------------------
describe("4. the scanned tree's config cannot replace rules, ignore *, or set failOn: none", () => {
  it('disabledRules, ignore "*", failOn none and a long maxLifetime are refused with a note; allow entries apply and are counted', async () => {
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(OTHER).digest('hex');
    const dir = tree({
      '.tokensprawl.yaml': ['disabledRules: [github-pat, npm-token]', 'ignore: ["*", "**", "vendor/"]', 'failOn: none', 'maxLifetime: 30d', 'allow:', `  - sha256: ${sha}`, '    reason: reviewed fixture'].join('\n'),
      'app.env': `TOKEN=${TOKEN}\nNPM=${OTHER}\n`,
      'vendor/x.env': `TOKEN=${fakeGithubToken('ghp', 'vendored')}\n`,
    });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(1);
    expect(out.report.findings.map((f) => [f.location.path, f.ruleId])).toEqual([['app.env', 'github-pat']]);
    const notes = out.report.scan.notes ?? [];
    expect(notes).toContain('config .tokensprawl.yaml (from the scanned tree) applied: 1 allow entry, 1 ignore glob');
    expect(notes.find((n) => /may not lower the gate/.test(n))).toMatch(/disabledRules \(2\), failOn: none, maxLifetime: 30d, ignore entry "\*", ignore entry "\*\*"/);
    expect(notes.some((n) => n.startsWith(`allow entry ${sha.slice(0, 12)}… (reviewed fixture) suppressed 1 finding`))).toBe(true);
    // the user's own --config is trusted: it may ignore everything, and then the scan says it read nothing
    const trusted = await json(['dir', '.', '--config', '.tokensprawl.yaml'], dir);
    expect(trusted.report.findings).toEqual([]);
    expect(trusted.report.errors.map((e) => e.message)).toEqual([expect.stringMatching(/nothing was read although it is not empty/)]);
    expect(trusted.status).toBe(2);
    noLeak(out);
  });
  it('rule folders named by the tree config add rules but cannot replace a built-in one; a bad rule file is an error entry', async () => {
    const replacing = [
      'rules:',
      '  - id: github-pat',
      '    title: replaced',
      '    description: matches nothing',
      '    severity: info',
      "    pattern: 'NEVER-MATCHES-FAKE'",
      "    keywords: ['never-matches-fake']",
      "    examples: ['NEVER-MATCHES-FAKE']",
      "    negativeExamples: ['x']",
    ].join('\n');
    const dir = tree({ '.tokensprawl.yaml': 'rules: [./my-rules]\n', 'my-rules/r.yaml': replacing, 'app.env': `TOKEN=${TOKEN}\n` });
    const out = await json(['dir', '.'], dir);
    expect(out.status).toBe(1);
    expect(out.report.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
    expect(out.report.scan.notes?.some((n) => /may not replace loaded rules; not applied: github-pat/.test(n))).toBe(true);
    const broken = tree({ '.tokensprawl.yaml': 'rules: [./my-rules]\n', 'my-rules/r.yaml': 'rules: [{id: BAD}]\n', 'app.env': `TOKEN=${TOKEN}\n` });
    const bad = await json(['dir', '.'], broken);
    expect(bad.status).toBe(2);
    expect(bad.report.errors.map((e) => e.target)).toEqual(['config rules']);
    expect(bad.report.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('5. filenames and step names write terminal escape sequences (now: escaped)', () => {
  it('ESC, CR, BEL, C1 and U+202E in a file name and a CI step name are escaped in text and on stderr', async () => {
    const evil = 'e\u001b[2J\u001b]0;owned\u0007\r\u009b\u202evil';
    const dir = tree({ [`${evil}.env`]: `TOKEN=${TOKEN}\n`, 'run.log': `build\tstep ${evil}\t2024-05-01T12:00:00.0000000Z push ${OTHER}\n` });
    const out = await runCli(['dir', '.', '--no-progress'], dir);
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('e\\x1b[2J\\x1b]0;owned\\x07\\x0d\\x9b\\u{202e}vil.env');
    expect(out.stdout + out.stderr).not.toMatch(RAW_CONTROL);
    const ci = await runCli(['ci-log', 'run.log', '--no-progress'], dir);
    expect(ci.status).toBe(1);
    expect(ci.stdout).toContain('\\x1b[2J');
    expect(ci.stdout + ci.stderr).not.toMatch(RAW_CONTROL);
    // an unreadable entry with such a name: the error line on stderr is escaped too
    mkdirSync(path.join(dir, `${evil}-dir`));
    execFileSync('mkfifo', [path.join(dir, `${evil}-dir`, 'p')]);
    const named = await runCli(['dir', path.join(`${evil}-dir`, 'p'), '--no-progress'], dir);
    expect(named.status).toBe(2);
    expect(named.stderr).not.toMatch(RAW_CONTROL);
    noLeak(out);
  });
});

// ---------------------------------------------------------------------------------------------
describe('6. stack traces for merge -o and jwt; --jobs 256 (now: one line, exit 2; capped)', () => {
  it('merge -o /nonexistent/x: one line, exit 2, before any work', async () => {
    const dir = tree({ 'a.json': '{}' });
    const out = await runCli(['merge', 'a.json', '-o', '/nonexistent/x'], dir);
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^tokensprawl: -o \/nonexistent\/x: cannot write there/);
  });

  it('merge: a hand-made shard report holding a raw token in a path is redacted on the way out', async () => {
    const dir = tree({ 'app.env': `TOKEN=${OTHER}\n` });
    const shard = await json(['dir', '.'], dir);
    const forged = { ...shard.report, findings: shard.report.findings.map((f) => ({ ...f, location: { ...f.location, path: `x/${TOKEN}.env` } })) };
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify(forged));
    const out = await runCli(['merge', 'a.json'], dir);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('x/ghp_…');
    noLeak(out);
  });

  it('jwt on oversized input: one line, exit 2, no echo', async () => {
    const big = `eyJ${'A'.repeat(1_100_000)}`;
    const out = await runCli(['jwt'], tree({}), big);
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^tokensprawl: jwt: the input is longer than/);
    expect(out.stderr.length).toBeLessThan(200);
  });

  it('--jobs 256 is capped with a note', async () => {
    const dir = tree({ 'a.txt': 'nothing\n' });
    const out = await runCli(['dir', '.', '--jobs', '256', '--no-progress'], dir);
    expect(out.status).toBe(0);
    expect(out.stderr).toMatch(/note: --jobs 256 capped at 2 \(twice the 1 CPUs, at most 16\)/);
  });

  it('-o to a folder that does not exist fails before the scan; a written report leaves no temporary file', async () => {
    const dir = tree({ 'app.env': `TOKEN=${TOKEN}\n` });
    const bad = await runCli(['dir', '.', '-o', 'no/such/dir/r.json', '--no-progress'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tokensprawl: -o .*no\/such\/dir\/r\.json: cannot write there/);
    mkdirSync(path.join(dir, 'out'));
    const good = await runCli(['dir', 'app.env', '-o', 'out/r.json', '--format', 'json', '--no-progress'], dir);
    expect(good.status).toBe(1);
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['r.json']);
    expect((JSON.parse(readFileSync(path.join(dir, 'out/r.json'), 'utf8')) as ScanResult).findings).toHaveLength(1);
  });

  it('an internal failure is one line with exit 2; --debug adds the stack', async () => {
    // a report that is not JSON at all goes through merge's own checks; a directory as baseline
    // makes the read fail deep inside: still one line
    const dir = tree({ 'app.env': `TOKEN=${TOKEN}\n` });
    mkdirSync(path.join(dir, 'base'));
    const out = await runCli(['dir', 'app.env', '--baseline', 'base', '--no-progress'], dir);
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^tokensprawl: /);
    expect(existsSync(path.join(dir, 'base'))).toBe(true);
  });
});
