// Starts the local servers that `npm start` and the tests need as child processes, waits until
// they are ready, and stops them again. Shared by scripts/start.ts and test/mock.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
const prismCli = join(repoRoot, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");

export interface RunningServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Called with each line the child prints; by default the output is dropped. */
  onLine?: (line: string) => void;
  readyTimeoutMs?: number;
}

/** A port that was free a moment ago, for children that cannot listen on port 0 themselves. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready, fail) => probe.once("error", fail).listen(0, host, () => ready()));
  const address = probe.address();
  await new Promise<void>((done) => probe.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("could not read the probe port");
  return address.port;
}

/** Prism in mock mode on the bundled spec, with request validation (its default) and static examples. */
export async function startPrism(options: SpawnOptions & { spec?: string } = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const spec = options.spec ?? join(repoRoot, "generated", "openapi.yaml");
  const child = spawn(process.execPath, [prismCli, "mock", "--host", host, "--port", String(port), spec], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const url = `http://${host}:${port}`;
  await waitForLine(child, /Prism is listening on/, "prism", options);
  return { url, child, stop: () => stopChild(child) };
}

/** The stateful sandbox through its CLI (`sandbox/cli.ts`), seeded with the default seed, in memory. */
export async function startSandboxProcess(options: SpawnOptions & { args?: string[] } = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(repoRoot, "src", "sandbox", "cli.ts"),
      "--host",
      host,
      "--port",
      String(port),
      ...(options.args ?? ["--memory"]),
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  const line = await waitForLine(child, /sandbox listening on (http:\/\/\S+)/, "sandbox", options);
  const url = /sandbox listening on (http:\/\/\S+)/.exec(line)?.[1] ?? `http://${host}:${port}`;
  return { url: url.replace(/\/$/, ""), child, stop: () => stopChild(child) };
}

function waitForLine(child: ChildProcess, ready: RegExp, name: string, options: SpawnOptions): Promise<string> {
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  return new Promise((resolveLine, reject) => {
    const recent: string[] = [];
    let found = false;
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${recent.join("\n")}`));
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split(/\r?\n/)) {
        if (!line.trim()) continue;
        options.onLine?.(line);
        recent.push(line);
        if (recent.length > 30) recent.shift();
        if (!found && ready.test(line)) {
          found = true;
          clearTimeout(timer);
          resolveLine(line);
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      if (!found) fail(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
}

/** SIGTERM, then SIGKILL if the child is still there after a grace period. Resolves once it exited. */
export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      done();
    });
    child.kill("SIGTERM");
  });
}
