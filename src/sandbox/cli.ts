// `npm run sandbox`: runs the stateful sandbox until interrupted.
import { relative } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { defaultMaxQueuedJobs } from "./batch.ts";
import { defaultJobPacing } from "./jobs.ts";
import { defaultMemberLimit } from "./members.ts";
import { defaultSeedPath } from "./seed.ts";
import { defaultDbPath, defaultHost, defaultPort, startSandbox } from "./server.ts";

function integer(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

const shown = (path: string) => relative(process.cwd(), path) || path;

const program = new Command("sandbox")
  .description(
    "Stateful sandbox of the IMS image-sharing API: every operation of the contract, with members and jobs kept in SQLite.\n" +
      "Callers identify themselves with X-Auth-Token, using a token from the seed file.",
  )
  .option("--host <address>", "address to bind", defaultHost)
  .addOption(
    new Option("--port <number>", "port to bind (0 picks a free port)")
      .default(defaultPort)
      .argParser(integer(0, 65535)),
  )
  .addOption(
    new Option("--db <file>", "SQLite database file, in WAL mode; created if missing")
      .default(shown(defaultDbPath))
      .conflicts("memory"),
  )
  .option("--memory", "keep the database in memory: nothing survives a restart")
  .option("--seed <file>", "YAML seed file with the projects, tokens and images", shown(defaultSeedPath))
  .addOption(
    new Option("--member-limit <n>", "members an image may have (1-256)")
      .default(defaultMemberLimit)
      .argParser(integer(1, defaultMemberLimit)),
  )
  .addOption(
    new Option("--job-chunk-size <n>", "image x project pairs a job writes per transaction")
      .default(defaultJobPacing.chunkSize)
      .argParser(integer(1, 10_000)),
  )
  .addOption(
    new Option("--job-delay <ms>", "pause before each job chunk, to watch jobs progress")
      .default(defaultJobPacing.delayMs)
      .argParser(integer(0, 60_000)),
  )
  .addOption(
    new Option("--max-queued-jobs <n>", "unfinished jobs per project before batch requests get 503")
      .default(defaultMaxQueuedJobs)
      .argParser(integer(1, 100_000)),
  )
  .option("--quiet", "do not log requests")
  .addHelpText(
    "after",
    "\nOnce ready it prints `sandbox listening on http://HOST:PORT`; each request then logs one line: method, path, status, time.\n" +
      "The default seed's tokens are owner-token, member-token, member2-token and stranger-token.",
  )
  .showHelpAfterError();

program.parse();
const opts = program.opts<{
  host: string;
  port: number;
  db: string;
  memory?: true;
  seed: string;
  memberLimit: number;
  jobChunkSize: number;
  jobDelay: number;
  maxQueuedJobs: number;
  quiet?: true;
}>();

try {
  const sandbox = await startSandbox({
    host: opts.host,
    port: opts.port,
    ...(opts.memory ? {} : { db: opts.db }),
    seed: opts.seed,
    memberLimit: opts.memberLimit,
    jobChunkSize: opts.jobChunkSize,
    jobDelayMs: opts.jobDelay,
    maxQueuedJobs: opts.maxQueuedJobs,
    quiet: opts.quiet === true,
  });
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`sandbox: error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  console.log(`sandbox listening on ${sandbox.url}`);
} catch (error) {
  console.error(`sandbox: ${(error as Error).message}`);
  process.exit(1);
}
