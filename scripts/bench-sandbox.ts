// Benchmark: the sandbox next to a bare node:http server doing the same trivial work (token lookup,
// JSON body, duplicate check, in-memory store), on loopback, each in its own process.
//
//   npx tsx scripts/bench-sandbox.ts [--requests 2500] [--concurrency 16]
//
// Prints requests per second and p50/p99 latency for adding a member and for listing an image
// with 10 members, as medians of three rounds. The run is bounded by --requests per round and
// operation; nothing leaves 127.0.0.1.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
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

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  statuses: Set<number>;
}

const warmup = 300;
const rounds = 3;

/** One round against one target: adds of fresh members, then lists of a 10-member image. */
async function round(url: string, roundIndex: number, requests: number, concurrency: number): Promise<Figures[]> {
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
  const adds = await load(url, requests, concurrency, add(warmup));
  if (roundIndex === 0)
    for (let i = 0; i < 10; i++)
      await send(new Agent(), url, "POST", `/v2/images/${listImage}/members`, JSON.stringify({ member: projectId(i) }));
  const list = (): [string, string] => ["GET", `/v2/images/${listImage}/members`];
  await load(url, warmup, concurrency, list);
  return [adds, await load(url, requests, concurrency, list)];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: "string", default: "2500" },
      concurrency: { type: "string", default: "16" },
      "bare-server": { type: "boolean" },
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
  const targets: [string, string[], RegExp][] = [
    ["bare", [join(root, "scripts", "bench-sandbox.ts"), "--bare-server"], /^bare listening on (\S+)$/],
    [
      "sandbox",
      [join(root, "src", "sandbox", "cli.ts"), "--port", "0", "--memory", "--quiet", "--seed", seed],
      /^sandbox listening on (\S+)$/,
    ],
    [
      "sandbox+db",
      [
        join(root, "src", "sandbox", "cli.ts"),
        "--port",
        "0",
        "--db",
        join(dir, "bench.sqlite"),
        "--quiet",
        "--seed",
        seed,
      ],
      /^sandbox listening on (\S+)$/,
    ],
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
        target.figures.push(await round(target.url, r, requests, concurrency));
      }
    }
  } finally {
    for (const target of running) target.child.kill("SIGTERM");
  }
  for (const [opIndex, op] of ["add member", "list (10 members)"].entries()) {
    for (const target of running) {
      const figures = target.figures.map((f) => f[opIndex] as Figures);
      const rps = figures.map((f) => f.rps);
      const statuses = new Set(figures.flatMap((f) => [...f.statuses]));
      console.log(
        `${op.padEnd(18)} ${target.name.padEnd(11)} ${Math.round(median(rps)).toString().padStart(6)} req/s (${Math.round(Math.min(...rps))}-${Math.round(Math.max(...rps))})` +
          `   p50 ${median(figures.map((f) => f.p50))
            .toFixed(2)
            .padStart(5)} ms   p99 ${median(figures.map((f) => f.p99))
            .toFixed(2)
            .padStart(6)} ms   statuses ${[...statuses].join(",")}`,
      );
    }
  }
}

await main();
