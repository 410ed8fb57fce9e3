// The map of STYLE.md and docs/DESIGN.md, enforced: the import arrows of .dependency-cruiser.cjs
// (checked by dependency-cruiser over every file of src/, dynamic imports included), and what an
// import graph cannot show: only src/cli uses the global `process` or `console`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cruise, type ICruiseResult, type IReporterOutput } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { tmpTrees } from './helpers/tmp.js';

const SRC = path.join(ROOT, 'src');
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}
const sources = files(SRC).map((f) => ({ rel: path.relative(SRC, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') }));

// git-spawn.ts builds the git child's environment from process.env (so a partial clone never fetches).
const PROCESS_ALLOWED = new Set(['sources/git-spawn.ts']);

/** "rule: from → to" for every violation of .dependency-cruiser.cjs in `root`'s src/. */
async function violations(root: string): Promise<{ cruised: number; found: string[] }> {
  const options = await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.cjs'));
  const out: IReporterOutput = await cruise(
    ['src'],
    { ...options, baseDir: root, validate: true, outputType: 'json' },
    {},
    { tsConfig: extractTSConfig(path.join(root, 'tsconfig.json')) },
  );
  const result = (typeof out.output === 'string' ? JSON.parse(out.output) : out.output) as ICruiseResult;
  return {
    cruised: result.summary.totalCruised,
    found: result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort(),
  };
}

describe('architecture', () => {
  it('only src/cli uses process or console', () => {
    const offenders = sources.filter((s) => !s.rel.startsWith('cli/') && !PROCESS_ALLOWED.has(s.rel) && /\b(process\.(?!env\b)|console\.)/.test(s.text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '')));
    expect(offenders.map((s) => s.rel)).toEqual([]);
  });

  it('src/ keeps the arrows of .dependency-cruiser.cjs: no cycle, nothing imports the CLI, sources never import reporters, detect never sources, only the text reporter colours', async () => {
    const { cruised, found } = await violations(ROOT);
    expect(found).toEqual([]);
    expect(cruised).toBeGreaterThanOrEqual(sources.length); // every file of src/ was read
  }, 120_000);

  describe('the check bites', () => {
    const { tree } = tmpTrees(afterAll);
    it('reports each kind of forbidden arrow in a planted tree', async () => {
      const root = tree({
        'tsconfig.json': readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'),
        'src/core/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'src/core/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
        'src/sources/fs.ts': "import { render } from '../report/json.js';\nexport const read = render;\n",
        'src/report/json.ts': "export const render = (): string => '';\n",
        'src/report/sarif.ts': "import { read } from '../sources/fs.js';\nexport const s = read;\n",
        'src/core/c.ts': "import { render } from '../report/json.js';\nexport const c = render;\n",
        'src/report/github.ts': "import chalk from 'chalk';\nexport const paint = chalk.red;\n",
        'src/detect/detect.ts': "export async function d(): Promise<unknown> {\n  return import('../sources/fs.js');\n}\n",
        'src/analyze/jwt.ts': "import { run } from '../cli/main.js';\nexport const j = run;\n",
        'src/cli/main.ts': 'export const run = (): number => 0;\n',
        'src/filters/index.ts': "import { gone } from './missing.js';\nexport const f = gone;\n",
      });
      const { found } = await violations(root);
      const rules = new Set(found.map((v) => v.split(':')[0]));
      expect([...rules].sort()).toEqual([
        'core-is-shared-vocabulary',
        'detect-is-pure',
        'no-circular',
        'only-bin-imports-cli',
        'only-the-text-reporter-colours',
        'resolvable',
        'sources-never-import-reporters',
        'stages-never-import-sources',
      ]);
      expect(found).toContain('detect-is-pure: src/detect/detect.ts → src/sources/fs.ts'); // a dynamic import counts
    }, 120_000);
  });
});
