// The layout rules of STYLE.md, checked: only src/cli touches the process, and the pipeline's
// stages import nothing downstream of them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const SRC = path.join(ROOT, 'src');
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}
const sources = files(SRC).map((f) => ({ rel: path.relative(SRC, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));

// git-spawn.ts builds the git child's environment from process.env (so a partial clone never fetches).
const PROCESS_ALLOWED = new Set(['sources/git-spawn.ts']);

describe('architecture', () => {
  it('only src/cli uses process or console', () => {
    const offenders = sources.filter((s) => !s.rel.startsWith('cli/') && !PROCESS_ALLOWED.has(s.rel) && /\b(process\.(?!env\b)|console\.)/.test(s.text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')));
    expect(offenders.map((s) => s.rel)).toEqual([]);
  });

  it.each([
    ['core/', ['../sources/', '../detect/', '../analyze/', '../filters/', '../report/', '../cli/', '../scan.js', '../rules/']],
    ['detect/', ['../sources/', '../analyze/', '../report/', '../cli/', '../scan.js']],
    ['analyze/', ['../sources/', '../detect/', '../filters/', '../report/', '../cli/', '../scan.js']],
    ['report/', ['../sources/', '../detect/', '../cli/', '../scan.js']],
    ['sources/', ['../detect/', '../analyze/', '../filters/', '../report/', '../cli/', '../scan.js']],
  ])('%s imports nothing downstream', (dir, forbidden) => {
    const bad = sources
      .filter((s) => s.rel.startsWith(dir))
      .flatMap((s) => [...s.text.matchAll(/from '([^']+)'/g)].map((m) => [s.rel, m[1] ?? ''] as const))
      .filter(([, spec]) => forbidden.some((f) => spec.startsWith(f)));
    expect(bad).toEqual([]);
  });
});
