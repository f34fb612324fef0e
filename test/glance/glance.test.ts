// The contract suite against a real OpenStack Glance Zed (Debian's glance-api, started on loopback
// by scripts/lib/glance.ts): it must report exactly the deviations listed in
// glance-zed.expected.yaml. Without glance-api installed the start fails, and so does this file
// (on CI and locally alike): install it with scripts/glance/install.sh.
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GlanceError, type RunningGlance, startGlance } from "../../scripts/lib/glance.ts";
import { parseConfig } from "../../src/contract/config.ts";
import { type RunResult, runContract } from "../../src/contract/run.ts";
import { deviationsOf, loadDeviations } from "./deviations.ts";

const expectedPath = join(import.meta.dirname, "glance-zed.expected.yaml");

let glance: RunningGlance | undefined;
let result: RunResult;

beforeAll(async () => {
  glance = await startGlance();
  result = await runContract(parseConfig(glance.config, glance.configFile));
}, 180_000);

afterAll(async () => {
  await glance?.stop();
});

describe("the contract suite against Glance Zed", () => {
  test("reports exactly the accepted deviations", () => {
    expect(deviationsOf(result)).toEqual(loadDeviations(expectedPath));
  });

  test("judges every /v2 cell and leaves no member behind", () => {
    expect(result.operations).toHaveLength(5);
    expect(result.cells.filter((c) => c.status === "skipped" || c.status === "not-run")).toEqual([]);
    expect(result.leftovers).toEqual([]);
  });

  test("a second run on the same instance reports the same deviations", async () => {
    const again = await runContract(parseConfig(glance?.config, "second run"));
    expect(deviationsOf(again)).toEqual(deviationsOf(result));
  }, 120_000);

  test("stop ends glance-api and removes its folder", async () => {
    const { pid, dir } = glance as RunningGlance;
    await glance?.stop();
    glance = undefined;
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("startGlance", () => {
  test("refuses a busy port at once, naming it", async () => {
    const holder = createServer();
    await new Promise<void>((listening) => holder.listen(0, "127.0.0.1", () => listening()));
    const { port } = holder.address() as { port: number };
    try {
      const started = Date.now();
      await expect(startGlance({ port })).rejects.toThrow(GlanceError);
      await expect(startGlance({ port })).rejects.toThrow(`127.0.0.1:${port}`);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      holder.close();
    }
  });
});
