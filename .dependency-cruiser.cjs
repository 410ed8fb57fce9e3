// The map of src/ (docs/DESIGN.md draws it), enforced in CI by test/architecture.test.ts:
//   source → fragments → detect → findings → analyze → filters → reporter, and the CLI on top.
// Each arrow below is one way only; `npm run arch` checks it alone.

/** A forbidden arrow: no module whose path matches `from` may import one whose path matches `to`. */
function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid('resolvable', 'An import the checker cannot resolve is an arrow it cannot check: the map would pass by missing it.',
      { path: '^src/' }, { couldNotResolve: true }),
    forbid('no-circular', 'A cycle makes two modules one: neither can be read, tested or loaded lazily alone.',
      { path: '^src/' }, { circular: true }),
    forbid('only-bin-imports-cli', 'src/cli is the top: flags, process, stdout. Nothing in the library may depend on it.',
      { path: '^src/', pathNot: '^src/cli/' }, { path: '^src/cli/' }),
    forbid('sources-never-import-reporters', 'A source yields fragments; how findings are shown is none of its business.',
      { path: '^src/sources/' }, { path: '^src/report/' }),
    forbid('sources-never-import-later-stages', 'A source knows formats and I/O, not what is found in what it reads.',
      { path: '^src/sources/' }, { path: '^src/(detect|analyze|filters)/|^src/(scan|merge)\\.ts$' }),
    forbid('detect-is-pure', 'Detection sees fragments, never files, sources, reports or the CLI (it may ask filters/inline-allow about a line).',
      { path: '^src/detect/' }, { path: '^src/(sources|cli|report|config)/|^src/(scan|merge)\\.ts$' }),
    forbid('stages-never-import-sources', 'analyze, filters and report work on findings, wherever they came from.',
      { path: '^src/(analyze|filters|report)/' }, { path: '^src/sources/' }),
    forbid('stages-never-import-the-orchestrator', 'Only scan.ts knows the whole pipeline; a stage that imports it imports every stage.',
      { path: '^src/(core|sources|detect|analyze|filters|report|rules|config)/' }, { path: '^src/(scan|merge)\\.ts$' }),
    forbid('core-is-shared-vocabulary', 'core/ holds the types and helpers every stage shares, so it imports none of them.',
      { path: '^src/core/' }, { path: '^src/(?!core/)' }),
    forbid('only-the-text-reporter-colours', 'Colour is a terminal concern: JSON, SARIF, annotations and summaries never carry escapes.',
      { pathNot: '^src/report/text\\.ts$' }, { path: '(^|/)node_modules/chalk/|^chalk$' }),
    forbid('only-the-cli-imports-process', 'Only the CLI touches the process (the global `process` is checked in test/architecture.test.ts).',
      { path: '^src/', pathNot: '^src/cli/' }, { path: '^(node:)?(process|readline|tty)$' }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
