// The contract suite against the reference sandbox: every check passes with the documented
// example config, the openstack profile stays on /v2, and with destructive steps off nothing that
// changes state is sent.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { checkNames } from "../../src/contract/checks/registry.ts";
import { type ContractConfig, loadConfigFile } from "../../src/contract/config.ts";
import { type RunResult, runContract } from "../../src/contract/run.ts";
import { type Sandbox, startSandbox } from "../../src/sandbox/server.ts";
import { sandboxConfigPath } from "./faults/catalogue.ts";
import { faultRunTimeouts } from "./faults/harness.ts";
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

/** Every failure of a run, as `operation › check › rule: reason`. */
function failures(result: RunResult): string[] {
  return result.cells.flatMap((c) => c.failures).map((f) => `${f.operation} › ${f.check} › ${f.rule}: ${f.reason}`);
}

describe("against the sandbox with the example config", () => {
  let result: RunResult;
  beforeAll(async () => {
    result = await runContract(config());
  });

  test("every operation passes every check", () => {
    expect(failures(result)).toEqual([]);
    expect(result.cells.filter((c) => c.status === "inconclusive")).toEqual([]);
  });

  test("the run passes", () => {
    expect(result.passed).toBe(true);
  });

  test("every named check runs, and each judges at least one operation", () => {
    expect(result.operations).toHaveLength(11);
    expect(result.checks).toEqual([...checkNames]);
    expect(result.cells).toHaveLength(11 * checkNames.length);
    for (const check of checkNames)
      expect(result.cells.filter((c) => c.check === check && c.assertions > 0).length, check).toBeGreaterThan(0);
  });

  test("the four operations of issue 10 are judged by every check that applies to them", () => {
    const judged = (operation: string) =>
      result.cells.filter((c) => c.operation === operation && c.assertions > 0).map((c) => c.check);
    const everyResponse = [
      "status_code_conformance",
      "content_type_conformance",
      "response_schema_conformance",
      "response_headers_conformance",
      "not_a_server_error",
    ];
    const batch = [
      ...everyResponse,
      "authentication",
      "stateful_flows",
      "negative_data_rejection",
      "authorisation",
      "error_media",
      "body_limit",
      "batch_rules",
      "documented_codes",
    ];
    const schemaRead = [
      ...everyResponse,
      "authentication",
      "stateful_flows",
      "negative_data_rejection",
      "authorisation",
      "documented_codes",
    ];
    expect(judged("batchUpdateImageMembers")).toEqual(expect.arrayContaining(batch));
    expect(judged("batchRemoveImageMembers")).toEqual(expect.arrayContaining(batch));
    expect(judged("showImageMemberSchema")).toEqual(expect.arrayContaining([...schemaRead, "error_media"]));
    expect(judged("showImageMembersSchema")).toEqual(expect.arrayContaining(schemaRead));
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
  test("judges only the seven /v2 operations and never calls /v1", async () => {
    const { result, requests } = await recorded({ profile: "openstack" });
    expect(failures(result)).toEqual([]);
    expect(result.operations).toEqual([
      "listImageMembers",
      "addImageMember",
      "showImageMember",
      "updateImageMember",
      "removeImageMember",
      "showImageMemberSchema",
      "showImageMembersSchema",
    ]);
    expect(requests.length).toBeGreaterThan(50);
    expect(requests.filter((r) => !r.url.startsWith("/v2/"))).toEqual([]);
  });
});

describe("clean-up", () => {
  test("removes in batch what the run added (a full image in three requests), then one by one what is left", async () => {
    // A server whose batch removal leaves the last project of each request behind.
    const leave: RunningProxy = await startFaultProxy(sandbox.url, {
      request: (req) => {
        if (req.operation !== "batchRemoveImageMembers") return req;
        const body = safeJson(req.body);
        const projects = Array.isArray(body.projects) ? body.projects : [];
        return { ...req, body: JSON.stringify({ ...body, projects: projects.slice(0, -1) }) };
      },
    });
    const requests: ProxiedRequest[] = [];
    const proxy = await startFaultProxy(leave.url, {
      request: (req) => {
        requests.push(req);
        return req;
      },
    });
    try {
      const result = await runContract(config({ checks: ["member_limit"] }, proxy.url));
      expect(result.leftovers).toEqual([]);
      const batches = requests.filter((r) => r.operation === "batchRemoveImageMembers");
      // 256 members: 100 + 100 + 56 projects.
      expect(batches.map((r) => (safeJson(r.body).projects as unknown[]).length)).toEqual([100, 100, 56]);
      // The three the faulty batch removal kept are removed one by one.
      expect(requests.filter((r) => r.operation === "removeImageMember")).toHaveLength(3);
    } finally {
      await proxy.close();
      await leave.close();
    }
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
    expect(failures(result)).toEqual([]);
    const flows = result.cells.find((c) => c.operation === "removeImageMember" && c.check === "stateful_flows");
    expect(flows?.status).toBe("skipped");
    expect(flows?.notes.join(" ")).toMatch(/destructive steps are off/);
    expect(result.cells.find((c) => c.operation === "listImageMembers" && c.check === "authentication")?.status).toBe(
      "passed",
    );
    expect(result.leftovers).toEqual([]);

    const full = await runContract(config());
    expect(failures(full)).toEqual([]);
    expect(full.leftovers).toEqual([]);
  });
});
