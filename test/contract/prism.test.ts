// The response checks against the Prism mock: every answer the mock gives on the suite's walk
// through the API has a declared status, media type, headers and a schema-valid body. The
// behaviour checks, which a stateless mock cannot pass, show that the suite tells the two apart.
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type RunningServer, startPrism } from "../../scripts/lib/processes.ts";
import { responseChecks } from "../../src/contract/checks/registry.ts";
import { loadConfigFile } from "../../src/contract/config.ts";
import { runContract } from "../../src/contract/run.ts";

const prismConfigPath = resolve(import.meta.dirname, "..", "..", "src", "contract", "examples", "prism.yaml");

let prism: RunningServer;
beforeAll(async () => {
  prism = await startPrism();
});
afterAll(async () => {
  await prism?.stop();
});

describe("against the Prism mock", () => {
  test("the example config selects only the response checks, and they all pass", async () => {
    const config = loadConfigFile(prismConfigPath, { baseUrl: prism.url });
    expect(config.checks).toEqual([...responseChecks]);
    const result = await runContract(config);
    expect(result.cells.filter((c) => c.status === "failed").map((c) => `${c.operation} › ${c.check}`)).toEqual([]);
    expect(result.operations).toHaveLength(7);
    expect(result.requests).toBeGreaterThan(15);
    for (const check of responseChecks)
      expect(result.cells.filter((c) => c.check === check && c.status === "passed").length).toBeGreaterThan(0);
  });

  test("the behaviour checks fail on the stateless mock: a removed member is still there", async () => {
    const config = loadConfigFile(prismConfigPath, { baseUrl: prism.url, checks: ["stateful_flows"] });
    const result = await runContract(config);
    expect(result.passed).toBe(false);
    const removal = result.cells.find((c) => c.operation === "removeImageMember" && c.check === "stateful_flows");
    expect(removal?.failures.map((f) => f.reason)).toContain("after removal, show should answer 404; got 200");
  });
});
