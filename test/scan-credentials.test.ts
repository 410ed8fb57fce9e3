// The scan builds the credential view from its findings: provenance fields of every source reach
// the owners and times, and CODEOWNERS owners are stored on dir/git findings.
import { describe, expect, it } from 'vitest';
import { parseCodeowners } from '../src/analyze/codeowners.js';
import type { Fragment, Provenance, Source } from '../src/core/types.js';
import { loadRules } from '../src/rules/load.js';
import { scan } from '../src/scan.js';
import { fakeGithubToken } from './helpers/fake-tokens.js';

const TOKEN = fakeGithubToken('ghp', 'credential-view');

function source(items: Array<{ provenance: Provenance; text: string }>): Source {
  return (async function* () {
    for (const { provenance, text } of items) {
      const fragment: Fragment = { text, provenance, line: 1, column: 1 };
      yield { type: 'fragment' as const, fragment };
    }
  })();
}

describe('scan → credentials', () => {
  it('one token in a folder, a commit, a CI log line and a queued message is one credential with every owner and time', async () => {
    const rules = await loadRules({ builtin: true, dirs: [] });
    const codeowners = parseCodeowners('* @acme/all\n/config/ @acme/platform\nbad-pattern not-an-owner\n', '.github/CODEOWNERS');
    const result = await scan(
      source([
        { provenance: { kind: 'dir', path: 'config/app.env' }, text: `GITHUB_TOKEN=${TOKEN}\n` },
        { provenance: { kind: 'git', path: 'config/app.env', commit: 'c'.repeat(40), author: 'Dana Dev <dana@example.com>', date: '2025-03-01T10:00:00Z' }, text: `GITHUB_TOKEN=${TOKEN}\n` },
        { provenance: { kind: 'ci-log', path: 'logs/release.log', provider: 'gitlab-ci', workflow: 'release', job: 'publish', step: 'deploy', time: '2025-04-02T08:00:00Z' }, text: `token ${TOKEN}\n` },
        { provenance: { kind: 'queue', path: 'dump.json', broker: 'rabbitmq', queue: 'events', producer: 'billing-svc', time: '2025-05-03T09:00:00Z', field: '/auth' }, text: TOKEN },
      ]),
      { command: 'dir', targets: ['.'], rules, version: 't', now: new Date('2026-01-01T00:00:00Z'), maxLifetimeSeconds: 3600, codeowners },
    );
    expect(result.findings.map((f) => f.location.source).sort()).toEqual(['ci-log', 'dir', 'git', 'queue']);
    expect(result.credentials).toHaveLength(1);
    const c = result.credentials![0]!;
    expect(c.ruleId).toBe('github-pat');
    expect(c.redacted).not.toContain(TOKEN);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(c.sourceKinds).toEqual(['dir', 'git', 'ci-log', 'queue']);
    expect(c.owners).toEqual([
      { kind: 'codeowners', name: '@acme/platform', via: '.github/CODEOWNERS:2' },
      { kind: 'author', name: 'Dana Dev <dana@example.com>', via: 'commit ccccccc' },
      { kind: 'ci', name: 'gitlab-ci / workflow release / job publish', via: 'CI log logs/release.log, step deploy' },
      { kind: 'queue', name: 'billing-svc', via: 'producer on rabbitmq topic events' },
    ]);
    expect(c.places.map((p) => p.time ?? null)).toEqual([null, '2025-03-01T10:00:00Z', '2025-04-02T08:00:00Z', '2025-05-03T09:00:00Z']);
    expect(c.firstSeen).toBe('2025-03-01T10:00:00Z');
    expect(c.lastSeen).toBe('2025-05-03T09:00:00Z');
    expect(c.remediation).toMatch(/Personal access tokens/);
    // the CODEOWNERS line that did not parse is an error of the scan; owners from it and elsewhere still shown
    expect(result.errors).toEqual([expect.objectContaining({ target: '.github/CODEOWNERS:3' })]);
    // owners are on the findings, so merge can rebuild them
    expect(result.findings.find((f) => f.location.source === 'dir')?.owners).toEqual([{ kind: 'codeowners', name: '@acme/platform', via: '.github/CODEOWNERS:2' }]);
    expect(result.findings.find((f) => f.location.source === 'ci-log')?.owners).toBeUndefined();
  });

  it('a scan with no findings has an empty credential view', async () => {
    const rules = await loadRules({ builtin: true, dirs: [] });
    const result = await scan(source([{ provenance: { kind: 'dir', path: 'a.txt' }, text: 'nothing here' }]), {
      command: 'dir',
      targets: ['.'],
      rules,
      version: 't',
      now: new Date('2026-01-01T00:00:00Z'),
      maxLifetimeSeconds: 3600,
    });
    expect(result.credentials).toEqual([]);
  });
});
