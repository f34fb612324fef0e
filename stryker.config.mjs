// Mutation testing of the sandbox against the contract suite (`npm run mutation`; see "Mutation score"
// in src/contract/README.md for the last score and how long it takes). Stryker's command runner runs
// scripts/mutation-run.ts once per mutant: the suite, black-box over HTTP, is the only test. Not part
// of CI. Survivors: `npx tsx scripts/mutation-survivors.ts`.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "command",
  commandRunner: { command: "node --import tsx scripts/mutation-run.ts" },
  // The CLI only parses options and calls startSandbox, which the runner calls directly.
  mutate: ["src/sandbox/**/*.ts", "!src/sandbox/cli.ts"],
  // Only what the run reads is copied into Stryker's sandbox folder.
  ignorePatterns: ["/*", "!/src", "!/generated", "!/scripts", "!/package.json", "!/tsconfig.json"],
  concurrency: 2,
  // A mutant whose run takes this much longer than the unmutated run counts as a timeout.
  timeoutMS: 10000,
  timeoutFactor: 2,
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  tempDirName: ".tmp/stryker",
  cleanTempDir: true,
};
