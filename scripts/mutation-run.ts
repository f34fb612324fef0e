// The one "test" of the mutation run (`npm run mutation`): Stryker's command runner starts this once
// per mutant, with __STRYKER_ACTIVE_MUTANT__ naming the mutant to switch on in the sandbox's
// instrumented sources. It starts the sandbox from those sources (in memory, default seed, a free
// loopback port), runs the contract suite against it over HTTP with the sandbox example config, and
// exits 0 only when every check passes. Exit 1: the suite failed; 2: the suite could not run; 3: the
// sandbox did not start. It stops at the first check that fails, since one failure decides the
// verdict (unless the config lists expected deviations: then only the whole run can tell). A mutant
// that hangs is Stryker's to time out (timeoutMS in stryker.config.mjs); `--deadline` is a backstop
// for runs by hand.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  type CheckSummary,
  ConfigError,
  loadConfigFile,
  PreconditionError,
  renderReport,
  runContract,
} from "../src/contract/index.ts";
import { progressLine } from "../src/contract/report.ts";
import { type Sandbox, startSandbox } from "../src/sandbox/server.ts";

/** Thrown by the progress listener to stop the run once a check has failed. */
class VerdictReached extends Error {
  override name = "VerdictReached";
}

export const exampleConfig = resolve(import.meta.dirname, "..", "src", "contract", "examples", "sandbox.yaml");

/**
 * Replace the config's: the unmutated sandbox answers in milliseconds and ends a job in a few, and a
 * mutant that makes the suite wait out the example's 5 s and 10 s would stretch the run by hours.
 */
const mutationTimeouts = { requestMs: 3000, jobMs: 3000, jobPollMs: 20 };

/** Time the sandbox gets to stop; a mutant that never lets go of a handle must not turn into a timeout. */
const closeGraceMs = 2000;

const milliseconds = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("expected milliseconds above 0");
  return Number(value);
};

export async function main(argv: string[]): Promise<number> {
  const program = new Command("mutation-run")
    .description("Start a sandbox in memory and run the contract suite against it; exit 0 when it passes.")
    .option("--config <file>", "contract-suite config (its baseUrl is replaced)", exampleConfig)
    .addOption(
      new Option("--deadline <ms>", "give up (exit 124) after this long").default(120_000).argParser(milliseconds),
    )
    .option("--verbose", "print the suite's progress and full report")
    .exitOverride();
  try {
    program.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const opts = program.opts<{ config: string; deadline: number; verbose?: true }>();

  const deadline = setTimeout(() => {
    console.error(`mutation-run: no verdict after ${opts.deadline} ms`);
    process.exit(124);
  }, opts.deadline);
  deadline.unref();

  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ port: 0, quiet: true });
  } catch (error) {
    console.error(`mutation-run: the sandbox did not start: ${String(error)}`);
    return 3;
  }
  try {
    const config = loadConfigFile(opts.config, { baseUrl: sandbox.url });
    config.timeouts = mutationTimeouts;
    const canStopEarly = config.expectedDeviations === undefined;
    const checkDone = (summary: CheckSummary) => {
      if (opts.verbose) console.log(progressLine(summary));
      if (canStopEarly && (summary.status === "failed" || summary.status === "inconclusive"))
        throw new VerdictReached(progressLine(summary));
    };
    const result = await runContract(config, { checkDone });
    if (opts.verbose) console.log(renderReport(result));
    return result.passed ? 0 : 1;
  } catch (error) {
    if (error instanceof VerdictReached) {
      console.log(`mutation-run: a check failed: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof PreconditionError) {
      console.error(`mutation-run: the suite cannot run: ${error.message}`);
      return 2;
    }
    console.error(`mutation-run: the suite stopped: ${String(error)}`);
    return 2;
  } finally {
    await Promise.race([sandbox.close(), new Promise((done) => setTimeout(done, closeGraceMs).unref())]);
  }
}

// Exits at once instead of setting process.exitCode: a mutant may leave a timer or socket open, and
// waiting for it would report a surviving mutant as a timeout.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(await main(process.argv.slice(2)));
