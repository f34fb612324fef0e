// Fault injection: the suite must fail each faulty server in the catalogue with the check the fault
// breaks, and must pass the same sandbox behind a proxy that changes nothing.
import { describe, expect, test } from "vitest";
import { faults } from "./faults/catalogue.ts";
import { failedCells, runBehind } from "./faults/harness.ts";

describe("fault injection", () => {
  test("the catalogue holds at least twelve distinct faults, each aimed at a check and an operation", () => {
    expect(faults.length).toBeGreaterThanOrEqual(12);
    expect(new Set(faults.map((f) => f.id)).size).toBe(faults.length);
    expect(new Set(faults.map((f) => f.expect.check)).size).toBe(9);
  });

  test("a transparent proxy in front of the sandbox passes every check", async () => {
    const result = await runBehind({});
    expect(failedCells(result)).toEqual([]);
  });

  // One run at a time: the runs share this process's event loop, and several at once on a loaded
  // machine miss the short request timeouts of faultRunTimeouts.
  for (const fault of faults) {
    const cell = `${fault.expect.operation} › ${fault.expect.check}`;
    test(`${fault.id}: a server that ${fault.description} fails ${cell}`, async () => {
      const result = await runBehind(fault);
      expect(failedCells(result)).toContain(cell);
      expect(result.passed).toBe(false);
    });
  }
});
