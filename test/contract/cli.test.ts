// The ims-contract command: progress, table, failure details and exit code, the JUnit and JSON
// reports, and the CLI run as a separate process (the installed bin itself: test/package/).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { checkNames } from "../../src/contract/checks/registry.ts";
import { main } from "../../src/contract/cli.ts";
import type { RunResult } from "../../src/contract/run.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { repoRoot } from "../../src/spec/openapi.ts";
import { faults, sandboxConfigPath } from "./faults/catalogue.ts";
import { type RunningProxy, startFaultProxy } from "./faults/proxy.ts";

const deviationsPath = join(import.meta.dirname, "sandbox-deviations.yaml");
const dir = mkdtempSync(join(tmpdir(), "ims-contract-cli-"));

let sandbox: Sandbox;
let faulty: RunningProxy;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  const fault = faults.find((f) => f.id === "add-answers-201");
  if (!fault) throw new Error("fault add-answers-201 is missing from the catalogue");
  faulty = await startFaultProxy(sandbox.url, fault);
});
afterAll(async () => {
  await faulty?.close();
  await sandbox?.close();
});

async function cli(args: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await main(["--config", sandboxConfigPath, ...args], (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

// Every check but path_robustness, whose over-long ids the sandbox answers with messages longer than the
// error schemas allow (sandbox-deviations.yaml); sandbox.test.ts runs that one.
const conforming = checkNames.filter((c) => c !== "path_robustness");
const cells = 7 * conforming.length;

describe("against a conforming server", () => {
  let run: { code: number; output: string };
  const junit = join(dir, "pass.xml");
  const json = join(dir, "pass.json");
  beforeAll(async () => {
    run = await cli(["--base-url", sandbox.url, "--checks", conforming.join(","), "--junit", junit, "--json", json]);
  });

  test("exits 0 and says PASSED", () => {
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^PASSED: 0 failed, 0 inconclusive, \d+ passed/m);
  });

  test("prints one progress line per check", () => {
    for (const check of conforming) expect(run.output).toMatch(new RegExp(`^✓ ${check} +\\d+ assertions$`, "m"));
  });

  test("prints the operation x check table", () => {
    for (const op of [
      "listImageMembers",
      "addImageMember",
      "showImageMember",
      "updateImageMember",
      "removeImageMember",
      "batchAddImageMembers",
      "showJob",
    ]) {
      expect(run.output).toMatch(new RegExp(`^${op} +(pass|-) +`, "m"));
    }
  });

  test("writes a JUnit report with one suite per check and one case per operation", () => {
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\n<testsuites name="ims-contract" tests="${cells}" failures="0"`,
      ),
    );
    expect(xml.match(/<testsuite /g)).toHaveLength(conforming.length);
    expect(xml.match(/<testcase /g)).toHaveLength(cells);
    expect(xml).not.toContain("<failure");
  });

  test("writes a JSON report of every cell", () => {
    const report = JSON.parse(readFileSync(json, "utf8")) as RunResult & { tool: string };
    expect(report).toMatchObject({ tool: "ims-contract", passed: true, profile: "ims", baseUrl: sandbox.url });
    expect(report.cells).toHaveLength(cells);
  });
});

describe("against a faulty server", () => {
  let run: { code: number; output: string };
  const junit = join(dir, "fail.xml");
  const json = join(dir, "fail.json");
  beforeAll(async () => {
    run = await cli(["--base-url", faulty.url, "--junit", junit, "--json", json]);
  });

  test("exits 1 and marks the failing cell in the table", () => {
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/^✗ status_code_conformance +\d+ of \d+ assertions failed$/m);
    // Columns in registry order: status, four more response checks, authn, flows, then the rest.
    expect(run.output).toMatch(/^addImageMember +FAIL( +(pass|-)){5} +FAIL /m);
    expect(run.output).toMatch(/^FAILED: /m);
  });

  test("shows the reason, the request and the response of each failure", () => {
    const block = run.output.slice(run.output.indexOf("✗ addImageMember › status_code_conformance"));
    expect(block).toContain(
      "reason: 201 is not declared for addImageMember (declared: 200, 400, 401, 403, 404, 409, 413, 415, 500, 503)",
    );
    expect(block).toMatch(
      /request \(flow: the owner adds the member; as owner\):\n +POST http:\/\/127\.0\.0\.1:\d+\/v2\/images\/[0-9a-f-]{36}\/members/,
    );
    expect(block).toMatch(/response \(\d+ ms\):\n +201 Created/);
  });

  test("masks credentials in what it prints and writes", () => {
    expect(run.output).not.toContain("owner-token");
    expect(readFileSync(json, "utf8")).not.toContain("owner-token");
    expect(readFileSync(junit, "utf8")).not.toContain("owner-token");
  });

  test("reports the failure in JUnit and JSON", () => {
    expect(readFileSync(junit, "utf8")).toMatch(
      /<testcase name="addImageMember" classname="ims-contract.status_code_conformance">\n +<failure message="201 is not declared/,
    );
    const report = JSON.parse(readFileSync(json, "utf8")) as RunResult;
    expect(report.passed).toBe(false);
    const cell = report.cells.find((c) => c.operation === "addImageMember" && c.check === "status_code_conformance");
    expect(cell?.failures[0]?.exchange?.response?.status).toBe(201);
  });
});

describe("--expect: known deviations", () => {
  // A fault that leaves every cell judgeable: an inconclusive cell fails a run whatever is expected.
  let quirky: RunningProxy;
  beforeAll(async () => {
    const fault = faults.find((f) => f.id === "request-id-without-prefix");
    if (!fault) throw new Error("fault request-id-without-prefix is missing from the catalogue");
    quirky = await startFaultProxy(sandbox.url, fault);
  });
  afterAll(async () => {
    await quirky?.close();
  });

  test("passes when exactly the listed deviations occur, and names new and fixed ones otherwise", async () => {
    const json = join(dir, "baseline.json");
    await cli(["--base-url", quirky.url, "--json", json, "--quiet"]);
    const report = JSON.parse(readFileSync(json, "utf8")) as RunResult;
    const seen = report.cells.flatMap((c) =>
      c.failures.map((f) => ({ operation: f.operation, check: f.check, rule: f.rule })),
    );
    const unique = [...new Map(seen.map((d) => [`${d.operation} ${d.check} ${d.rule}`, d])).values()];
    expect(unique).toContainEqual({
      operation: "listImageMembers",
      check: "response_headers_conformance",
      rule: "headers.X-Openstack-Request-Id:invalid",
    });

    const exact = join(dir, "exact.yaml");
    writeFileSync(exact, stringify(unique));
    const passing = await cli(["--base-url", quirky.url, "--expect", exact, "--quiet"]);
    expect(passing.code).toBe(0);
    expect(passing.output).toMatch(
      new RegExp(`^known deviations: ${unique.length} listed, ${unique.length} still there, 0 new, 0 fixed$`, "m"),
    );

    const stale = join(dir, "stale.yaml");
    writeFileSync(
      stale,
      stringify([...unique.slice(1), { operation: "showJob", check: "stateful_flows", rule: "flows.gone" }]),
    );
    const changed = await cli(["--base-url", quirky.url, "--expect", stale, "--quiet"]);
    expect(changed.code).toBe(1);
    expect(changed.output).toContain(`  new:   ${unique[0]?.operation} › ${unique[0]?.check} › ${unique[0]?.rule}`);
    expect(changed.output).toContain("  fixed: showJob › stateful_flows › flows.gone");
  }, 180_000);
});

describe("options", () => {
  test("--checks limits the run to the named checks", async () => {
    const { code, output } = await cli(["--base-url", faulty.url, "--checks", "authentication", "--quiet"]);
    expect(code).toBe(0);
    expect(output).toMatch(/^operation +authn *$/m);
  });
});

describe("the CLI run as a process", () => {
  const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
  const bin = join(repoRoot, "src", "contract", "cli.ts");
  const exec = promisify(execFile);

  test("runs from another directory and exits 0 against the sandbox", async () => {
    const { stdout } = await exec(
      tsx,
      [bin, "--config", sandboxConfigPath, "--base-url", sandbox.url, "--expect", deviationsPath, "--quiet"],
      { cwd: tmpdir() },
    );
    expect(stdout).toMatch(/^PASSED: /m);
  });

  test("exits 2 on a config it cannot read", async () => {
    const failure = await exec(tsx, [bin, "--config", join(dir, "missing.yaml")], { cwd: tmpdir() }).catch(
      (err: { code: number; stdout: string }) => err,
    );
    expect(failure).toMatchObject({ code: 2, stdout: expect.stringContaining("cannot read the file") });
  });
});
