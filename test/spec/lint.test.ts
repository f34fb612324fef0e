// The lint rules keep the spec honest. The real spec must pass both linters cleanly, and each rule
// of our own must be seen to catch the fault it exists for: a copy of the spec is broken on
// purpose, once per rule, and the linter must name that rule at that place.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { repoRoot } from "../../src/spec/openapi.ts";

const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

function run(command: string, args: string[], cwd: string): { code: number; output: string } {
  try {
    const stdout = execFileSync(command, args, { cwd, env, stdio: "pipe" });
    return { code: 0, output: stdout.toString() };
  } catch (error) {
    const e = error as { status: number; stdout: Buffer; stderr: Buffer };
    return { code: e.status, output: `${e.stdout}\n${e.stderr}` };
  }
}

// Free-form YAML documents, edited in place by the fault-planting steps below.
type Yaml = Record<string, any>;
function edit(file: string, change: (doc: Yaml) => void) {
  const doc = parse(readFileSync(file, "utf8")) as Yaml;
  change(doc);
  writeFileSync(file, stringify(doc));
}

/** Parses redocly's stylish output: a file name line, then one indented line per problem. */
function stylishProblems(output: string): { file: string; rule: string }[] {
  const problems: { file: string; rule: string }[] = [];
  let file = "";
  for (const line of output.split("\n")) {
    const header = /^(\S.*\.yaml):$/.exec(line);
    if (header?.[1]) file = header[1];
    const problem = /^\s+\d+:\d+\s+(?:error|warning)\s+(\S+)/.exec(line);
    if (problem?.[1]) problems.push({ file, rule: problem[1] });
  }
  return problems;
}

describe("the real spec", () => {
  it("passes redocly lint with no problem", () => {
    const result = run(bin("redocly"), ["lint", "openapi/openapi.yaml"], repoRoot);
    expect(result.output).not.toMatch(/warning|error/i);
    expect(result.code).toBe(0);
  });

  it("passes spectral on the bundle with no problem of any severity", () => {
    const result = run(bin("spectral"), ["lint", "generated/openapi.yaml", "--fail-severity=hint"], repoRoot);
    expect(result.output).toContain("No results");
    expect(result.code).toBe(0);
  });
});

describe("redocly rules of our own catch what they are for", () => {
  const dir = mkdtempSync(join(tmpdir(), "ims-lint-redocly-"));
  let output = "";
  beforeAll(() => {
    cpSync(join(repoRoot, "openapi"), join(dir, "openapi"), { recursive: true });
    cpSync(join(repoRoot, "redocly.yaml"), join(dir, "redocly.yaml"));
    const paths = join(dir, "openapi", "paths");
    edit(join(paths, "v1_{project_id}_jobs_{job_id}.yaml"), (doc) => {
      doc.get.operationId = "show_job";
      doc.get.summary = "The job";
      delete doc.get.description;
      delete doc.get.responses["401"];
    });
    edit(join(paths, "v1_cloudimages_members.yaml"), (doc) => {
      delete doc.post.requestBody.content["application/json"].examples;
      doc.post.responses["404"] = {
        description: "Returned when written inline.",
        content: { "application/json": { schema: { type: "object" }, examples: { x: { value: {} } } } },
      };
    });
    edit(join(paths, "v2_images_{image_id}_members.yaml"), (doc) => {
      doc.get.responses["200"].content["application/json"].schema = { type: "object" };
    });
    edit(join(dir, "openapi", "components", "examples", "PendingMember.yaml"), (doc) => {
      doc.value.created_at = "1 September 2016";
    });
    edit(join(dir, "openapi", "openapi.yaml"), (doc) => {
      delete doc.tags[2].description;
    });
    output = run(bin("redocly"), ["lint", "openapi/openapi.yaml", "--format=stylish"], dir).output;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["rule/operationId-camel-case", "v1_{project_id}_jobs_{job_id}.yaml"],
    ["rule/summary-short-verb-first", "v1_{project_id}_jobs_{job_id}.yaml"],
    ["operation-description", "v1_{project_id}_jobs_{job_id}.yaml"],
    ["rule/operation-declares-401", "v1_{project_id}_jobs_{job_id}.yaml"],
    ["rule/media-type-has-examples", "v1_cloudimages_members.yaml"],
    ["rule/error-responses-are-shared", "v1_cloudimages_members.yaml"],
    ["rule/media-type-schema-is-component", "v2_images_{image_id}_members.yaml"],
    ["no-invalid-media-type-examples", "PendingMember.yaml"],
    ["tag-description", "openapi.yaml"],
  ])("%s flags the fault planted in %s", (rule, file) => {
    const found = stylishProblems(output).filter((p) => p.rule === rule && p.file.endsWith(file));
    expect(found.length, `no ${rule} in ${file}:\n${output}`).toBeGreaterThan(0);
  });
});

describe("spectral rules catch what they are for", () => {
  // Inside the repo, so the ruleset can resolve the OWASP package from node_modules.
  mkdirSync(join(repoRoot, ".tmp"), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, ".tmp", "lint-spectral-"));
  let output = "";
  beforeAll(() => {
    cpSync(join(repoRoot, ".spectral.yaml"), join(dir, ".spectral.yaml"));
    cpSync(join(repoRoot, "generated", "openapi.yaml"), join(dir, "generated", "openapi.yaml"), { recursive: true });
    edit(join(dir, "generated", "openapi.yaml"), (doc) => {
      delete doc.components.schemas.ProjectId.maxLength;
      delete doc.components.schemas.BatchAddImageMembersRequest.properties.images.maxItems;
      delete doc.paths["/v1/{project_id}/jobs/{job_id}"].get.responses["401"];
      doc.paths["/v1/{project_id}/jobs/{job_id}"].get.responses["404"] = {
        description: "Returned when the job is unknown.",
      };
      doc.paths["/v1/cloudimages/members"].post.operationId = "BatchAdd";
    });
    output = run(
      bin("spectral"),
      ["lint", "generated/openapi.yaml", "--ruleset", ".spectral.yaml", "--format=json", "--quiet"],
      dir,
    ).output;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["owasp:api4:2023-string-limit", "components/schemas/ProjectId"],
    ["owasp:api4:2023-array-limit", "components/schemas/BatchAddImageMembersRequest/properties/images"],
    ["owasp:api8:2023-define-error-responses-401", "paths//v1/{project_id}/jobs/{job_id}/get/responses"],
    ["error-responses-have-json-body", "paths//v1/{project_id}/jobs/{job_id}/get/responses/404"],
    ["operation-id-camel-case", "paths//v1/cloudimages/members/post/operationId"],
  ])("%s flags %s", (rule, where) => {
    const results = JSON.parse(output.slice(output.indexOf("["))) as { code: string; path: string[] }[];
    const hit = results.find((r) => r.code === rule && r.path.join("/").startsWith(where));
    expect(hit, `no ${rule} at ${where} in:\n${output}`).toBeDefined();
  });
});
