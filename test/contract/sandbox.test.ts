// The contract suite against the reference sandbox: every check passes with the documented
// example config, the openstack profile stays on /v2, and with destructive steps off nothing that
// changes state is sent.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { checkNames } from "../../src/contract/checks/registry.ts";
import { type ContractConfig, loadConfigFile } from "../../src/contract/config.ts";
import { type RunResult, runContract } from "../../src/contract/run.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { sandboxConfigPath } from "./faults/catalogue.ts";
import { faultRunTimeouts, sandboxDeviations } from "./faults/harness.ts";
import { type ProxiedRequest, type RunningProxy, startFaultProxy } from "./faults/proxy.ts";

// A full run takes 8-25 s here when other test files share the two cores; some tests make two.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
});
afterAll(async () => {
  await sandbox.close();
});

function config(overrides: Partial<ContractConfig> = {}, baseUrl = sandbox.url): ContractConfig {
  return { ...loadConfigFile(sandboxConfigPath, { baseUrl }), timeouts: faultRunTimeouts, ...overrides };
}

/** Runs the suite through a proxy that only records what the suite sends. */
async function recorded(
  overrides: Partial<ContractConfig>,
): Promise<{ result: RunResult; requests: ProxiedRequest[] }> {
  const requests: ProxiedRequest[] = [];
  const proxy: RunningProxy = await startFaultProxy(sandbox.url, {
    request: (req) => {
      requests.push(req);
      return req;
    },
  });
  try {
    return { result: await runContract(config(overrides, proxy.url)), requests };
  } finally {
    await proxy.close();
  }
}

/** Failures other than the sandbox's known deviations, as `operation › check › rule`. */
function unexpected(result: RunResult): string[] {
  const known = new Set(sandboxDeviations.map((d) => `${d.operation} ${d.check} ${d.rule}`));
  return result.cells
    .flatMap((c) => c.failures)
    .filter((f) => !known.has(`${f.operation} ${f.check} ${f.rule}`))
    .map((f) => `${f.operation} › ${f.check} › ${f.rule}: ${f.reason}`);
}

describe("against the sandbox with the example config", () => {
  let result: RunResult;
  beforeAll(async () => {
    result = await runContract(config());
  });

  test("every operation passes every check, but for the sandbox's own known deviations", () => {
    expect(unexpected(result)).toEqual([]);
    expect(result.cells.filter((c) => c.status === "inconclusive")).toEqual([]);
  });

  test("measured against the known deviations, the run passes: none new, none fixed", async () => {
    const measured = await runContract(config({ expectedDeviations: sandboxDeviations }));
    expect(measured.deviations).toMatchObject({ new: [], fixed: [] });
    expect(measured.passed).toBe(true);
  });

  test("every named check runs, and each judges at least one operation", () => {
    // Judged: passed, or failed by one of the sandbox's known deviations (path_robustness).
    expect(result.operations).toHaveLength(7);
    expect(result.checks).toEqual([...checkNames]);
    expect(result.cells).toHaveLength(7 * checkNames.length);
    for (const check of checkNames)
      expect(result.cells.filter((c) => c.check === check && c.assertions > 0).length, check).toBeGreaterThan(0);
  });

  test("it removes every member it added", () => {
    expect(result.leftovers).toEqual([]);
  });

  test("a run cut off half-way leaves members behind; the next full run gives the same verdict as a clean one", async () => {
    let sent = 0;
    const cut: RunningProxy = await startFaultProxy(sandbox.url, {
      // After 300 requests the server is gone for this run: its clean-up cannot reach it either.
      request: (req) => (++sent > 300 ? { status: 503, headers: {}, body: "" } : req),
    });
    try {
      const interrupted = await runContract(config({}, cut.url));
      expect(interrupted.passed).toBe(false);
    } finally {
      await cut.close();
    }
    const after = await runContract(config());
    const verdicts = (r: RunResult) => r.cells.map((c) => `${c.operation} › ${c.check}: ${c.status}`);
    expect(verdicts(after)).toEqual(verdicts(result));
    expect(after.leftovers).toEqual([]);
  });

  test("a second run finds the server as the first did and gives the same verdict", async () => {
    const again = await runContract(config());
    const verdicts = (r: RunResult) => r.cells.map((c) => `${c.operation} › ${c.check}: ${c.status}`);
    expect(verdicts(again)).toEqual(verdicts(result));
    expect(again.leftovers).toEqual([]);
  });
});

describe("profile openstack", () => {
  test("judges only the five /v2 operations and never calls /v1", async () => {
    const { result, requests } = await recorded({ profile: "openstack" });
    expect(unexpected(result)).toEqual([]);
    expect(result.operations).toEqual([
      "listImageMembers",
      "addImageMember",
      "showImageMember",
      "updateImageMember",
      "removeImageMember",
    ]);
    expect(requests.length).toBeGreaterThan(50);
    expect(requests.filter((r) => !r.url.startsWith("/v2/"))).toEqual([]);
  });
});

describe("negative.skip", () => {
  test("leaves the named negative cases unsent and says so in the notes", async () => {
    const { result, requests } = await recorded({ negative: { skip: ["addImageMember.additionalProperties"] } });
    const addBodies = requests
      .filter((r) => r.method === "POST" && r.url.endsWith("/members") && r.url.startsWith("/v2/"))
      .map((r) => r.body);
    expect(addBodies.length).toBeGreaterThan(0);
    expect(addBodies.filter((b) => /"member"/.test(b) && Object.keys(safeJson(b)).some((k) => k !== "member"))).toEqual(
      [],
    );
    expect(
      result.notes.some(
        (n) =>
          n.includes("negative.skip: additionalProperties") &&
          n.startsWith("negative case not sent") &&
          n.includes("addImageMember"),
      ),
    ).toBe(true);
  });
});

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

describe("with destructive steps off", () => {
  test("sends only GETs, says why each skipped cell could not be judged, leaves nothing, and a full run follows cleanly", async () => {
    const { result, requests } = await recorded({ destructive: false });
    expect(requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(unexpected(result)).toEqual([]);
    const flows = result.cells.find((c) => c.operation === "removeImageMember" && c.check === "stateful_flows");
    expect(flows?.status).toBe("skipped");
    expect(flows?.notes.join(" ")).toMatch(/destructive steps are off/);
    expect(result.cells.find((c) => c.operation === "listImageMembers" && c.check === "authentication")?.status).toBe(
      "passed",
    );
    expect(result.leftovers).toEqual([]);

    const full = await runContract(config());
    expect(unexpected(full)).toEqual([]);
    expect(full.leftovers).toEqual([]);
  });
});
