// The map of src/ (docs/DESIGN.md draws it), enforced in CI by test/architecture.test.ts:
//   source → fragments → detect → findings → analyze → filters → reporter, and the CLI on top.
// Each arrow below is one way only; run `npx depcruise src --config .dependency-cruiser.cjs`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'An import the checker cannot resolve is an arrow it cannot check: the map would pass by missing it.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be read, tested or loaded lazily alone.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'only-bin-imports-cli',
      severity: 'error',
      comment: 'src/cli is the top: flags, process, stdout. Nothing in the library may depend on it.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'sources-never-import-reporters',
      severity: 'error',
      comment: 'A source yields fragments; how findings are shown is none of its business.',
      from: { path: '^src/sources/' },
      to: { path: '^src/report/' },
    },
    {
      name: 'sources-never-import-later-stages',
      severity: 'error',
      comment: 'A source knows formats and I/O, not what is found in what it reads.',
      from: { path: '^src/sources/' },
      to: { path: '^src/(detect|analyze|filters|scan\\.ts|merge\\.ts)' },
    },
    {
      name: 'detect-is-pure',
      severity: 'error',
      comment: 'Detection sees fragments, never files, sources, reports or the CLI. (It may ask filters/inline-allow for the verdict on a line.)',
      from: { path: '^src/detect/' },
      to: { path: '^src/(sources|cli|report|config)/|^src/(scan|merge)\\.ts$' },
    },
    {
      name: 'stages-never-import-sources',
      severity: 'error',
      comment: 'analyze, filters and report work on findings, wherever they came from.',
      from: { path: '^src/(analyze|filters|report)/' },
      to: { path: '^src/sources/' },
    },
    {
      name: 'stages-never-import-the-orchestrator',
      severity: 'error',
      comment: 'Only scan.ts knows the whole pipeline; a stage that imports it imports every stage.',
      from: { path: '^src/(core|sources|detect|analyze|filters|report|rules|config)/' },
      to: { path: '^src/(scan|merge)\\.ts$' },
    },
    {
      name: 'core-is-shared-vocabulary',
      severity: 'error',
      comment: 'core/ holds the types and helpers every stage shares, so it imports none of them.',
      from: { path: '^src/core/' },
      to: { path: '^src/(?!core/)' },
    },
    {
      name: 'only-the-text-reporter-colours',
      severity: 'error',
      comment: 'Colour is a terminal concern: JSON, SARIF, annotations and summaries must never carry escapes.',
      from: { pathNot: '^src/report/text\\.ts$' },
      to: { path: '(^|/)node_modules/chalk/|^chalk$' },
    },
    {
      name: 'only-the-cli-imports-process',
      severity: 'error',
      comment: 'Only the CLI touches the process (the global `process` is checked in test/architecture.test.ts).',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^(node:)?(process|readline|tty)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
