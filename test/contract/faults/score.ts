// Prints the fault score: how many of the catalogue's faulty servers the suite catches with the
// expected check. Run: npx tsx test/contract/faults/score.ts
import { faults } from "./catalogue.ts";
import { failedCells, runBehind } from "./harness.ts";

let caught = 0;
const started = performance.now();
for (const fault of faults) {
  const result = await runBehind(fault);
  const expected = `${fault.expect.operation} › ${fault.expect.check}`;
  const failed = failedCells(result);
  const hit = failed.includes(expected);
  if (hit) caught++;
  const others = failed.filter((c) => c !== expected);
  console.log(
    `${hit ? "caught" : "MISSED"}  ${fault.id.padEnd(28)} ${expected}${others.length ? `  (also: ${others.join(", ")})` : ""}`,
  );
}
console.log(`\nfaults caught: ${caught}/${faults.length} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exitCode = caught === faults.length ? 0 : 1;
