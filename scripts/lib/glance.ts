// A real OpenStack Glance API (Debian's glance-api, Zed) as a throw-away test server: its own
// folder with config, SQLite database and image store; one process on loopback; identities taken
// from request headers instead of Keystone; fixture images created; a ready contract-suite config
// written next to it. `stop()` ends the process and removes the folder.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { configSchemaPath } from "../../src/contract/config.ts";
import { freePort, repoRoot, stopChild } from "./processes.ts";

export class GlanceError extends Error {
  override name = "GlanceError";
}

const templateDir = join(repoRoot, "scripts", "glance");
/** The suite's documented Glance config: actors and their identity headers come from there. */
export const exampleConfigPath = join(repoRoot, "src", "contract", "examples", "glance.yaml");
export const installScript = join(templateDir, "install.sh");
export const installHint = `sudo ${installScript}   (apt-get install glance-api, about 900 MB)`;

export interface GlanceOptions {
  host?: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Glance's `image_member_quota` (its default is 128). */
  memberQuota?: number;
  /** Time allowed from spawning glance-api to its first answer. */
  readyTimeoutMs?: number;
  /** Leave the folder (database, log, config) in place after `stop()`. */
  keep?: boolean;
}

export interface GlanceFixtures {
  /** Two `shared` images of the owner. */
  shareableImages: string[];
  /** A `private` image of the owner (Glance refuses members on it). */
  privateImage: string;
  /** A `public` image of the owner, created by an admin (only admins may publish). */
  publicImage: string;
}

export interface RunningGlance {
  baseUrl: string;
  /** The instance's folder: glance-api.conf, glance-api-paste.ini, glance.sqlite, images/, logs. */
  dir: string;
  logFile: string;
  /** The contract-suite config for this instance, as written to `configFile`. */
  config: Record<string, unknown>;
  configFile: string;
  fixtures: GlanceFixtures;
  pid: number;
  /** How long each start-up step took, in ms. */
  timings: { dbSyncMs: number; readyMs: number; fixturesMs: number };
  stop(): Promise<void>;
}

interface ExampleActor {
  project: string;
  headers: Record<string, string>;
}

