// The whole repository type-checks under the strict tsconfig (noUncheckedIndexedAccess,
// exactOptionalPropertyTypes): client, sandbox, scripts and tests alike.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../src/spec/openapi.ts";

it("tsc -p tsconfig.json reports no error", () => {
  let output = "";
  try {
    execFileSync(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
      cwd: repoRoot,
      stdio: "pipe",
    });
  } catch (error) {
    output = String((error as { stdout?: Buffer }).stdout ?? error);
  }
  expect(output).toBe("");
}, 120_000);
