// `npm run sandbox`: runs the stateful sandbox until SIGINT or SIGTERM.
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { type IntegerSettingName, inBounds, integerSettings } from "./options.ts";
import { defaultSeedPath } from "./seed.ts";
import { defaultDbPath, defaultHost, startSandbox } from "./server.ts";

const shown = (path: string) => relative(process.cwd(), path) || path;

/** A flag built from a setting of options.ts: its placeholder, help, default and bounds. */
function integerFlag(name: IntegerSettingName): Option {
  const setting = integerSettings[name];
  return new Option(setting.flag, setting.help).default(setting.default).argParser((value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !inBounds(name, n))
      throw new InvalidArgumentError(`expected an integer from ${setting.min} to ${setting.max}`);
    return n;
  });
}

function program(): Command {
  return new Command("sandbox")
    .description(
      "Stateful sandbox of the IMS image-sharing API: every operation of the contract, with members and jobs kept in SQLite.\n" +
        "Callers identify themselves with X-Auth-Token, using a token from the seed file.",
    )
    .option("--host <address>", "address to bind", defaultHost)
    .addOption(integerFlag("port"))
    .addOption(
      new Option("--db <file>", "SQLite database file, in WAL mode; created if missing")
        .default(shown(defaultDbPath))
        .conflicts("memory"),
    )
    .option("--memory", "keep the database in memory: nothing survives a restart")
    .option("--seed <file>", "YAML seed file with the projects, tokens and images", shown(defaultSeedPath))
    .addOption(integerFlag("memberLimit"))
    .addOption(integerFlag("jobChunkSize"))
    .addOption(integerFlag("jobDelayMs"))
    .addOption(integerFlag("maxQueuedJobs"))
    .addOption(integerFlag("bodyLimit"))
    .option("--quiet", "do not log requests")
    .addHelpText(
      "after",
      "\nOnce ready it prints `sandbox listening on http://HOST:PORT`; each request then logs one line: method, path, status, time.\n" +
        "The default seed's tokens are owner-token, member-token, member2-token and stranger-token.",
    )
    .showHelpAfterError()
    .exitOverride();
}

interface Flags {
  host: string;
  port: number;
  db: string;
  memory?: true;
  seed: string;
  memberLimit: number;
  jobChunkSize: number;
  jobDelay: number;
  maxQueuedJobs: number;
  bodyLimit: number;
  quiet?: true;
}

/** Runs a sandbox until SIGINT or SIGTERM; resolves to the exit code once it has stopped. */
export async function main(argv: string[]): Promise<number> {
  const command = program();
  try {
    command.parse(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  const opts = command.opts<Flags>();
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({
      host: opts.host,
      port: opts.port,
      ...(opts.memory ? {} : { db: opts.db }),
      seed: opts.seed,
      memberLimit: opts.memberLimit,
      jobChunkSize: opts.jobChunkSize,
      jobDelayMs: opts.jobDelay,
      maxQueuedJobs: opts.maxQueuedJobs,
      bodyLimit: opts.bodyLimit,
      quiet: opts.quiet === true,
    });
  } catch (error) {
    console.error(`sandbox: ${(error as Error).message}`);
    return 1;
  }
  const stopped = new Promise<number>((resolveStop) => {
    const stop = () => {
      sandbox.close().then(
        () => resolveStop(0),
        (error: unknown) => {
          console.error(`sandbox: error while stopping: ${String(error)}`);
          resolveStop(1);
        },
      );
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  console.log(`sandbox listening on ${sandbox.url}`);
  return stopped;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
