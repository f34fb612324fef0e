// The whole tree is clean for Biome (lint, format, import order): the same check as
// `npm run lint`, so CI (`npm test`) fails on anything the linter or the formatter would change.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "../src/spec/openapi.ts";

it("biome check . reports nothing", () => {
  let output = "";
  try {
    execFileSync(
      join(repoRoot, "node_modules", ".bin", "biome"),
      ["check", ".", "--error-on-warnings", "--colors=off"],
      {
        cwd: repoRoot,
        stdio: "pipe",
      },
    );
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    output = `${e.stdout ?? ""}${e.stderr ?? error}`;
  }
  expect(output).toBe("");
}, 60_000);
