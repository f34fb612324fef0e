// The `npm run sandbox` command line: its options, its output and its refusals.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { call, image, project, runCli, startCli, token } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sandbox-cli-"));

describe("sandbox --help", () => {
  it("documents every option", async () => {
    const { code, stdout } = await runCli(["--help"]);
    expect(code).toBe(0);
    for (const option of [
      "--host <address>",
      "--port <number>",
      "--db <file>",
      "--memory",
      "--seed <file>",
      "--member-limit <n>",
      "--job-chunk-size <n>",
      "--job-delay <ms>",
      "--max-queued-jobs <n>",
      "--body-limit <bytes>",
      "--quiet",
      "--help",
    ]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('(default: "127.0.0.1")');
    expect(stdout).toContain("(default: 9292)");
    expect(stdout).toContain("(default: 256)");
  });
});

describe("a running sandbox", () => {
  it("prints its address, logs one line per request and stops cleanly on SIGTERM", async () => {
    const { child, url, lines } = await startCli(["--port", "0", "--memory"]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await call(url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      json: { member: project.member },
    });
    await call(url, "GET", "/nowhere");
    const exited = new Promise<number | null>((r) => child.once("exit", r));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^POST /v2/images/${image.shared}/members 200 \\d+\\.\\dms$`)),
      expect.stringMatching(/^GET \/nowhere 404 \d+\.\dms$/),
    ]);
  });

  it("logs nothing with --quiet", async () => {
    const { child, url, lines } = await startCli(["--port", "0", "--memory", "--quiet"]);
    await call(url, "GET", "/versions");
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    expect(lines).toEqual([`sandbox listening on ${url}`]);
  });

  it("applies --member-limit", async () => {
    const { url } = await startCli(["--port", "0", "--memory", "--quiet", "--member-limit", "1"]);
    await call(url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      json: { member: project.member },
    });
    const second = await call(url, "POST", `/v2/images/${image.shared}/members`, {
      token: token.owner,
      json: { member: project.member2 },
    });
    expect(second.status).toBe(413);
  });
});

describe("refusals at start-up", () => {
  it.each([
    [["--member-limit", "257"], "option '--member-limit <n>' argument '257' is invalid"],
    [["--port", "http"], "option '--port <number>' argument 'http' is invalid"],
    [["--body-limit", "10"], "option '--body-limit <bytes>' argument '10' is invalid"],
    [["--memory", "--db", "x.sqlite"], "cannot be used with option '--memory'"],
    [["--colour"], "unknown option '--colour'"],
  ])("refuses %j with a message", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).not.toBe(0);
    expect(stderr).toContain(message);
  });

  it("refuses a bad seed file, naming the file and the field", async () => {
    const seed = join(dir, "bad.yaml");
    writeFileSync(
      seed,
      `projects:\n  - {id: ${project.owner}, name: owner, token: t}\nimages:\n  - {id: ${image.shared}, name: x, owner: owner, visibility: hidden}\n`,
    );
    const { code, stderr } = await runCli(["--memory", "--seed", seed]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `sandbox: seed file ${seed}: images[0].visibility must be one of "private", "shared", "public"`,
    );
  });

  it("refuses a database file that a running sandbox holds (it locks its file exclusively)", async () => {
    const db = join(dir, "held.sqlite");
    await startCli(["--port", "0", "--quiet", "--db", db]);
    const { code, stderr } = await runCli(["--port", "0", "--db", db]);
    expect(code).toBe(1);
    expect(stderr).toContain("database is locked");
  });

  it("refuses a database file it cannot create", async () => {
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "");
    const { code, stderr } = await runCli(["--db", join(blocker, "x.sqlite")]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^sandbox: /);
  });
});
