// Issue 13, item 10: property tests of the other parsers: JWT decode and analysis, config,
// rule files, baseline, merge inputs, the JSON document splitter and the text decoder. Each
// returns or throws a typed error (UsageError and its kinds) that does not quote the secret.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeJwt, looksLikeJwt } from '../../src/analyze/jwt.js';
import { parseConfig } from '../../src/config/load.js';
import { DocumentSplitter, type DocumentPart } from '../../src/core/json-stream.js';
import { sniffText, TextNormalizer } from '../../src/core/text-decode.js';
import { loadBaseline } from '../../src/filters/baseline.js';
import { mergeReports } from '../../src/merge.js';
import { loadRules } from '../../src/rules/load.js';
import { hostileText, params, piecesOf, RUNS, SECRET, timeLimit, typedOrValue } from './fuzz-support.js';

const b64u = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
const NOW = new Date('2026-01-01T00:00:00Z');

describe(`fuzz: JWT (${RUNS} inputs per property)`, () => {
  const claims = fc.dictionary(fc.constantFrom('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'cnf', 'scope', 'kid', 'alg', 'x', SECRET), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(SECRET)), { maxKeys: 6 });
  const part = fc.oneof(claims.map((c) => b64u(JSON.stringify(c))), hostileText.map(b64u), fc.string({ maxLength: 30 }));
  it(
    'decode and analyse never throw, for JWS and JWE shapes',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 5 }), async (parts) => {
          const token = parts.join('.');
          looksLikeJwt(token);
          await analyzeJwt(token, { now: NOW, maxLifetimeSeconds: 3600 });
        }),
        params(),
      );
    },
    timeLimit(),
  );
});

describe(`fuzz: files a user or a scanned tree hands over (${RUNS} inputs per property)`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tokensprawl-fuzz-files-'));
  mkdirSync(path.join(dir, 'rules'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const yamlish = fc.oneof(
    hostileText,
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.constantFrom('a: &x [1]\nb: *x\n', 'allow:\n  - path: "*"\n    reason: x\n', 'rules:\n  - id: x\n    regex: "(a+)+$"\n', `!!binary ${SECRET}`, `key: ${SECRET}\n  bad: [`),
  );

  it(
    'config (.tokensprawl.yaml)',
    async () => {
      await fc.assert(
        fc.asyncProperty(yamlish, async (text) => {
          // Aliases are refused outright (they crashed toJS() before); nothing may throw untyped.
          await typedOrValue(() => parseConfig(text, path.join(dir, '.tokensprawl.yaml')), { mayQuote: false });
        }),
        params(true),
      );
    },
    timeLimit(100, true),
  );

  it(
    'rule files',
    async () => {
      const ruleDoc = fc
        // a rule's id is the user's name for it and is quoted in errors; the secret goes in its pattern
        .record({ id: fc.string({ maxLength: 8 }), regex: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('[', '(?<secret>x', 'ghp_[A-Za-z0-9]{36}', SECRET)), keywords: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }) })
        .map((r) => JSON.stringify({ rules: [r] }));
      await fc.assert(
        fc.asyncProperty(fc.oneof(yamlish, ruleDoc), async (text) => {
          writeFileSync(path.join(dir, 'rules', 'fuzz.yaml'), text);
          await typedOrValue(() => loadRules({ builtin: false, dirs: [path.join(dir, 'rules')] }));
        }),
        params(true),
      );
    },
    timeLimit(100, true),
  );

  const report = fc.oneof(
    hostileText,
    fc.record({ tool: fc.oneof(fc.constant({ name: 'tokensprawl', version: '0.1.0' }), fc.jsonValue({ maxDepth: 2 })), findings: fc.oneof(fc.array(fc.oneof(fc.record({ id: fc.string({ maxLength: 8 }) }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })) }).map((v) => JSON.stringify(v)),
    fc.record({ version: fc.constant('2.1.0'), runs: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }) }).map((v) => JSON.stringify(v)),
  );

  it(
    'baseline reports',
    async () => {
      const file = path.join(dir, 'baseline.json');
      await fc.assert(
        fc.asyncProperty(report, async (text) => {
          writeFileSync(file, text);
          await typedOrValue(() => loadBaseline(file));
        }),
        params(),
      );
    },
    timeLimit(100),
  );

  it(
    'merge inputs (JSON and SARIF reports of shards)',
    async () => {
      const a = path.join(dir, 'a.json');
      const b = path.join(dir, 'b.json');
      await fc.assert(
        fc.asyncProperty(report, report, async (ta, tb) => {
          writeFileSync(a, ta);
          writeFileSync(b, tb);
          await typedOrValue(() => mergeReports([a, b]));
        }),
        params(true),
      );
    },
    timeLimit(100, true),
  );
});

describe(`fuzz: stream splitting is independent of the pieces (${RUNS} inputs per property)`, () => {
  const split = (text: string, at: number[], max: number): DocumentPart[] => {
    const s = new DocumentSplitter(max);
    const out: DocumentPart[] = [];
    const cuts = [...new Set(at.map((n) => n % (text.length + 1)))].sort((x, y) => x - y);
    let from = 0;
    for (const c of [...cuts, text.length]) {
      out.push(...s.push(text.slice(from, c)));
      from = Math.max(from, c);
    }
    out.push(...s.end());
    return out;
  };
  const records = (parts: DocumentPart[]): unknown[] => parts.filter((p) => p.type === 'record').map((p) => JSON.parse((p as { text: string }).text) as unknown);

  it(
    'a valid SQS export: the same records, in order, whatever the pieces; hostile text never throws',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), hostileText, async (items, at, junk) => {
          const text = JSON.stringify({ QueueUrl: 'https://sqs.example/000/q', Messages: items }, null, items.length % 2 === 0 ? 2 : undefined);
          // compared as JSON says them (-0 is written 0)
          expect(records(split(text, at, 1 << 20))).toEqual(JSON.parse(JSON.stringify(items)));
          split(junk, at, 16);
        }),
        params(),
      );
    },
    timeLimit(),
  );

  it(
    'UTF-16 and CR-only decoding: the same text whatever the pieces',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 6 }), async (s, be, at) => {
          const le = Buffer.from(s, 'utf16le');
          if (be) for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1] as number, le[i] as number];
          const bytes = Buffer.concat([Buffer.from(be ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
          const n = new TextNormalizer(sniffText(bytes));
          const got = piecesOf(bytes, at).map((p) => n.push(p)).join('') + n.end();
          const crOnly = sniffText(bytes).crOnly;
          expect(got).toBe(crOnly ? s.replace(/\r(?!\n)/g, '\n') : s);
        }),
        params(),
      );
    },
    timeLimit(),
  );
});
