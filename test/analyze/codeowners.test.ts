import { describe, expect, it } from 'vitest';
import { compilePattern, MAX_CODEOWNERS_BYTES, parseCodeowners } from '../../src/analyze/codeowners.js';

const names = (co: ReturnType<typeof parseCodeowners>, path: string) => co.ownersOf(path).map((o) => o.name);

describe('CODEOWNERS, GitHub syntax', () => {
  const co = parseCodeowners(
    [
      '# default owners',
      '*       @acme/everyone',
      '*.env   @acme/secops ops@example.com',
      '/config/ @acme/platform',
      'docs/*  @doc-writer',
      'apps/   @acme/apps',
      '/build/logs/ ',
      'file\\ with\\ space.txt @spacey',
      '\\#hash.txt @hashy   # a comment after owners',
    ].join('\n'),
    '.github/CODEOWNERS',
  );

  it('the last matching pattern wins, and says which line', () => {
    expect(co.errors).toEqual([]);
    expect(co.ownersOf('src/app.ts')).toEqual([{ kind: 'codeowners', name: '@acme/everyone', via: '.github/CODEOWNERS:2' }]);
    expect(names(co, 'deploy/prod.env')).toEqual(['@acme/secops', 'ops@example.com']);
    expect(names(co, 'config/app.env')).toEqual(['@acme/platform']);
    expect(co.ownersOf('config/db/secret.yaml')[0]?.via).toBe('.github/CODEOWNERS:4');
  });

  it('anchoring and directory patterns follow gitignore; docs/* does not own nested files', () => {
    expect(names(co, 'x/config/app.env')).toEqual(['@acme/secops', 'ops@example.com']); // /config/ is anchored
    expect(names(co, 'docs/getting-started.md')).toEqual(['@doc-writer']);
    expect(names(co, 'docs/build-app/troubleshooting.md')).toEqual(['@acme/everyone']);
    expect(names(co, 'services/apps/main.go')).toEqual(['@acme/apps']); // apps/ anywhere
  });

  it('a pattern without owners leaves the path unowned; escapes are honoured', () => {
    expect(names(co, 'build/logs/ci.log')).toEqual([]);
    expect(names(co, 'file with space.txt')).toEqual(['@spacey']);
    expect(names(co, '#hash.txt')).toEqual(['@hashy']);
  });

  it('an archive member belongs to its archive; hostile paths own nothing and do not throw', () => {
    expect(names(co, 'deploy/bundle.zip!inner/.env')).toEqual(['@acme/everyone']);
    expect(co.ownersOf('../etc/passwd')).toEqual([]);
    expect(co.ownersOf('')).toEqual([]);
  });
});

describe('CODEOWNERS, GitLab syntax', () => {
  const co = parseCodeowners(
    [
      '* @root-owner',
      '',
      '[Backend] @backend-team @@maintainer',
      'app/',
      'app/payments/ @payments',
      '',
      '^[Docs][2] @docs-team',
      '*.md',
      '',
      '[backend]', // same section again (names are case-insensitive)
      '*.env @secops',
    ].join('\n'),
    '.gitlab/CODEOWNERS',
  );

  it('sections add up; a pattern without owners takes the section defaults; each section picks its last match', () => {
    expect(co.errors).toEqual([]);
    expect(names(co, 'app/models/user.rb')).toEqual(['@root-owner', '@backend-team', '@@maintainer']);
    expect(co.ownersOf('app/payments/stripe.rb').map((o) => o.via)).toEqual(['.gitlab/CODEOWNERS:1', '.gitlab/CODEOWNERS:5 [Backend]']);
    expect(names(co, 'app/README.md')).toEqual(['@root-owner', '@backend-team', '@@maintainer', '@docs-team']);
    expect(names(co, 'app/.env')).toEqual(['@root-owner', '@secops']);
  });
});

describe('CODEOWNERS, bad input', () => {
  it('a bad line is an error naming file and line; the other lines still apply', () => {
    const co = parseCodeowners(['* @ok', 'secrets/ not-an-owner', '!negated @x', '[a-z].txt @y', '[] @z', '*.key @keys'].join('\n'), 'CODEOWNERS');
    expect(co.errors.map((e) => e.target)).toEqual(['CODEOWNERS:2', 'CODEOWNERS:3', 'CODEOWNERS:4', 'CODEOWNERS:5']);
    expect(co.errors[0]?.message).toMatch(/line 2 not applied: not an owner: "not-an-owner"/);
    expect(names(co, 'secrets/a.txt')).toEqual(['@ok']);
    expect(names(co, 'id.key')).toEqual(['@keys']);
  });

  it('caps size, line length and error count; never throws on garbage', () => {
    const big = parseCodeowners('* @x\n'.repeat(Math.ceil(MAX_CODEOWNERS_BYTES / 5) + 1), 'CODEOWNERS');
    expect(big.errors[0]?.message).toMatch(/larger than/);
    expect(big.ownersOf('a')).toEqual([]);
    const long = parseCodeowners(`${'a'.repeat(5000)} @x\n* @y`, 'CODEOWNERS');
    expect(long.errors).toHaveLength(1);
    expect(names(long, 'a')).toEqual(['@y']);
    const many = parseCodeowners(Array.from({ length: 50 }, (_, i) => `p${i} bad`).join('\n'), 'CODEOWNERS');
    expect(many.errors).toHaveLength(21);
    const garbage = parseCodeowners('\u0000\u0001 @a\n\uFEFF**/*** @b\n\\ @c\n', 'CODEOWNERS');
    expect(() => garbage.ownersOf('x/y')).not.toThrow();
  });
});

describe('CODEOWNERS patterns', () => {
  const m = (pattern: string, path: string) => {
    const re = compilePattern(pattern);
    if (typeof re === 'string') throw new Error(re);
    return re.test(path);
  };
  it.each([
    ['*', 'a/b/c.txt', true],
    ['*.js', 'src/app.js', true],
    ['*.js', 'src/app.jsx', false],
    ['/build/logs/', 'build/logs/x.log', true],
    ['/build/logs/', 'build/logs', false],
    ['/build/logs/', 'x/build/logs/y', false],
    ['apps/', 'deep/apps/main.go', true],
    ['docs/*', 'docs/a.md', true],
    ['docs/*', 'docs/sub/a.md', false],
    ['docs/*', 'x/docs/a.md', false],
    ['/docs', 'docs/sub/a.md', true],
    ['**/logs', 'a/b/logs/x', true],
    ['**/logs', 'logs', true],
    ['src/**/test', 'src/test/x.ts', true],
    ['src/**/test', 'src/a/b/test/x.ts', true],
    ['src/**', 'src/a/b', true],
    ['src/**', 'src', false],
    ['fo?.txt', 'x/foo.txt', true],
    ['fo?.txt', 'x/fo/.txt', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s on %s: %s', (pattern, path, expected) => {
    expect(m(pattern, path)).toBe(expected);
  });

  it('refuses patterns that could backtrack badly, as a bad line', () => {
    expect(compilePattern('*a*b*c*d')).toMatch(/three/);
    expect(compilePattern('**/a/**/b/**/c')).toMatch(/two/);
    const co = parseCodeowners('*a*b*c*d*e @x\n* @y\n', 'CODEOWNERS');
    expect(co.errors[0]?.target).toBe('CODEOWNERS:1');
    // a long hostile path against the worst allowed pattern stays fast enough to finish at all
    const re = compilePattern('*a*a*a') as RegExp;
    expect(re.test(`${'a'.repeat(250)}b`)).toBe(false);
  });
});
