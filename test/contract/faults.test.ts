// Fault injection: the suite must fail each faulty server in the catalogue with the check the fault
// breaks, and must pass the same sandbox behind a proxy that changes nothing. Failures the sandbox
// shows by itself (sandbox-deviations.yaml) count for neither.
import { describe, expect, test } from "vitest";
import { checkNames } from "../../src/contract/checks/registry.ts";
import { faults } from "./faults/catalogue.ts";
import { failedCells, runBehind } from "./faults/harness.ts";

// A run of every check takes about 8 s alone (it fills an image to the member limit, runs a job of
// over 200 pairs and waits twice a second for timestamps); several share two cores here.
const runTimeout = 180_000;

describe("fault injection", () => {
  test("the catalogue holds distinct faults, at least one aimed at every named check", () => {
    expect(new Set(faults.map((f) => f.id)).size).toBe(faults.length);
    expect(new Set(faults.map((f) => f.expect.check))).toEqual(new Set(checkNames));
  });

  test(
    "a transparent proxy in front of the sandbox passes every check",
    async () => {
      const result = await runBehind({});
      expect(failedCells(result)).toEqual([]);
    },
    runTimeout,
  );

  for (const fault of faults) {
    const cell = `${fault.expect.operation} › ${fault.expect.check}`;
    test.concurrent(
      `${fault.id}: a server that ${fault.description} fails ${cell}`,
      async () => {
        // The targeted check alone proves it catches the fault; score.ts runs every check on each.
        const result = await runBehind(fault, [fault.expect.check, ...(fault.alongside ?? [])]);
        expect(failedCells(result)).toContain(cell);
        expect(result.passed).toBe(false);
      },
      runTimeout,
    );
  }
});
