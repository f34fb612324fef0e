// One log line per request, whatever its outcome, and silence under tests unless asked for.
import { describe, expect, it, vi } from "vitest";
import { startSandbox } from "../../src/sandbox/server.ts";
import { call, image, project, token } from "./helpers.ts";

describe("the request log", () => {
  it("writes one line per request: method, path, status and milliseconds", async () => {
    const lines: string[] = [];
    const sandbox = await startSandbox({ port: 0, quiet: false, log: (line) => lines.push(line) });
    try {
      await call(sandbox.url, "POST", `/v2/images/${image.shared}/members`, {
        token: token.owner,
        json: { member: project.member },
      });
      await call(sandbox.url, "GET", `/v2/images/${image.shared}/members?x=1`);
      await call(sandbox.url, "PATCH", "/v1/cloudimages/members");
      await call(sandbox.url, "POST", "/v1/cloudimages/members", {
        token: token.owner,
        raw: "{",
        headers: { "Content-Type": "application/json" },
      });
    } finally {
      await sandbox.close();
    }
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^POST /v2/images/${image.shared}/members 200 \\d+\\.\\dms$`));
    expect(lines[1]).toMatch(new RegExp(`^GET /v2/images/${image.shared}/members\\?x=1 401 \\d+\\.\\dms$`));
    expect(lines[2]).toMatch(/^PATCH \/v1\/cloudimages\/members 405 \d+\.\dms$/);
    expect(lines[3]).toMatch(/^POST \/v1\/cloudimages\/members 400 \d+\.\dms$/);
  });

  it("stays quiet under vitest when not told otherwise", async () => {
    const stdout = vi.spyOn(process.stdout, "write");
    const sandbox = await startSandbox({ port: 0 });
    try {
      await call(sandbox.url, "GET", "/versions");
    } finally {
      await sandbox.close();
    }
    expect(stdout.mock.calls.filter(([chunk]) => String(chunk).includes("GET /versions"))).toEqual([]);
    stdout.mockRestore();
  });
});
