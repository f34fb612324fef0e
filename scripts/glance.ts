// A real OpenStack Glance (Debian's glance-api, Zed) on loopback, for trying the contract suite
// against the server the /v2 routes come from. See test/glance/README.md.
//   install   install Debian's glance-api if missing (root)
//   start     start it with fixtures, print its address and suite config, run until Ctrl-C
//   contract  start it, run the contract suite against it (extra arguments go to ims-contract), stop
import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { main as contractMain } from "../src/contract/cli.ts";
import { GlanceError, type GlanceOptions, installScript, type RunningGlance, startGlance } from "./lib/glance.ts";

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected ${min} to ${max}`);
  return n;
};

interface StartFlags {
  host: string;
  port: number;
  memberQuota: number;
  readyTimeout: number;
  keep?: boolean;
  writeConfig?: string;
}

function withStartOptions(command: Command): Command {
  return command
    .option("--host <address>", "address to bind (keep it on loopback: identities are not checked)", "127.0.0.1")
    .option("--port <port>", "port (0 picks a free one)", integer(0, 65535), 0)
    .option("--member-quota <n>", "Glance's image_member_quota (-1 = unlimited)", integer(-1, 100_000), 128)
    .option(
      "--ready-timeout <ms>",
      "time allowed for glance-api to answer after it is spawned",
      integer(1000, 600_000),
      60_000,
    )
    .option("--keep", "keep the instance's folder (database, log, config) after it stops")
    .option("--write-config <file>", "also copy the suite config for this instance to FILE");
}

async function start(flags: StartFlags, out: (line: string) => void): Promise<RunningGlance> {
  const options: GlanceOptions = {
    host: flags.host,
    port: flags.port,
    memberQuota: flags.memberQuota,
    readyTimeoutMs: flags.readyTimeout,
  };
  if (flags.keep) options.keep = true;
  const glance = await startGlance(options);
  const { dbSyncMs, readyMs, fixturesMs } = glance.timings;
  out(
    `Glance Zed at ${glance.baseUrl} (pid ${glance.pid}): db_sync ${dbSyncMs} ms, first answer ${readyMs} ms later, fixtures ${fixturesMs} ms`,
  );
  out(`  folder: ${glance.dir}\n  log:    ${glance.logFile}\n  config: ${glance.configFile}`);
  out(`  shared images: ${glance.fixtures.shareableImages.join(", ")}`);
  out(`  private image: ${glance.fixtures.privateImage}\n  public image:  ${glance.fixtures.publicImage}`);
  if (flags.writeConfig) {
    copyFileSync(glance.configFile, resolve(flags.writeConfig));
    out(`  config copied to ${resolve(flags.writeConfig)}`);
  }
  return glance;
}

export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<number> {
  let code = 0;
  const program = new Command("glance")
    .description("A real OpenStack Glance (Debian's glance-api) on loopback, without Keystone, for the contract suite.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => out(s.trimEnd()) });

  program
    .command("install")
    .description("install Debian's glance-api if it is missing (needs root; otherwise prints the command)")
    .action(() => {
      code = spawnSync(installScript, { stdio: "inherit" }).status ?? 1;
    });

  withStartOptions(program.command("start"))
    .description("start Glance with its fixture images and a suite config, and keep it running until Ctrl-C")
    .action(async (flags: StartFlags) => {
      const glance = await start(flags, out);
      out(`\nTry: npm run contract -- --config ${glance.configFile}\nCtrl-C stops it.`);
      await new Promise<void>((done) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => done());
      });
      await glance.stop();
      out("Glance stopped.");
    });

  withStartOptions(program.command("contract"))
    .description("start Glance, run the contract suite against it, stop it; arguments after -- go to ims-contract")
    .argument("[args...]", "further ims-contract arguments, e.g. -- --json report.json")
    .action(async (args: string[], flags: StartFlags) => {
      const glance = await start(flags, out);
      try {
        code = await contractMain(["--config", glance.configFile, ...args], out);
      } finally {
        await glance.stop();
      }
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof GlanceError) {
      out(err.message);
      return 2;
    }
    throw err;
  }
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
