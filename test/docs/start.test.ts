// `npm start` serves the docs, the mock and the sandbox together, and Ctrl-C (SIGINT) stops all of
// them without leaving a process behind. The builds are skipped here (--no-build): the docs build is
// covered by the other docs tests, and rebuilding generated/ would race with tests that read it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/docs/build.ts";

let dir: string;
let start: ChildProcess | undefined;

beforeAll(() => {
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  dir = mkdtempSync(join(repoRoot, ".tmp", "start-docs-"));
  writeFileSync(join(dir, "index.html"), "<!DOCTYPE html><title>fixture docs</title><p>fixture docs</p>\n");
});
afterAll(() => {
  if (start?.exitCode === null) start.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Every process below `pid`, read from /proc (Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the name in field 2 may hold spaces, hence the slice.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return `pid ${pid}`;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start (scripts/start.ts)", () => {
  it("serves docs, mock and sandbox on free ports, then stops all of them on SIGINT", async () => {
    start = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "scripts", "start.ts"),
        "--no-build",
        "--docs-dir",
        dir,
        "--docs-port",
        "0",
        "--mock-port",
        "0",
        "--sandbox-port",
        "0",
      ],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const child = start;
    let output = "";
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs printed within 40 s:\n${output}`)), 40_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = Object.fromEntries(
          [...output.matchAll(/^\s+(docs|mock|sandbox)\s+(http:\/\/\S+)/gm)].map((m) => [m[1], m[2]]),
        );
        if (Object.keys(found).length === 3) {
          clearTimeout(timer);
          resolve(found as Record<string, string>);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`start exited with ${code}:\n${output}`)));
    });

    for (const url of Object.values(urls)) expect(new URL(url).hostname).toBe("127.0.0.1");
    expect(await (await fetch(urls.docs ?? "")).text()).toContain("fixture docs");
    const image = "/v2/images/d164b5df-1bc3-4c3f-893e-3e471fd16e64/members";
    const mock = await fetch(`${urls.mock}${image}`, { headers: { "X-Auth-Token": "any-token" } });
    expect(mock.status).toBe(200);
    expect(await mock.json()).toHaveProperty("schema", "/v2/schemas/members");
    const sandbox = await fetch(`${urls.sandbox}${image}`, {
      headers: { "X-Auth-Token": "owner-token", Accept: "application/json" },
    });
    expect(sandbox.status).toBe(200);
    expect(await sandbox.json()).toEqual({ members: [], schema: "/v2/schemas/members" });

    const pids = descendants(child.pid ?? -1);
    const names = Object.fromEntries(pids.map((pid) => [pid, commandLine(pid)]));
    expect(pids.length, "Prism and the sandbox run as child processes").toBeGreaterThanOrEqual(2);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    child.kill("SIGINT");
    expect(await exited).toEqual({ code: 0, signal: null });
    // A helper such as esbuild's service process ends when its parent's pipe closes, a moment later.
    for (let waited = 0; pids.some(alive) && waited < 2_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    expect(
      pids.filter(alive).map((pid) => names[pid]),
      "processes left behind",
    ).toEqual([]);
    for (const url of Object.values(urls)) await expect(fetch(url), url).rejects.toThrow();
  }, 60_000);
});
