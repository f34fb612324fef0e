// The main job: lint the spec, regenerate generated/, lint the bundle. Stops at the first failure
// and prints that step's output.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoRoot } from "../src/spec/openapi.ts";
import { bin, generate, specRoot } from "./lib/generate.ts";

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

export async function main(_argv: string[]): Promise<number> {
  for (const [name, run] of steps) {
    const started = performance.now();
    try {
      await run();
    } catch (error) {
      const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
      console.error(`✗ ${name}`);
      console.error([e.stdout?.toString(), e.stderr?.toString()].filter(Boolean).join("\n") || e.message);
      return 1;
    }
    console.log(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exitCode = await main(process.argv.slice(2));
