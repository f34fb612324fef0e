// The folders' import boundaries are Biome rules (biome.json overrides): each rule is seen to
// catch a planted import, in a scratch copy of the lint config, and the real tree obeys them all.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { repoRoot } from "../src/spec/openapi.ts";

const biome = join(repoRoot, "node_modules", ".bin", "biome");
const scratch = mkdtempSync(join(tmpdir(), "ims-architecture-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const config = JSON.parse(readFileSync(join(repoRoot, "biome.json"), "utf8")) as Record<string, unknown>;
// The scratch folder is no git checkout, and has no node_modules for the schema.
delete config.$schema;
config.vcs = { enabled: false };
writeFileSync(join(scratch, "biome.json"), JSON.stringify(config));

/** Lints one planted file at `path` (as if it stood there in the repo) and returns the rule messages. */
function lintPlanted(path: string, importFrom: string): string {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `import { thing } from "${importFrom}";\n\nexport const used = thing;\n`);
  try {
    execFileSync(biome, ["lint", path], { cwd: scratch, stdio: "pipe" });
    return "";
  } catch (error) {
    return String((error as { stdout?: Buffer }).stdout ?? "") + String((error as { stderr?: Buffer }).stderr ?? "");
  } finally {
    rmSync(file);
  }
}

describe("import boundaries", () => {
  test.each([
    ["src/spec/planted.ts", "../sandbox/seed.ts", "src/spec is the ground floor"],
    ["src/spec/planted.ts", "../contract/run.ts", "src/spec is the ground floor"],
    ["src/client/planted.ts", "../spec/openapi.ts", "the client stands on generated/"],
    ["src/contract/checks/planted.ts", "../../sandbox/server.ts", "the contract suite reads the spec"],
    ["src/sandbox/http/planted.ts", "../../contract/run.ts", "the sandbox implements the spec"],
    ["src/docs/planted.ts", "../client/index.ts", "the docs builder reads the spec"],
    ["src/sandbox/planted.ts", "../../test/sandbox/helpers.ts", "product code never imports from test/"],
    ["scripts/planted.ts", "../test/docs/site.ts", "product code never imports from test/"],
  ])("%s may not import %s", (path, importFrom, message) => {
    expect(lintPlanted(path, importFrom)).toContain(message);
  });

  test("an allowed import passes", () => {
    expect(lintPlanted("src/sandbox/planted.ts", "../spec/model.ts")).toBe("");
  });
});
