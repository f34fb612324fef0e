// The contract suite against a real OpenStack Glance Zed (Debian's glance-api, started on loopback
// by scripts/lib/glance.ts), measured against its known deviations (glance-zed.expected.yaml, read
// by the suite's own `expectedDeviations`): every recorded Glance behaviour that the contract
// forbids must be reported, and nothing else, run after run. Without glance-api installed the start
// fails, and so does this file (on CI and locally alike): `npm run setup` installs it.
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { GlanceError, type RunningGlance, startGlance } from "../../scripts/lib/glance.ts";
import { loadConfigFile } from "../../src/contract/config.ts";
import type { RunResult } from "../../src/contract/run.ts";
import { runContract } from "../../src/contract/run.ts";
import { startFaultProxy } from "../contract/faults/proxy.ts";

const expectedPath = join(import.meta.dirname, "glance-zed.expected.yaml");

let glance: RunningGlance | undefined;
let result: RunResult;

/** The instance's config, every check on (member_limit too), measured against the expected file. */
function config(baseUrl?: string) {
  const running = glance as RunningGlance;
  return loadConfigFile(running.configFile, {
    checks: ["all", "member_limit"],
    expect: expectedPath,
    ...(baseUrl ? { baseUrl } : {}),
  });
}

/** What a verdict is made of: each cell's status, and the deviations new or fixed against the file. */
const verdict = (r: RunResult) => ({
  cells: r.cells.map((c) => `${c.operation} › ${c.check}: ${c.status}`),
  new: r.deviations?.new ?? [],
  fixed: r.deviations?.fixed ?? [],
});

beforeAll(async () => {
  glance = await startGlance();
  result = await runContract(config());
}, 300_000);

afterAll(async () => {
  await glance?.stop();
});

describe("the contract suite against Glance Zed", () => {
  test("reports exactly the known deviations: none new, none fixed", () => {
    expect(result.deviations).toMatchObject({ new: [], fixed: [] });
    expect(result.passed).toBe(true);
  });

  test("judges every cell it can: nothing inconclusive", () => {
    expect(result.operations).toHaveLength(7);
    expect(result.cells.filter((c) => c.status === "inconclusive")).toEqual([]);
  });

  test("a second run on the same instance gives the same verdict", async () => {
    expect(verdict(await runContract(config()))).toEqual(verdict(result));
  }, 300_000);

  test("a run cut off half-way, then a full run, gives the same verdict as a clean one", async () => {
    let sent = 0;
    const cut = await startFaultProxy((glance as RunningGlance).baseUrl, {
      // After 150 requests Glance is gone for this run, its clean-up included.
      request: (req) => (++sent > 150 ? { status: 503, headers: {}, body: "" } : req),
    });
    try {
      expect((await runContract(config(cut.url))).passed).toBe(false);
    } finally {
      await cut.close();
    }
    expect(verdict(await runContract(config()))).toEqual(verdict(result));
  }, 300_000);

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
