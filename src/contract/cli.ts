#!/usr/bin/env node
// ims-contract: runs the contract suite against a live server and reports per operation and check.
// Exit codes: 0 every check passed (with --expect: exactly the known deviations failed), 1 some
// check failed or could not be judged (or a deviation is new or fixed), 2 the config cannot be used
// or the server does not answer.
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { checkNames } from "./checks/registry.ts";
import { ConfigError, type ConfigOverrides, loadConfigFile } from "./config.ts";
import { jsonReport, junitReport, progressLine, renderReport } from "./report.ts";
import { PreconditionError, runContract } from "./run.ts";

interface Options {
  config: string;
  baseUrl?: string;
  checks?: string;
  junit?: string;
  json?: string;
  expect?: string;
  quiet?: boolean;
}

export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  const program = new Command()
    .name("ims-contract")
    .description("Check a live IMS image-sharing (or OpenStack Glance member) server against the contract.")
    .requiredOption("-c, --config <file>", "config file (YAML or JSON), see src/contract/config.schema.json")
    .option("--base-url <url>", "server to test, overriding the config's baseUrl")
    .option("--checks <list>", "comma-separated checks to run, or `all` / `schema` (overrides the config)")
    .option("--junit <file>", "also write a JUnit XML report")
    .option("--json <file>", "also write a JSON report with every failing request and response")
    .option(
      "--expect <file>",
      "YAML/JSON list of known deviations ({operation, check, rule}); pass when exactly these fail",
    )
    .option("-q, --quiet", "print only the table, the failures and the verdict")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => out(s.trimEnd()) });
  try {
    program.parse(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  const options = program.opts<Options>();

  const overrides: ConfigOverrides = {};
  if (options.baseUrl !== undefined) overrides.baseUrl = options.baseUrl;
  if (options.expect !== undefined) overrides.expect = resolve(options.expect);
  if (options.checks !== undefined)
    overrides.checks = options.checks
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
  let config: ReturnType<typeof loadConfigFile>;
  try {
    config = loadConfigFile(options.config, overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      out(err.message);
      return 2;
    }
    throw err;
  }

  if (!options.quiet)
    out(
      `ims-contract → ${config.baseUrl} (profile ${config.profile}, checks: ${config.checks.length === checkNames.length ? "all" : config.checks.join(", ")})\n`,
    );
  let result: Awaited<ReturnType<typeof runContract>>;
  try {
    result = await runContract(config, { checkDone: (summary) => options.quiet || out(progressLine(summary)) });
  } catch (err) {
    if (err instanceof PreconditionError) {
      out(`cannot run: ${err.message}`);
      return 2;
    }
    throw err;
  }
  out(`\n${renderReport(result)}`);
  for (const [file, render] of [
    [options.junit, junitReport],
    [options.json, jsonReport],
  ] as const) {
    if (file === undefined) continue;
    const path = resolve(file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, render(result));
    if (!options.quiet) out(`report written to ${path}`);
  }
  return result.passed ? 0 : 1;
}

// Installed, the bin is reached through node_modules/.bin's symlink: compare the real path.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
