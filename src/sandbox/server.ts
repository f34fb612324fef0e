// Starts a sandbox: opens the database, loads the seed, compiles the contract's validators, resumes
// unfinished jobs and listens. Importing this module does nothing by itself.
import { resolve } from "node:path";
import { loadSpec } from "../spec/openapi.ts";
import { AccessRules } from "./access.ts";
import { BatchSharing } from "./batch.ts";
import { openDatabase, Store } from "./db.ts";
import { buildApp } from "./http/app.ts";
import { JobRunner } from "./jobs.ts";
import { MemberRules } from "./members.ts";
import { integerOption } from "./options.ts";
import { Catalog, checkSeed, defaultSeedPath, loadSeedFile, type Seed } from "./seed.ts";
import { loadContract } from "./spec.ts";
import { type Clock, systemClock } from "./time.ts";

export { OptionError } from "./options.ts";

export const defaultDbPath = resolve(import.meta.dirname, "..", "..", ".tmp", "sandbox.sqlite");
export const defaultHost = "127.0.0.1";

export interface SandboxOptions {
  /** Address to bind; 127.0.0.1 unless given. */
  host?: string;
  /** Port to bind; 0 picks a free one. Default 9292. */
  port?: number;
  /** SQLite file (WAL). Without it the database lives in memory and is gone after close(). */
  db?: string;
  /** A seed file path, or a seed given as an object. Default: sandbox/seed.default.yaml. */
  seed?: string | Seed;
  /** Members an image may have, 1 to 256. Default 256. */
  memberLimit?: number;
  /** Pairs a job writes per transaction. Default 500. */
  jobChunkSize?: number;
  /** Pause before each job chunk, in milliseconds, to watch jobs progress. Default 0. */
  jobDelayMs?: number;
  /** Unfinished jobs a project may have before batch requests get 503 (IMG.0060). Default 50. */
  maxQueuedJobs?: number;
  /** Largest request body in bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** No request log. Default: quiet under vitest, logging otherwise. */
  quiet?: boolean;
  /** Where request log lines go. Default: stdout. */
  log?: (line: string) => void;
  /** Source of the current time (tests). */
  clock?: Clock;
}

export interface Sandbox {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** Stops the worker after its current chunk, closes every connection and the database. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const memberLimit = integerOption("memberLimit", options.memberLimit);
  const port = integerOption("port", options.port);
  const pacing = {
    chunkSize: integerOption("jobChunkSize", options.jobChunkSize),
    delayMs: integerOption("jobDelayMs", options.jobDelayMs),
  };
  const maxQueuedJobs = integerOption("maxQueuedJobs", options.maxQueuedJobs);
  const bodyLimit = integerOption("bodyLimit", options.bodyLimit);
  const clock = options.clock ?? systemClock;

  const doc = loadSpec();
  const seed =
    typeof options.seed === "object"
      ? checkSeed(options.seed, "seed", doc)
      : loadSeedFile(options.seed ?? defaultSeedPath, doc);
  const catalog = new Catalog(seed);
  const contract = loadContract(doc);

  const db = openDatabase(options.db ?? ":memory:");
  const store = new Store(db);
  const access = new AccessRules(store, catalog, memberLimit);
  const runner = new JobRunner(store, access, clock, pacing);
  const members = new MemberRules(store, access, clock);
  const batch = new BatchSharing(store, access, runner, clock, maxQueuedJobs);
  const quiet = options.quiet ?? process.env.VITEST !== undefined;
  const log = quiet ? undefined : (options.log ?? ((line: string) => void process.stdout.write(`${line}\n`)));

  const app = buildApp({ contract, catalog, members, batch, bodyLimit, log });
  try {
    await app.listen({ host: options.host ?? defaultHost, port });
  } catch (error) {
    db.close();
    throw error;
  }
  runner.resume();

  const address = app.server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const host = options.host ?? defaultHost;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`,
    close() {
      closing ??= (async () => {
        await runner.stop();
        await app.close();
        db.close();
      })();
      return closing;
    },
  };
}
