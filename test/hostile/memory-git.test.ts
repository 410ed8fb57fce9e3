// Issue 13, item 9 (memory bound), git: HEAD's version of a path with findings is searched as it
// streams from `git cat-file --batch`, never held (a 100 MB blob peaked at 428 MB). The answers
// must stay right whatever the order of observe(), lookup() and the blob's arrival.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headPresence } from '../../src/sources/git.js';
import { fakeGithubToken } from '../helpers/fake-tokens.js';
import { tmpTree } from '../helpers/tmp.js';

describe('HEAD presence of secrets in a big blob, streamed', () => {
  const tokens = [1, 2, 3].map((i) => fakeGithubToken('ghp', `blob-${i}`));
  const gone = fakeGithubToken('ghp', 'blob-gone');
  let t: ReturnType<typeof tmpTree>;
  beforeAll(() => {
    t = tmpTree({});
    const filler = 'filler text of a big generated file, nothing to see here\n';
    // 6 MB: many pipe pieces; the first token sits across a 64 KiB boundary
    const parts = [filler.repeat(1130), `${'x'.repeat(30)}${tokens[0]}\n`, filler.repeat(50_000), `${tokens[1]}\n`, filler.repeat(50_000), tokens[2]];
    writeFileSync(path.join(t.dir, 'big.txt'), parts.join(''));
    const git = (...args: string[]): void => {
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: t.dir, stdio: 'ignore' });
    };
    git('init', '-q');
    git('add', 'big.txt');
    git('commit', '-q', '-m', 'big');
  });
  afterAll(() => t.cleanup());

  it('finds every secret when they are observed while the blob streams and asked for at once', async () => {
    const p = headPresence(t.dir);
    try {
      p.observe('big.txt', tokens[0] as string);
      p.observe('big.txt', tokens[1] as string);
      const answer = p.lookup([{ path: 'big.txt', secrets: [...tokens, gone] }]);
      p.observe('big.txt', tokens[2] as string);
      expect(await answer).toEqual([[true, true, true, false]]);
    } finally {
      p.close();
    }
  });

  it('answers a later lookup with secrets it was never asked about', async () => {
    const p = headPresence(t.dir);
    try {
      p.observe('big.txt', tokens[2] as string);
      expect(await p.lookup([{ path: 'big.txt', secrets: [tokens[2] as string] }])).toEqual([[true]]);
      expect(await p.lookup([{ path: 'big.txt', secrets: [gone, tokens[0] as string] }, { path: 'missing.txt', secrets: [gone] }])).toEqual([[false, true], [false]]);
    } finally {
      p.close();
    }
  });
});
