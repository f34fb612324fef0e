// Benchmark: the sandbox next to a bare node:http server doing the same trivial work (token lookup,
// JSON body, duplicate check, in-memory store), on loopback, each in its own process.
//
//   npx tsx scripts/bench-sandbox.ts [--requests 2500] [--concurrency 16] [--compare <checkout>]
//
// --compare adds the sandbox of another checkout of this repository (say, an export of an older
// commit, with node_modules linked in) to the same run, as "before", for before/after figures
// measured side by side.
//
// Prints requests per second, p50/p99 latency and the server's event-loop CPU time per request for
// adding a member and for listing an image with 10 members, as medians of three rounds; then the time the job worker takes for 25,600
// pairs (100 images x 100 + 100 + 56 projects, every image to the member limit), in memory and on a
// WAL file, in this process. The run is bounded by --requests per round and operation; nothing
// leaves 127.0.0.1.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const ownerToken = "bench-owner";
const owner = "4c5d8f1a0b2e4a6f9d3c7b1e2a5f8c0d";
const imageCount = 40;
const imageId = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
const projectId = (i: number) => i.toString(16).padStart(32, "0");
const listImage = imageId(imageCount);

/** The bare server: the same requests and answers as the sandbox's add and list, with no framework, validation or database. */
function runBareServer(): void {
  const images = new Map<string, Map<string, object>>();
  for (let i = 0; i <= imageCount; i++) images.set(imageId(i), new Map());
  const send = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  };
  const server = createServer((req, res) => {
    const match = /^\/v2\/images\/([^/]+)\/members$/.exec(req.url ?? "");
    const members = match ? images.get(match[1] as string) : undefined;
    if (req.headers["x-auth-token"] !== ownerToken)
      return send(res, 401, { message: "no", code: "401 Unauthorized", title: "Unauthorized" });
    if (!members) return send(res, 404, { message: "not found", code: "404 Not Found", title: "Not Found" });
    if (req.method === "GET") return send(res, 200, { members: [...members.values()], schema: "/v2/schemas/members" });
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      let member: unknown;
      try {
        member = (JSON.parse(raw) as { member?: unknown }).member;
      } catch {
        return send(res, 400, { message: "bad json", code: "400 Bad Request", title: "Bad Request" });
      }
      if (typeof member !== "string")
        return send(res, 400, { message: "bad member", code: "400 Bad Request", title: "Bad Request" });
      if (members.has(member)) return send(res, 409, { message: "duplicate", code: "409 Conflict", title: "Conflict" });
      const now = `${new Date().toISOString().slice(0, 19)}Z`;
      const row = {
        member_id: member,
        image_id: match?.[1],
        status: "pending",
        created_at: now,
        updated_at: now,
        schema: "/v2/schemas/member",
      };
      members.set(member, row);
      send(res, 200, row);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    console.log(`bare listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`);
  });
}

