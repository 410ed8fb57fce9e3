// The parallel path (worker pool, batches, in-order results) must give exactly what the
// single-thread path gives. Workers run the built code, so this uses dist/.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScanResult, Source } from '../src/core/types.js';
import type { DetectPool } from '../src/detect/pool.js';
import type { Rule } from '../src/rules/types.js';
import type { ScanOptions } from '../src/scan.js';
import { ROOT } from './helpers/cli.js';
import { fakeGithubToken, fakeNpmToken } from './helpers/fake-tokens.js';

interface Built {
  scan: (source: Source, opts: ScanOptions) => Promise<ScanResult>;
  loadRules: (o: { builtin: boolean; dirs: string[] }) => Promise<Rule[]>;
  createDetectPool: (rules: readonly Rule[], size: number) => Promise<DetectPool>;
  dirSource: (paths: string[], o: { root: string }) => Source;
  ciLogSource: (paths: string[], o: { cwd: string }) => Source;
}
async function built(): Promise<Built> {
  const dist = (p: string) => import(path.join(ROOT, 'dist', p)) as Promise<Record<string, unknown>>;
  const [scan, load, pool, fs, ci] = await Promise.all([dist('scan.js'), dist('rules/load.js'), dist('detect/pool.js'), dist('sources/fs.js'), dist('sources/ci-log.js')]);
  return { ...scan, ...load, ...pool, ...fs, ...ci } as unknown as Built;
}

/** The built modules, the built-in rules and scan options for `command`. */
async function setup(command: ScanOptions['command']): Promise<{ b: Built; rules: Rule[]; base: ScanOptions }> {
  const b = await built();
  const rules = await b.loadRules({ builtin: true, dirs: [] });
  return { b, rules, base: { command, targets: ['x'], rules, version: 't', now: new Date('2026-01-01T00:00:00Z'), maxLifetimeSeconds: 3600 } };
}

describe('parallel detection', () => {
  it('gives the same findings, in the same order, as one thread (dir and ci-log, small batches)', async () => {
    const { b, rules, base } = await setup('dir');
    const demo = path.join(ROOT, 'fixtures/demo-service');
    const sources = (): Source[] => [b.dirSource([demo], { root: demo }), b.ciLogSource(['fixtures/ci-log'], { cwd: ROOT })];
    const pool = await b.createDetectPool(rules, 3);
    try {
      for (const [i, source] of sources().entries()) {
        const command = i === 0 ? 'dir' : 'ci-log';
        const one = await b.scan(source, { ...base, command });
        const again = sources()[i];
        if (!again) throw new Error('no source');
        let handed = 0;
        const detectBatch: ScanOptions['detectBatch'] = (fragments) => {
          handed += fragments.length;
          return pool.detectBatch(fragments);
        };
        const many = await b.scan(again, { ...base, command, detectBatch, parallelAfter: 0, maxInflightSize: 1 });
        expect(handed).toBeGreaterThan(0);
        expect(one.findings.length).toBeGreaterThan(5);
        expect(JSON.stringify(many.findings)).toBe(JSON.stringify(one.findings));
        expect(many.scan.stats).toEqual(one.scan.stats);
      }
    } finally {
      await pool.close();
    }
  });

  it('splits the work between this thread and the workers when they have enough queued, with the same result', async () => {
    const { b, rules, base } = await setup('dir');
    // 3,000 small fragments: batches flush every 512, and with at most one batch in flight this
    // thread must take the rest.
    async function* many(): AsyncGenerator<import('../src/core/types.js').SourceItem> {
      for (let i = 0; i < 3000; i++) {
        const token = i % 2 === 0 ? fakeGithubToken('ghp', `split-${i}`) : fakeNpmToken(`split-${i}`);
        const text = `line one\nexport TOKEN=${i % 7 === 0 ? token : 'none'}\n`;
        yield { type: 'stat', files: 1, bytes: text.length };
        yield { type: 'fragment', fragment: { text, provenance: { kind: 'dir', path: `f${i}.env` }, line: 1, column: 1 } };
      }
    }
    const pool = await b.createDetectPool(rules, 1);
    try {
      const one = await b.scan(many(), base);
      let handed = 0;
      const detectBatch: ScanOptions['detectBatch'] = (fragments) => {
        handed += fragments.length;
        return pool.detectBatch(fragments);
      };
      const split = await b.scan(many(), { ...base, detectBatch, parallelAfter: 0, maxInflightSize: 1 });
      expect(one.findings.length).toBe(Math.ceil(3000 / 7));
      expect(handed).toBeGreaterThan(0);
      expect(handed).toBeLessThan(3000);
      expect(JSON.stringify(split.findings)).toBe(JSON.stringify(one.findings));
      expect(split.scan.stats).toEqual(one.scan.stats);
    } finally {
      await pool.close();
    }
  });

  it('history: a secret a commit adds twice to one file is reported at its first line, in whatever order the threads return', async () => {
    const { b, base } = await setup('git');
    const token = fakeGithubToken('ghp', 'twice-in-one-commit');
    const provenance = { kind: 'git' as const, path: 'big.txt', commit: 'c'.repeat(40), author: 'A <a@example.com>', date: '2026-01-01T00:00:00.000Z' };
    // The later place arrives first, as when this thread detects it while a worker still has the earlier one.
    async function* source(): AsyncGenerator<import('../src/core/types.js').SourceItem> {
      yield { type: 'fragment', fragment: { text: `T=${token}\n`, provenance, line: 110_001, column: 1 } };
      yield { type: 'fragment', fragment: { text: `T=${token}\n`, provenance, line: 90_001, column: 1 } };
      yield { type: 'stat', commits: 1, bytes: 100 };
    }
    const r = await b.scan(source(), base);
    expect(r.findings.map((f) => f.location.line)).toEqual([90_001]);
  });
});

describe('parallel detection with user and imported rules', () => {
  it('workers load the linear-time engine and find what this thread finds', async () => {
    const b = await built();
    const { tmpTree } = await import('./helpers/tmp.js');
    const t = tmpTree({
      'team.toml': '[[rules]]\nid = "team-key"\nregex = \'\'\'(?i)team_key\\s*=\\s*([[:alnum:]]{20})\'\'\'\nkeywords = ["team_key"]\n',
    });
    try {
      const rules = await b.loadRules({ builtin: true, dirs: [path.join(t.dir, 'team.toml')] });
      const base: ScanOptions = { command: 'dir', targets: ['x'], rules, version: 't', now: new Date('2026-01-01T00:00:00Z'), maxLifetimeSeconds: 3600 };
      async function* frags(): AsyncGenerator<import('../src/core/types.js').SourceItem> {
        for (let i = 0; i < 40; i++) {
          const text = `TEAM_KEY = Qz8Wm3Kp9Lx2Vb7NtR${String(i).padStart(2, '0')}\nGITHUB=${fakeGithubToken('ghp', `team-${i}`)}\n`;
          yield { type: 'fragment', fragment: { text, provenance: { kind: 'dir', path: `f${i}.env` }, line: 1, column: 1 } };
        }
      }
      const one = await b.scan(frags(), base);
      const pool = await b.createDetectPool(rules, 1);
      try {
        const many = await b.scan(frags(), { ...base, detectBatch: (f) => pool.detectBatch(f), parallelAfter: 0, maxInflightSize: 1 });
        expect(one.findings.filter((f) => f.ruleId === 'team-key')).toHaveLength(40);
        expect(JSON.stringify(many.findings)).toBe(JSON.stringify(one.findings));
      } finally {
        await pool.close();
      }
    } finally {
      t.cleanup();
    }
  });
});
