// Starts a sandbox: opens the database, loads the seed, compiles the contract's validators, resumes
// unfinished jobs and listens. Importing this module does nothing by itself.
import { resolve } from "node:path";
import { loadSpec } from "../spec/openapi.ts";
import { BatchSharing, defaultMaxQueuedJobs } from "./batch.ts";
import { openDatabase, Store } from "./db.ts";
import { buildApp } from "./http/app.ts";
import { defaultJobPacing, JobRunner } from "./jobs.ts";
import { defaultMemberLimit, MemberRules } from "./members.ts";
import { Catalog, checkSeed, defaultSeedPath, loadSeedFile, type Seed } from "./seed.ts";
import { compileOperations } from "./spec.ts";
import { type Clock, systemClock } from "./time.ts";

export const defaultDbPath = resolve(import.meta.dirname, "..", "..", ".tmp", "sandbox.sqlite");
export const defaultPort = 9292;
export const defaultHost = "127.0.0.1";
/** Bodies above this many bytes get 413. The largest valid batch request is about 8 KB. */
export const defaultBodyLimit = 64 * 1024;

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
  /** Pairs a job writes per transaction. Default 200. */
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

export class OptionError extends Error {
  override name = "OptionError";
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new OptionError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  return n;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const memberLimit = integerOption("memberLimit", options.memberLimit, defaultMemberLimit, 1, defaultMemberLimit);
  const port = integerOption("port", options.port, defaultPort, 0, 65535);
  const pacing = {
    chunkSize: integerOption("jobChunkSize", options.jobChunkSize, defaultJobPacing.chunkSize, 1, 10_000),
    delayMs: integerOption("jobDelayMs", options.jobDelayMs, defaultJobPacing.delayMs, 0, 60_000),
  };
  const maxQueuedJobs = integerOption("maxQueuedJobs", options.maxQueuedJobs, defaultMaxQueuedJobs, 1, 100_000);
  const bodyLimit = integerOption("bodyLimit", options.bodyLimit, defaultBodyLimit, 1024, 16 * 1024 * 1024);
  const clock = options.clock ?? systemClock;

  const doc = loadSpec();
  const seed =
    typeof options.seed === "object"
      ? checkSeed(options.seed, "seed", doc)
      : loadSeedFile(options.seed ?? defaultSeedPath, doc);
  const catalog = new Catalog(seed);
  const operations = compileOperations(doc);

  const db = openDatabase(options.db ?? ":memory:");
  const store = new Store(db);
  const runner = new JobRunner(store, memberLimit, clock, pacing);
  const members = new MemberRules(store, catalog, memberLimit, clock);
  const batch = new BatchSharing(store, catalog, runner, clock, maxQueuedJobs);
  const quiet = options.quiet ?? process.env.VITEST !== undefined;
  const log = quiet ? undefined : (options.log ?? ((line: string) => void process.stdout.write(`${line}\n`)));

  const app = buildApp({ operations, catalog, members, batch, bodyLimit, log });
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