function startProcess(args: string[], ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolveStart, reject) => {
    child.once("exit", (code) => reject(new Error(`${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const match = ready.exec(line);
      if (match) resolveStart({ child, url: match[1] as string });
    });
  });
}

interface Result {
  status: number;
  ms: number;
}

function send(agent: Agent, url: string, method: string, path: string, body?: string): Promise<Result> {
  const started = performance.now();
  return new Promise((resolveSend, reject) => {
    const headers: Record<string, string> = { "X-Auth-Token": ownerToken, Accept: "application/json" };
    if (body !== undefined)
      Object.assign(headers, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(body)) });
    const req = request(`${url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolveSend({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Runs `count` requests with `concurrency` in flight; `make(i)` gives the i-th request. */
async function load(url: string, count: number, concurrency: number, make: (i: number) => [string, string, string?]) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const results: Result[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const [method, path, body] = make(next++);
        results.push(await send(agent, url, method, path, body));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { rps: count / seconds, p50: pct(50), p99: pct(99), statuses: new Set(results.map((r) => r.status)) };
}

/**
 * CPU time, in milliseconds, that the main thread of process `pid` (its event loop) has used so
 * far: utime + stime of /proc/PID/task/PID/stat, in Linux's 100 Hz clock ticks. On a shared
 * machine, CPU per request says what a server costs better than wall-clock throughput does, which
 * swings with whatever else runs.
 */
function mainThreadCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Figures {
  /** Main-thread CPU time per request, in microseconds. */
  cpuUs: number;
  rps: number;
  p50: number;
  p99: number;
  statuses: Set<number>;
}

const warmup = 300;
const rounds = 3;

/** One round against one target: adds of fresh members, then lists of a 10-member image. */
async function round(
  url: string,
  pid: number,
  roundIndex: number,
  requests: number,
  concurrency: number,
): Promise<Figures[]> {
  const measured = async (make: (i: number) => [string, string, string?]): Promise<Figures> => {
    const cpuBefore = mainThreadCpuMs(pid);
    const figures = await load(url, requests, concurrency, make);
    return { ...figures, cpuUs: ((mainThreadCpuMs(pid) - cpuBefore) * 1000) / requests };
  };
  const first = roundIndex * (warmup + requests);
  const add =
    (offset: number) =>
    (i: number): [string, string, string] => {
      const n = first + offset + i;
      return [
        "POST",
        `/v2/images/${imageId(Math.floor(n / 256))}/members`,
        JSON.stringify({ member: projectId(n % 256) }),
      ];
    };
  await load(url, warmup, concurrency, add(0));
  const adds = await measured(add(warmup));
  if (roundIndex === 0)
    for (let i = 0; i < 10; i++)
      await send(new Agent(), url, "POST", `/v2/images/${listImage}/members`, JSON.stringify({ member: projectId(i) }));
  const list = (): [string, string] => ["GET", `/v2/images/${listImage}/members`];
  await load(url, warmup, concurrency, list);
  return [adds, await measured(list)];
}

const batchImages = Array.from({ length: 100 }, (_, i) => imageId(1000 + i));
const batchProjects = Array.from({ length: 256 }, (_, i) => projectId(1000 + i));

/**
 * Seconds from submitting three batch jobs (100 x 100, 100 x 100, 100 x 56 pairs) to the end of the
 * last, and the main thread's CPU seconds meanwhile, with the sandbox's own worker, default chunk
 * size, on a fresh database.
 */
async function timeBatchJobs(checkout: string, file: string): Promise<{ seconds: number; cpuSeconds: number }> {
  // The modules of the checkout under test, which may be another one than this script's (--compare).
  const load = <T>(module: string) =>
    import(pathToFileURL(join(checkout, "src", "sandbox", module)).href) as Promise<T>;
  const { AccessRules } = await load<typeof import("../src/sandbox/access.ts")>("access.ts");
  const { BatchSharing } = await load<typeof import("../src/sandbox/batch.ts")>("batch.ts");
  const { openDatabase, Store } = await load<typeof import("../src/sandbox/db.ts")>("db.ts");
  const { JobRunner } = await load<typeof import("../src/sandbox/jobs.ts")>("jobs.ts");
  const { integerSettings } = await load<typeof import("../src/sandbox/options.ts")>("options.ts");
  const { Catalog, checkSeed } = await load<typeof import("../src/sandbox/seed.ts")>("seed.ts");
  const seed = checkSeed({
    projects: [{ id: owner, name: "owner", token: ownerToken }],
    images: batchImages.map((id, i) => ({ id, name: `batch-${i}`, owner: "owner", visibility: "shared" })),
  });
  const db = openDatabase(file);
  const store = new Store(db);
  const access = new AccessRules(store, new Catalog(seed), integerSettings.memberLimit.default);
  const pacing = { chunkSize: integerSettings.jobChunkSize.default, delayMs: 0 };
  const clock = () => new Date();
  const runner = new JobRunner(store, access, clock, pacing);
  const batch = new BatchSharing(store, access, runner, clock, integerSettings.maxQueuedJobs.default);
  const started = performance.now();
  const cpuBefore = mainThreadCpuMs(process.pid);
  const jobs = [batchProjects.slice(0, 100), batchProjects.slice(100, 200), batchProjects.slice(200)].map(
    (projects) => batch.submit(owner, { images: batchImages, projects }).job_id,
  );
  const last = jobs.at(-1) as string;
  while (!["SUCCESS", "FAIL"].includes(store.read(() => store.job(last)?.status) ?? "")) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 1));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = (mainThreadCpuMs(process.pid) - cpuBefore) / 1000;
  const statuses = jobs.map((id) => store.job(id)?.status);
  const counts = new Set(batchImages.map((id) => store.memberCount(id)));
  await runner.stop();
  db.close();
  if (statuses.some((status) => status !== "SUCCESS") || counts.size !== 1 || !counts.has(256))
    throw new Error(`batch jobs ended ${statuses.join(", ")} with member counts ${[...counts].join(", ")}`);
  return { seconds, cpuSeconds };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: "string", default: "2500" },
      concurrency: { type: "string", default: "16" },
      "bare-server": { type: "boolean" },
      compare: { type: "string" },
    },
  });
  if (values["bare-server"]) return runBareServer();
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const most = Math.floor((imageCount * 256) / rounds) - warmup;
  if (!Number.isInteger(requests) || requests < 1 || requests > most) throw new Error(`--requests must be 1..${most}`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new Error("--concurrency must be 1..256");

  const dir = mkdtempSync(join(tmpdir(), "bench-sandbox-"));
  const seed = join(dir, "seed.yaml");
  const images = Array.from(
    { length: imageCount + 1 },
    (_, i) => `  - {id: ${imageId(i)}, name: bench-${i}, owner: owner, visibility: shared}`,
  );
  writeFileSync(
    seed,
    `projects:\n  - {id: ${owner}, name: owner, token: ${ownerToken}}\nimages:\n${images.join("\n")}\n`,
  );

  const root = resolve(import.meta.dirname, "..");
  const sandboxTargets = (name: string, checkout: string): [string, string[], RegExp][] => {
    const cli = join(checkout, "src", "sandbox", "cli.ts");
    const common = ["--port", "0", "--quiet", "--seed", seed];
    const ready = /^sandbox listening on (\S+)$/;
    return [
      [name, [cli, "--memory", ...common], ready],
      [`${name}+db`, [cli, "--db", join(dir, `${name}.sqlite`), ...common], ready],
    ];
  };
  const targets: [string, string[], RegExp][] = [
    ["bare", [join(root, "scripts", "bench-sandbox.ts"), "--bare-server"], /^bare listening on (\S+)$/],
    ...(values.compare ? sandboxTargets("before", resolve(values.compare)) : []),
    ...sandboxTargets("sandbox", root),
  ];
  console.log(
    `${requests} requests per operation and round, ${concurrency} in flight, ${rounds} rounds (medians shown), loopback, node ${process.version}`,
  );
  const running = [];
  for (const [name, args, ready] of targets)
    running.push({ name, ...(await startProcess(args, ready)), figures: [] as Figures[][] });
  try {
    for (let r = 0; r < rounds; r++) {
      // Rotate the order so that no target always runs first, on a cold machine, or last.
      for (let t = 0; t < running.length; t++) {
        const target = running[(t + r) % running.length] as (typeof running)[number];
        target.figures.push(await round(target.url, target.child.pid as number, r, requests, concurrency));
      }
    }
  } finally {
    for (const target of running) target.child.kill("SIGTERM");
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  for (const [opIndex, op] of ["add member", "list (10 members)"].entries()) {
    const bare = running[0]?.figures.map((f) => f[opIndex] as Figures) ?? [];
    const bareRps = median(bare.map((f) => f.rps));
    const bareCpu = mean(bare.map((f) => f.cpuUs));
    for (const target of running) {
      const figures = target.figures.map((f) => f[opIndex] as Figures);
      const rps = figures.map((f) => f.rps);
      const cpu = mean(figures.map((f) => f.cpuUs));
      const statuses = new Set(figures.flatMap((f) => [...f.statuses]));
      console.log(
        `${op.padEnd(18)} ${target.name.padEnd(11)} ${Math.round(median(rps)).toString().padStart(6)} req/s (${Math.round(Math.min(...rps))}-${Math.round(Math.max(...rps))})` +
          ` ${(median(rps) / bareRps).toFixed(2)}x bare` +
          `   p50 ${median(figures.map((f) => f.p50))
            .toFixed(2)
            .padStart(5)} ms   p99 ${median(figures.map((f) => f.p99))
            .toFixed(2)
            .padStart(6)} ms` +
          `   event loop ${Math.round(cpu).toString().padStart(4)} µs CPU/req, ${(bareCpu / cpu).toFixed(2)}x bare's capacity` +
          `   statuses ${[...statuses].join(",")}`,
      );
    }
  }
  const checkouts: [string, string][] = [
    ...(values.compare ? [["before", resolve(values.compare)] as [string, string]] : []),
    ["sandbox", root],
  ];
  nextCheckout: for (const [checkoutName, checkout] of checkouts) {
    for (const [name, file] of [
      ["memory", ":memory:"],
      ["WAL file", join(dir, `batch-${checkoutName}.sqlite`)],
    ] as const) {
      const runs: { seconds: number; cpuSeconds: number }[] = [];
      for (let r = 0; r < rounds; r++) {
        rmSync(file, { force: true });
        rmSync(`${file}-wal`, { force: true });
        rmSync(`${file}-shm`, { force: true });
        try {
          runs.push(await timeBatchJobs(checkout, file));
        } catch (error) {
          // A checkout older than the modules this timing loads (src/sandbox/access.ts, options.ts).
          console.log(`batch 25,600 pairs ${checkoutName}: not measured (${(error as Error).message})`);
          continue nextCheckout;
        }
      }
      const times = runs.map((run) => run.seconds);
      const seconds = median(times);
      console.log(
        `batch 25,600 pairs ${checkoutName.padEnd(8)} ${name.padEnd(9)} ${seconds.toFixed(3)} s (${Math.min(...times).toFixed(3)}-${Math.max(...times).toFixed(3)})   ${Math.round(25_600 / seconds)} pairs/s   event loop ${median(runs.map((run) => run.cpuSeconds)).toFixed(3)} s CPU`,
      );
    }
  }
}

await main();
