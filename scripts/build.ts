// The main job: lint the spec, regenerate generated/, lint the bundle. Stops at the first failure
// and prints that step's output.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { generate, repoRoot, specRoot } from "./generate.ts";

const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
const quiet = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

const steps: [string, () => unknown][] = [
  [
    "redocly lint (sources)",
    () => execFileSync(bin("redocly"), ["lint", specRoot], { cwd: repoRoot, env: quiet, stdio: "pipe" }),
  ],
  ["bundle + types -> generated/", () => generate(join(repoRoot, "generated"))],
  [
    "spectral lint (bundle)",
    () =>
      execFileSync(bin("spectral"), ["lint", "generated/openapi.yaml", "--fail-severity=warn"], {
        cwd: repoRoot,
        env: quiet,
        stdio: "pipe",
      }),
  ],
];

for (const [name, run] of steps) {
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
    console.error(`✗ ${name}`);
    console.error([e.stdout?.toString(), e.stderr?.toString()].filter(Boolean).join("\n") || e.message);
    process.exit(1);
  }
  console.log(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