/** The path of `name` on PATH, or undefined. */
function which(name: string): string | undefined {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

export function findGlance(): { api: string; manage: string; python: string } | undefined {
  const api = which("glance-api");
  const manage = which("glance-manage");
  const python = which("python3");
  return api && manage && python ? { api, manage, python } : undefined;
}

// Runs glance-api (argv[1:]) in this very process after asking Linux to send it SIGTERM when its
// parent dies (prctl PR_SET_PDEATHSIG), so that no glance-api outlives the Node process that
// started it, even when that one is killed (a test runner's timeout, Ctrl-C, SIGKILL).
const dieWithParent = [
  "import ctypes, os, signal, sys",
  "ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)",
  "os.execv(sys.argv[1], sys.argv[1:])",
].join("\n");

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (marker, name: string) => {
    const value = values[name];
    if (value === undefined) throw new GlanceError(`template marker ${marker} has no value`);
    return String(value);
  });
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export async function startGlance(options: GlanceOptions = {}): Promise<RunningGlance> {
  const bin = findGlance();
  if (!bin) throw new GlanceError(`glance-api is not installed. Install it with:\n  ${installHint}`);
  const host = options.host ?? "127.0.0.1";
  // glance-api retries a busy port for 30 s before giving up; say so at once instead.
  const port = options.port ? await assertFree(host, options.port) : await freePort(host);
  const dir = mkdtempSync(join(tmpdir(), "ims-glance-"));
  const values = { dir, host, port, memberQuota: options.memberQuota ?? 128 };
  for (const name of ["glance-api.conf", "glance-api-paste.ini"])
    writeFileSync(join(dir, name), fill(readFileSync(join(templateDir, name), "utf8"), values));
  for (const sub of ["images", "staging", "lock"]) mkdirSync(join(dir, sub));
  const conf = join(dir, "glance-api.conf");

  const dbLog = join(dir, "db-sync.log");
  let mark = Date.now();
  /** Milliseconds since the previous lap (or the start). */
  const lap = (): number => {
    const now = Date.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(bin.manage, ["--config-file", conf, "db_sync"], {
      cwd: dir,
      timeout: 120_000,
    });
    writeFileSync(dbLog, stdout + stderr);
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    writeFileSync(dbLog, `${e.stdout ?? ""}${e.stderr ?? ""}`);
    throw new GlanceError(`glance-manage db_sync failed (${e.message.split("\n")[0]}); log: ${dbLog}\n${tail(dbLog)}`);
  }

  const dbSyncMs = lap();
  const logFile = join(dir, "glance-api.log");
  const log = openSync(logFile, "a");
  const child = spawn(bin.python, ["-c", dieWithParent, bin.api, "--config-file", conf], {
    cwd: dir,
    stdio: ["ignore", log, log],
  });
  closeSync(log); // the child has its own copy
  const baseUrl = `http://${host}:${port}`;
  try {
    await waitUntilReady(child, baseUrl, logFile, options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  const readyMs = lap();
  const stop = async () => {
    await stopChild(child, 10_000);
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const example = parseYaml(readFileSync(exampleConfigPath, "utf8")) as {
      actors: { owner: ExampleActor };
      fixtures: Record<string, unknown>;
    } & Record<string, unknown>;
    const owner = example.actors.owner;
    const admin = { ...owner.headers, "X-Roles": "admin,member,reader" };
    const create = (name: string, visibility: string, headers: Record<string, string>) =>
      createImage(baseUrl, headers, {
        name,
        visibility,
        owner: owner.project,
        disk_format: "raw",
        container_format: "bare",
      });
    const fixtures: GlanceFixtures = {
      shareableImages: [
        await create("contract-shared-1", "shared", owner.headers),
        await create("contract-shared-2", "shared", owner.headers),
      ],
      privateImage: await create("contract-private", "private", owner.headers),
      publicImage: await create("contract-public", "public", admin),
    };
    const config = suiteConfig(example, baseUrl, fixtures);
    const configFile = join(dir, "contract.yaml");
    writeFileSync(
      configFile,
      `# ims-contract config for the Glance at ${baseUrl} (written by scripts/lib/glance.ts)\n${stringifyYaml(config)}`,
    );
    const timings = { dbSyncMs, readyMs, fixturesMs: lap() };
    return { baseUrl, dir, logFile, config, configFile, fixtures, pid: child.pid ?? 0, timings, stop };
  } catch (err) {
    // The folder stays, so that the log named in the error can be read.
    await stopChild(child, 10_000);
    throw err;
  }
}

/** The example config with this instance's address and fixtures. */
function suiteConfig(
  example: Record<string, unknown> & { fixtures: Record<string, unknown> },
  baseUrl: string,
  fixtures: GlanceFixtures,
): Record<string, unknown> {
  const { $schema: _, ...rest } = example;
  // The private-image fixture is written only once the suite's config schema knows the field.
  const schema = JSON.parse(readFileSync(configSchemaPath, "utf8")) as {
    properties: { fixtures: { properties: Record<string, unknown> } };
  };
  const knowsPrivate = "privateImages" in schema.properties.fixtures.properties;
  return {
    ...rest,
    baseUrl,
    fixtures: {
      ...example.fixtures,
      shareableImages: fixtures.shareableImages,
      publicImage: fixtures.publicImage,
      ...(knowsPrivate ? { privateImages: [fixtures.privateImage] } : {}),
    },
  };
}

async function createImage(baseUrl: string, headers: Record<string, string>, body: object): Promise<string> {
  const response = await fetch(`${baseUrl}/v2/images`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201)
    throw new GlanceError(`creating the fixture image ${JSON.stringify(body)} got ${response.status}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

async function assertFree(host: string, port: number): Promise<number> {
  const probe = createServer();
  try {
    await new Promise<void>((listening, fail) => probe.once("error", fail).listen(port, host, () => listening()));
  } catch (err) {
    throw new GlanceError(`cannot start glance-api on ${host}:${port}: ${(err as Error).message}`);
  }
  await new Promise<void>((closed) => probe.close(() => closed()));
  return port;
}

/** Polls `GET /versions` until it answers 200; fails early if the process exits. */
async function waitUntilReady(child: ChildProcess, baseUrl: string, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited)
      throw new GlanceError(
        `glance-api exited before it answered (code ${child.exitCode}, signal ${child.signalCode}); log: ${logFile}\n${tail(logFile)}`,
      );
    try {
      const response = await fetch(`${baseUrl}/versions`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new GlanceError(
    `glance-api did not answer ${baseUrl}/versions within ${timeoutMs} ms; log: ${logFile}\n${tail(logFile)}`,
  );
}
